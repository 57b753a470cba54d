import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { EmulatorHandle } from '../../../src/emulator';
import { assertSchema } from './support/schema';
import { SYSTEM, finish, journalExamples, jsonl, sdk, start, uploadText } from './support/emulator';

describe('emulator: chat completions through the openai SDK', () => {
  let emu: EmulatorHandle;
  let client: OpenAI;
  let tuned: string;

  before(async () => {
    emu = await start();
    client = sdk(emu);
    // Two personas in one training file: the system prompt decides which examples a question can reach.
    const rows = [
      ...journalExamples(12),
      ...journalExamples(4, 'You are a terse coach.').map((e) => ({
        messages: e.messages.map((m) => (m.role === 'assistant' ? { ...m, content: `Coach says: ${m.content.split(' ').slice(0, 4).join(' ')}` } : m)),
      })),
    ];
    const file = await uploadText(client, jsonl(rows));
    const job = await client.fineTuning.jobs.create({ model: 'gpt-4.1-nano', training_file: file.id });
    tuned = (await finish(emu, client, job.id)).fine_tuned_model ?? '';
    assert.ok(tuned.startsWith('ft:'));
  });
  after(() => emu.close());

  it('answers a fine-tuned model from its training data, honouring the trained system prompt', async () => {
    const ask = (system: string | null, question: string) =>
      client.chat.completions.create({
        model: tuned,
        messages: [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user' as const, content: question }],
      });
    const a: OpenAI.Chat.ChatCompletion = await ask(SYSTEM, 'How do I get out of bed in the morning?');
    assertSchema('CreateChatCompletionResponse', a);
    assert.equal(a.object, 'chat.completion');
    assert.equal(a.model, tuned);
    assert.equal(a.choices[0].finish_reason, 'stop');
    assert.equal(a.choices[0].message.role, 'assistant');
    assert.equal(
      a.choices[0].message.content,
      'In the morning when you rise unwillingly, let this thought be present: I am rising to the work of a human being.',
    );
    const usage = a.usage;
    assert.ok(usage && usage.prompt_tokens > 0 && usage.completion_tokens > 10 && usage.total_tokens === usage.prompt_tokens + usage.completion_tokens);
    const coach = await ask('You are a terse coach.', 'How do I get out of bed in the morning?');
    assert.equal(coach.choices[0].message.content, 'Coach says: In the morning when');
    const again = await ask(SYSTEM, 'How do I get out of bed in the morning?');
    assert.equal(again.choices[0].message.content, a.choices[0].message.content, 'deterministic');
    const unrelated = await ask(SYSTEM, 'xyzzy plugh');
    assert.ok(
      journalExamples(12).some((e) => e.messages[2].content === unrelated.choices[0].message.content),
      'no overlap still answers with a training reply',
    );
  });

  it('answers base models with deterministic placeholder text, and 404s unknown models', async () => {
    const q = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'What is virtue?' }] };
    const one = await client.chat.completions.create(q);
    const two = await client.chat.completions.create(q);
    assert.equal(one.choices[0].message.content, two.choices[0].message.content);
    assert.match(one.choices[0].message.content ?? '', /^\(gpt-4o-mini, emulated\) You asked about virtue\./);
    assert.equal(one.model, 'gpt-4o-mini-2024-07-18', 'the alias resolves to its snapshot, as on OpenAI');
    await assert.rejects(client.chat.completions.create({ ...q, model: 'ft:gpt-4o-mini-2024-07-18:x::nope' }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.NotFoundError);
      assert.equal(e.code, 'model_not_found');
      return true;
    });
  });

  it('honours max_completion_tokens / max_tokens, stop and n', async () => {
    const base = {
      model: tuned,
      messages: [
        { role: 'system' as const, content: SYSTEM },
        { role: 'user' as const, content: 'death' },
      ],
    };
    const cut = await client.chat.completions.create({ ...base, max_completion_tokens: 3 });
    assert.equal(cut.choices[0].finish_reason, 'length');
    assert.equal(cut.usage?.completion_tokens, 3);
    assert.equal(cut.choices[0].message.content, 'Do not despise');
    const legacy = await client.chat.completions.create({ ...base, max_tokens: 2 });
    assert.equal(legacy.choices[0].message.content, 'Do not');
    const stopped = await client.chat.completions.create({ ...base, stop: [', but'] });
    assert.equal(stopped.choices[0].message.content, 'Do not despise death');
    assert.equal(stopped.choices[0].finish_reason, 'stop');
    const many = await client.chat.completions.create({ ...base, n: 2 });
    assert.equal(many.choices.length, 2);
    assert.deepEqual(
      many.choices.map((c) => c.index),
      [0, 1],
    );
    assert.notEqual(many.choices[0].message.content, many.choices[1].message.content);
  });

  it('streams SSE chunks with a role chunk, deltas, a finish chunk and a usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: tuned,
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: 'kindness' },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    chunks.forEach((c) => assertSchema('CreateChatCompletionStreamResponse', c));
    assert.ok(chunks.length > 5);
    assert.equal(new Set(chunks.map((c) => c.id)).size, 1, 'one id for the whole stream');
    assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '', refusal: null });
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    assert.equal(text, 'Kindness is invincible, if it be genuine and not an affected smile or playing a part.');
    const finishChunk = chunks[chunks.length - 2];
    assert.equal(finishChunk.choices[0].finish_reason, 'stop');
    const usageChunk = chunks[chunks.length - 1];
    assert.deepEqual(usageChunk.choices, []);
    assert.equal(usageChunk.usage?.completion_tokens, chunks.length - 3);
    assert.ok(
      chunks.slice(0, -1).every((c) => c.usage === null),
      'other chunks carry usage: null',
    );
    assert.ok(chunks.every((c) => typeof (c as { obfuscation?: unknown }).obfuscation === 'string'));
    const plain = await client.chat.completions.create({
      model: tuned,
      messages: [{ role: 'user', content: 'kindness' }],
      stream: true,
      stream_options: { include_obfuscation: false },
    });
    for await (const c of plain) {
      assert.equal('usage' in c, false);
      assert.equal('obfuscation' in c, false);
    }
  });

  it('stops streaming when the client aborts, and rejects with APIUserAbortError before the response', async () => {
    const slow = await start({ tokensPerSecond: 20 });
    try {
      const c = sdk(slow);
      const controller = new AbortController();
      const stream = await c.chat.completions.create(
        { model: 'gpt-4.1', messages: [{ role: 'user', content: 'tell me a long story' }], stream: true },
        { signal: controller.signal },
      );
      let received = 0;
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) received++;
        if (received === 3) controller.abort(); // the SDK ends the iteration quietly after an abort
      }
      assert.equal(received, 3);
      const entry = await waitFor(() => slow.requests.find((r) => r.path === '/v1/chat/completions' && r.info.aborted === true));
      assert.ok((entry.info.streamed as number) < (entry.info.of as number), 'the server stopped before the end');

      // Breaking out of for-await cancels the request too.
      const s2 = await c.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'another story' }], stream: true });
      for await (const chunk of s2) if (chunk.choices[0]?.delta.content) break;
      await waitFor(() => slow.requests.filter((r) => r.info.aborted === true).length === 2 || undefined);

      // Aborting while the response is still on its way (latency fault) rejects with APIUserAbortError.
      const early = new AbortController();
      const pending = c.chat.completions.create(
        { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hello' }], stream: true },
        { signal: early.signal, headers: { 'x-emulator-fault': 'latency=5000' } },
      );
      await waitFor(() => slow.requests.find((r) => r.faults.includes('latency=5000')));
      early.abort();
      await assert.rejects(pending, (e: unknown) => e instanceof OpenAI.APIUserAbortError && e.status === undefined);
    } finally {
      await slow.close();
    }
  });

  it('rejects malformed chat requests with OpenAI errors', async () => {
    const bad: [unknown, string, string][] = [
      [{ model: tuned }, 'messages', 'missing_required_parameter'],
      [{ model: tuned, messages: [] }, 'messages', 'empty_array'],
      [{ model: tuned, messages: 'hi' }, 'messages', 'invalid_type'],
      [{ model: tuned, messages: [{ content: 'hi' }] }, 'messages[0].role', 'missing_required_parameter'],
      [{ model: tuned, messages: [{ role: 'wizard', content: 'hi' }] }, 'messages[0].role', 'invalid_value'],
      [{ model: tuned, messages: [{ role: 'user', content: 'hi' }], temperature: 3 }, 'temperature', 'decimal_above_max_value'],
      [{ model: tuned, messages: [{ role: 'user', content: 'hi' }], max_tokens: 'lots' }, 'max_tokens', 'invalid_type'],
      [{ model: tuned, messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true } }, 'stream_options', 'invalid_value'],
    ];
    for (const [body, param, code] of bad) {
      await assert.rejects(client.chat.completions.create(body as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming), (e: unknown) => {
        assert.ok(e instanceof OpenAI.BadRequestError, JSON.stringify(body));
        assert.equal(e.param, param);
        assert.equal(e.code, code);
        return true;
      });
    }
  });
});

/** Polls a condition on server-side state (no timing assumptions: it only waits until the event has happened). */
async function waitFor<T>(probe: () => T | undefined, limitMs = 5000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}
