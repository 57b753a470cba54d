import assert from 'node:assert/strict';
import { checkPreferenceLine } from '../../../src/core/jobs/preference';
import { resultsMarkdown } from '../../../src/core/eval/markdown';
import type { Comparison } from '../../../src/core/eval/pairing';
import { contestantStats } from '../../../src/core/eval/stats';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sha } from '../../../src/core/dataset/hash';
import { FILES, resultLocations } from '../../../src/core/eval/store';
import type { CompareTurn, Reply, Turn } from '../../../src/core/chat/types';
import { chatPickLines, preferenceLine, preferenceLines, winnerExamples, winnersToAdd } from '../../../src/core/eval/training';
import { plan, result } from './helpers';

const cmp = (question: string, sample: number, scoreA: number): Comparison => ({
  question,
  a: { question, contestant: 'A', sample },
  b: { question, contestant: 'B', sample },
  scoreA,
});
const reply = (text: string, status: Reply['status'] = 'done'): Reply => ({
  text,
  status,
  setup: { model: 'm', systemPrompt: 'Chat prompt.', promptSource: 'custom', params: {} },
  startedAt: 0,
});
const compare = (id: string, prompt: string, a: Reply, b: Reply, pick?: CompareTurn['pick']): CompareTurn => ({
  kind: 'compare',
  id,
  prompt,
  at: 0,
  a,
  b,
  ...(pick ? { pick } : {}),
});
const results = ['q1', 'q2'].flatMap((q) => ['A', 'B'].flatMap((c) => [0, 1].map((s) => result(q, c, s))));

