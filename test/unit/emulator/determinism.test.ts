import assert from 'node:assert/strict';
import { all, journalExamples, jsonl, sdk, start, uploadText } from './support/emulator';

/** One scripted session; returns everything that should depend only on the seed and the requests. */
async function session(seed: number, resultsBase64 = false) {
  const emu = await start({ seed, resultsBase64 });
  try {
    const client = sdk(emu);
    const file = await uploadText(client, jsonl(journalExamples(10)));
    const job = await client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id, validation_file: file.id, suffix: 'seeded' });
    emu.advance(24 * 3600 * 1000);
    const done = await client.fineTuning.jobs.retrieve(job.id);
    const events = await all(client.fineTuning.jobs.listEvents(job.id, { limit: 100 }));
    const checkpoints = await all(client.fineTuning.jobs.checkpoints.list(job.id));
    const csv = await (await client.files.content(done.result_files[0])).text();
    const answer = await client.chat.completions.create({
      model: done.fine_tuned_model ?? '',
      messages: [{ role: 'user', content: 'what about change?' }],
      temperature: 1.5,
      seed: 3,
    });
    return {
      ids: [file.id, job.id, done.fine_tuned_model, done.seed, done.result_files[0], answer.id],
      events: events.map((e) => [e.id, e.message, e.data]),
      checkpoints: checkpoints.map((c) => [c.id, c.fine_tuned_model_checkpoint, c.metrics]),
      csv,
      answer: answer.choices[0].message.content,
    };
  } finally {
    await emu.close();
  }
}

describe('emulator: determinism', () => {
  it('replays the same ids, curves, checkpoints and answers for the same seed, and different ones for another seed', async () => {
    const a = await session(11);
    const b = await session(11);
    assert.deepEqual(b, a);
    const c = await session(12);
    assert.notDeepEqual(c.ids, a.ids);
    assert.notEqual(c.csv, a.csv);
  });

  it('can store the results CSV base64-encoded, as OpenAI sometimes returns it', async () => {
    const plain = await session(5);
    const encoded = await session(5, true);
    assert.match(plain.csv, /^step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy\n1,/);
    assert.equal(Buffer.from(encoded.csv, 'base64').toString('utf8'), plain.csv);
  });
});
