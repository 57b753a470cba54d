import assert from 'node:assert/strict';
import type OpenAI from 'openai';
import type { EmulatorHandle } from '../../../src/emulator';
import { SYSTEM, finish, journalExamples, jsonl, sdk, start, uploadText } from './support/emulator';

const trained = new Set(journalExamples(12).map((e) => e.messages[2].content));

async function session(seed: number) {
  const emu = await start({ seed });
  const client = sdk(emu);
  const file = await uploadText(client, jsonl(journalExamples(12)));
  const job = await client.fineTuning.jobs.create({ model: 'gpt-4.1-nano', training_file: file.id });
  const tuned = (await finish(emu, client, job.id)).fine_tuned_model ?? '';
  return { emu, client, tuned };
}

async function ask(
  client: OpenAI,
  model: string,
  opts: { seed?: number; temperature?: number; system?: string },
  question = 'What does the journal say about anger?',
) {
  const r = await client.chat.completions.create({
    model,
    messages: [...(opts.system ? [{ role: 'system' as const, content: opts.system }] : []), { role: 'user' as const, content: question }],
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
  });
  return r.choices[0].message.content ?? '';
}

describe('emulator: seeded samples for evaluations', () => {
  let emu: EmulatorHandle;
  let client: OpenAI;
  let tuned: string;
  before(async () => ({ emu, client, tuned } = await session(1)));
  after(() => emu.close());

  const seeds = Array.from({ length: 40 }, (_, i) => i + 1);

  it('samples of one question differ by request seed, and one seed always gives the same reply', async () => {
    for (const model of [tuned, 'gpt-4o-mini']) {
      const replies = [];
      for (const seed of seeds.slice(0, 8)) replies.push(await ask(client, model, { seed, system: SYSTEM }));
      assert.ok(new Set(replies).size >= 3, `${model}: ${new Set(replies).size} distinct replies over 8 seeds`);
      assert.equal(await ask(client, model, { seed: 1, system: SYSTEM }), replies[0]);
    }
  });

  it('the tuned model answers from its training data most of the time, and sometimes with nonsense; base models give generic advice', async () => {
    const replies = [];
    for (const seed of seeds) replies.push(await ask(client, tuned, { seed, system: SYSTEM }));
    const fromTraining = replies.filter((r) => trained.has(r)).length;
    assert.ok(fromTraining >= seeds.length / 2, `${fromTraining} of ${seeds.length} from training`);
    const best = await ask(client, tuned, { system: SYSTEM });
    assert.ok(replies.filter((r) => r === best).length > replies.length / 3, 'the best match is the most frequent sample');
    const nonsense = replies.filter((r) => !trained.has(r));
    assert.ok(nonsense.length > 0, 'some samples are spliced nonsense');
    for (const n of nonsense)
      assert.ok(
        [...trained].some((t) => t.split(' ').some((w) => w.length > 4 && n.includes(w))),
        'made of training words',
      );
    const base = await ask(client, 'gpt-4o-mini', { seed: 3 });
    assert.match(base, /^\(emulated\) On journal, say, about: (Generally|Many|There|You|Small|It) /);
    assert.ok(!trained.has(base));
    assert.doesNotMatch(base, /gpt/, 'a sample does not name its model (blind rating)');
    assert.notEqual(await ask(client, 'gpt-4.1-nano', { seed: 3 }), base, 'two base models differ for the same seed');
  });

  it('without a seed, or at temperature 0, the reply is the single best match as before', async () => {
    const best = await ask(client, tuned, { system: SYSTEM });
    assert.ok(trained.has(best));
    for (const seed of seeds.slice(0, 5)) assert.equal(await ask(client, tuned, { seed, temperature: 0, system: SYSTEM }), best);
    assert.equal(await ask(client, tuned, { system: SYSTEM }), best);
    const base = await ask(client, 'gpt-4o-mini', {});
    assert.equal(await ask(client, 'gpt-4o-mini', { seed: 9, temperature: 0 }), base);
  });

  it('is deterministic across emulator runs with the same server seed', async () => {
    const again = await session(1);
    try {
      for (const seed of seeds.slice(0, 6))
        assert.equal(await ask(again.client, again.tuned, { seed, system: SYSTEM }), await ask(client, tuned, { seed, system: SYSTEM }));
    } finally {
      await again.emu.close();
    }
  });
});