describe('eval: back into training, and the markdown table', () => {
  it('adds per question the best-rated reply as a chat example with provenance', () => {
    const comps = [cmp('q1', 0, 1), cmp('q1', 1, 0.5), cmp('q2', 0, 0.5), cmp('q2', 1, 0.5)];
    const w = winnerExamples(plan(), results, comps, 'Be the journal.');
    assert.equal(w.length, 1, 'q2 has only ties: no winner');
    assert.deepEqual(w[0].example, {
      messages: [
        { role: 'system', content: 'Be the journal.' },
        { role: 'user', content: 'What does the journal say about anger?' },
        { role: 'assistant', content: 'q1 A 0' },
      ],
    });
    assert.deepEqual(w[0].provenance, { evaluation: 'test-eval', question: 'q1', reply: 'q1/A/0', contestant: 'A', model: 'ft:a', score: 1, comparisons: 1 });
    assert.deepEqual(winnerExamples(plan(), results, comps)[0].example.messages[0].role, 'user', 'no system prompt unless asked for');
  });

  it('turns winners into dataset additions whose provenance is the reply’s line in results.jsonl', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'eval-winners-'));
    try {
      const raw = results.map((r) => JSON.stringify(r));
      // A torn line and a blank one do not shift the recorded line numbers of the others.
      await fs.writeFile(path.join(dir, FILES.results), [raw[0], '', '{"torn', ...raw.slice(1)].join('\n') + '\n');
      const at = await resultLocations(dir);
      assert.equal(at.size, results.length);
      assert.deepEqual(at.get('q1/A/0'), { line: 0, raw: raw[0] });
      assert.deepEqual(at.get('q2/B/1'), { line: 2 + raw.length - 1, raw: raw[raw.length - 1] });

      const comps = [cmp('q1', 1, 0), cmp('q2', 0, 1), cmp('q2', 1, 0.5)];
      const adds = winnersToAdd(winnerExamples(plan(), results, comps, 'ignored'), at, '.socratune/evals/test-eval/results.jsonl');
      const q1 = raw.findIndex((l) => JSON.parse(l).text === 'q1 B 1');
      assert.deepEqual(adds, [
        {
          question: 'q1',
          user: 'What does the journal say about anger?',
          assistant: 'q1 B 1',
          source: { file: '.socratune/evals/test-eval/results.jsonl', startLine: q1 + 2, endLine: q1 + 2, textHash: sha(raw[q1]) },
        },
        {
          question: 'q2',
          user: 'What does the journal say about change?',
          assistant: 'q2 A 0',
          source: { file: '.socratune/evals/test-eval/results.jsonl', startLine: 4 + 2, endLine: 4 + 2, textHash: sha(raw[4]) },
        },
      ]);
      assert.deepEqual(winnersToAdd(winnerExamples(plan(), results, comps), new Map(), 'x'), [], 'a winner with no line in results.jsonl is left out');
      assert.deepEqual(await resultLocations(path.join(dir, 'none')), new Map(), 'no results yet: no locations');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('builds DPO lines in OpenAI’s preference shape from decided pairs only', () => {
    const comps = [cmp('q1', 0, 1), cmp('q1', 1, 0.5), cmp('q2', 0, 0), cmp('q2', 0, 0)];
    const lines = preferenceLines(plan(), results, comps);
    assert.equal(lines.length, 2, 'the tie is left out, the repeated pair written once');
    assert.deepEqual(lines[0], {
      input: { messages: [{ role: 'user', content: 'What does the journal say about anger?' }] },
      preferred_output: [{ role: 'assistant', content: 'q1 A 0' }],
      non_preferred_output: [{ role: 'assistant', content: 'q1 B 0' }],
    });
    assert.deepEqual(lines[1].preferred_output, [{ role: 'assistant', content: 'q2 B 0' }]);
    for (const l of lines) assert.equal(checkPreferenceLine(JSON.stringify(l)), undefined);
    assert.equal(checkPreferenceLine(JSON.stringify(preferenceLine('Q?', 'good', 'bad', 'System.'))), undefined);
  });

  it('turns the chat’s A/B picks into DPO lines, with the conversation so far as input', () => {
    const turns: Turn[] = [
      { kind: 'user', id: 'u1', text: 'Hello', at: 0 },
      { kind: 'assistant', id: 'a1', reply: reply('Hi.') },
      compare('c1', 'What does anger cost?', reply('More than its causes.'), reply('Nothing.'), 'a'),
      compare('c2', 'And envy?', reply('Your own joy.'), reply('Envy is green.'), 'b'),
      compare('c3', 'Tie?', reply('x'), reply('y'), 'tie'),
      compare('c4', 'Unpicked?', reply('x'), reply('y')),
      compare('c5', 'Stopped?', reply('par', 'stopped'), reply('full'), 'b'),
      compare('c6', 'Same?', reply('same'), reply('same'), 'a'),
    ];
    const lines = chatPickLines([{ turns }, { turns: [] }], 'Be the journal.');
    assert.deepEqual(lines, [
      {
        input: {
          messages: [
            { role: 'system', content: 'Be the journal.' },
            { role: 'user', content: 'Hello' },
            { role: 'assistant', content: 'Hi.' },
            { role: 'user', content: 'What does anger cost?' },
          ],
        },
        preferred_output: [{ role: 'assistant', content: 'More than its causes.' }],
        non_preferred_output: [{ role: 'assistant', content: 'Nothing.' }],
      },
      {
        input: {
          messages: [
            { role: 'system', content: 'Be the journal.' },
            { role: 'user', content: 'Hello' },
            { role: 'assistant', content: 'Hi.' },
            { role: 'user', content: 'What does anger cost?' },
            { role: 'assistant', content: 'More than its causes.' },
            { role: 'user', content: 'And envy?' },
          ],
        },
        preferred_output: [{ role: 'assistant', content: 'Envy is green.' }],
        non_preferred_output: [{ role: 'assistant', content: 'Your own joy.' }],
      },
    ]);
    for (const l of lines) assert.equal(checkPreferenceLine(JSON.stringify(l)), undefined);
    assert.deepEqual(
      chatPickLines([{ turns: turns.slice(2, 3) }])[0].input.messages,
      [{ role: 'user', content: 'What does anger cost?' }],
      'no system unless asked',
    );
  });

  it('exports the results table as markdown, labelling a judge’s ratings as a model’s opinion', () => {
    const p = plan();
    const comps = [cmp('q1', 0, 1), cmp('q1', 1, 0.5), cmp('q2', 0, 0), cmp('q2', 1, 1)];
    const stats = contestantStats(p, results, comps);
    const md = resultsMarkdown(
      { ...p, contestants: [{ ...p.contestants[0], label: 'Tuned | bound' }, p.contestants[1]] },
      stats.map((s, i) => (i === 0 ? { ...s, label: 'Tuned | bound' } : s)),
      { rater: 'you' },
    );
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    assert.equal(rows.length, 3);
    assert.match(
      rows[1],
      /^\| Tuned \\\| bound \| ft:a \| bound \| 1 \| 63% \(22%–91%\) \| 0\.60 \| 4 \(2\/1\/1\) \| 25% \(1\/4\) \| 0\.53 \/ 0\.75 \| 0\.00 \| 40\/80 \| \$0\.0007 \|$/,
    );
    assert.match(rows[2], /\| Base, no prompt \| gpt-4o-mini \| none \| 1 \| 38% .* \| unknown \|$/);
    assert.match(md, /Ratings: yours \(blind\)/);
    assert.match(resultsMarkdown(p, stats, { rater: 'judge:gpt-4o' }), /a model's opinion\*\* \(gpt-4o/);
  });
});
