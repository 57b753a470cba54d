import { strict as assert } from 'node:assert';
import { exportJsonl, toAlpaca, toShareGpt } from '../../../src/core/dataset/export';

const single = {
  messages: [
    { role: 'system', content: 'Answer as me.' },
    { role: 'user', content: 'What is enough?' },
    { role: 'assistant', content: 'A number decided early.' },
  ],
};
const multi = {
  messages: [
    { role: 'user', content: 'Hi?' },
    { role: 'assistant', content: 'Hello.' },
    { role: 'user', content: 'And rest?' },
    { role: 'assistant', content: 'Part of the work.', weight: 1 },
  ],
};

describe('exports', () => {
  it('ShareGPT: conversations with from/value and the usual role names', () => {
    assert.deepEqual(toShareGpt(single), {
      ok: true,
      value: {
        conversations: [
          { from: 'system', value: 'Answer as me.' },
          { from: 'human', value: 'What is enough?' },
          { from: 'gpt', value: 'A number decided early.' },
        ],
      },
    });
  });

  it('Alpaca: instruction/input/output, with system and history for multi-turn', () => {
    assert.deepEqual(toAlpaca(single), {
      ok: true,
      value: { instruction: 'What is enough?', input: '', output: 'A number decided early.', system: 'Answer as me.' },
    });
    assert.deepEqual(toAlpaca(multi), { ok: true, value: { instruction: 'And rest?', input: '', output: 'Part of the work.', history: [['Hi?', 'Hello.']] } });
    const tool = {
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', tool_calls: [{ id: '1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      ],
    };
    assert.equal(toAlpaca(tool).ok, false);
  });

  it('exports a JSONL text, reporting the lines it could not convert', () => {
    const text = `${JSON.stringify(single)}\n\nnot json\n${JSON.stringify({ messages: [{ role: 'user', content: 'only a question' }] })}\n${JSON.stringify(multi)}\n`;
    const open = exportJsonl(text, 'openai');
    assert.equal(open.exported, 3);
    assert.equal(open.text.split('\n')[0], JSON.stringify(single));
    const alp = exportJsonl(text, 'alpaca');
    assert.equal(alp.exported, 2);
    assert.deepEqual(
      alp.skipped.map((s) => s.line),
      [3, 4],
    );
    const sg = exportJsonl(text, 'sharegpt');
    assert.equal(sg.exported, 3);
    assert.deepEqual(
      JSON.parse(sg.text.split('\n')[2]).conversations.map((c: { from: string }) => c.from),
      ['human', 'gpt', 'human', 'gpt'],
    );
  });
});
