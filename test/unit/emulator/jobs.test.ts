import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { EmulatorHandle } from '../../../src/emulator';
import { assertSchema } from './support/schema';
import { SYSTEM, all, finish, journalExamples, jsonl, sdk, start, uploadText } from './support/emulator';

describe('emulator: fine-tuning jobs through the openai SDK', () => {
  let emu: EmulatorHandle;
  let client: OpenAI;

  before(async () => {
    emu = await start({ timeScale: 1, org: 'my-org' });
    client = sdk(emu);
  });
  after(() => emu.close());

  it('runs a job validating_files → queued → running → succeeded with events, checkpoints, results CSV and a model', async () => {
    const train = await uploadText(client, jsonl(journalExamples(12)));
    const valid = await uploadText(client, jsonl(journalExamples(4)), 'valid.jsonl');
    const created: OpenAI.FineTuning.FineTuningJob = await client.fineTuning.jobs.create({
      model: 'gpt-4o-mini',
      training_file: train.id,
      validation_file: valid.id,
      suffix: 'journal',
      metadata: { dataset: 'meditations' },
    });
    assertSchema('FineTuningJob', created);
    assert.equal(created.status, 'validating_files');
    assert.equal(created.model, 'gpt-4o-mini-2024-07-18');
    assert.equal(created.fine_tuned_model, null);
    assert.equal(created.trained_tokens, null);
    assert.deepEqual(created.hyperparameters, { batch_size: 'auto', learning_rate_multiplier: 'auto', n_epochs: 'auto' });
    assert.deepEqual(created.metadata, { dataset: 'meditations' });
    assert.equal(created.method?.type, 'supervised');

    // timeScale 1: phases last their simulated durations, so each step of emulator time shows one state.
    const seen: string[] = [created.status];
    for (const ms of [13_000, 25_000, 5_000]) {
      emu.advance(ms);
      const j = await client.fineTuning.jobs.retrieve(created.id);
      assertSchema('FineTuningJob', j);
      seen.push(j.status);
      if (j.status === 'running') {
        assert.ok(typeof j.estimated_finish === 'number' && j.estimated_finish * 1000 > Date.now(), 'estimated_finish is a future Unix time while running');
        assert.deepEqual(
          j.hyperparameters,
          { batch_size: 1, learning_rate_multiplier: 2, n_epochs: 8 },
          'auto resolved once running (12 examples → 100 // 12 = 8 epochs)',
        );
      }
    }
    assert.deepEqual(seen, ['validating_files', 'queued', 'running', 'running']);

    const done = await finish(emu, client, created.id);
    assertSchema('FineTuningJob', done);
    assert.equal(done.status, 'succeeded');
    assert.match(done.fine_tuned_model ?? '', /^ft:gpt-4o-mini-2024-07-18:my-org:journal:[A-Za-z0-9]{8}$/);
    assert.ok(done.finished_at && done.finished_at >= done.created_at);
    assert.ok(done.trained_tokens && done.trained_tokens > 0 && done.trained_tokens % 8 === 0, 'trained tokens = tokens per epoch × 8 epochs');
    assert.equal(done.estimated_finish, null);
    assert.equal(done.result_files.length, 1);

    // Events: newest first, metrics for each of the 96 steps, paginated with for-await.
    const events = await all(client.fineTuning.jobs.listEvents(created.id, { limit: 25 }));
    events.forEach((e) => assertSchema('FineTuningJobEvent', e));
    assert.equal(new Set(events.map((e) => e.id)).size, events.length, 'event ids are unique across pages');
    assert.equal(events[0].message, 'The job has successfully completed');
    assert.equal(events[events.length - 1].message, `Created fine-tuning job: ${created.id}`);
    for (let i = 1; i < events.length; i++) assert.ok(events[i - 1].created_at >= events[i].created_at, 'newest first');
    const metrics = events.filter((e) => e.type === 'metrics').reverse();
    assert.equal(metrics.length, 96);
    const data = metrics.map((e) => e.data as Record<string, number>);
    assert.deepEqual(
      data.map((d) => d.step),
      Array.from({ length: 96 }, (_, i) => i + 1),
    );
    for (const d of data) {
      assert.equal(d.total_steps, 96);
      for (const k of ['train_loss', 'train_mean_token_accuracy', 'valid_loss', 'valid_mean_token_accuracy']) assert.equal(typeof d[k], 'number', k);
      assert.ok(d.train_mean_token_accuracy > 0 && d.train_mean_token_accuracy < 1);
    }
    assert.equal(data.filter((d) => typeof d.full_valid_loss === 'number').length, 8, 'full validation loss once per epoch');
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const firstEpoch = data.slice(0, 12).map((d) => d.train_loss);
    const lastEpoch = data.slice(-12).map((d) => d.train_loss);
    assert.ok(mean(lastEpoch) < mean(firstEpoch) * 0.6, 'training loss decreases');
    assert.ok(mean(data.map((d) => d.valid_loss)) > mean(data.map((d) => d.train_loss)), 'validation loss sits above training loss');
    assert.ok(
      data.some((d, i) => i > 0 && d.train_loss > data[i - 1].train_loss),
      'the curve is noisy, not monotone',
    );
    assert.match(metrics[95].message, /^Step 96\/96: training loss=\d+\.\d\d, validation loss=\d+\.\d\d, full validation loss=\d+\.\d\d$/);

    // Checkpoints: one per epoch, the last three kept, newest first.
    const checkpoints = await all(client.fineTuning.jobs.checkpoints.list(created.id));
    checkpoints.forEach((c) => assertSchema('FineTuningJobCheckpoint', c));
    assert.deepEqual(
      checkpoints.map((c) => c.step_number),
      [96, 84, 72],
    );
    assert.equal(checkpoints[0].fine_tuned_model_checkpoint, `${done.fine_tuned_model}:ckpt-step-96`);
    assert.equal(checkpoints[0].fine_tuning_job_id, created.id);
    assert.equal(typeof checkpoints[0].metrics.full_valid_loss, 'number');

    // Results CSV with OpenAI's columns, one row per step.
    const resultFile = await client.files.retrieve(done.result_files[0]);
    assertSchema('OpenAIFile', resultFile);
    assert.equal(resultFile.purpose, 'fine-tune-results');
    const csv = await (await client.files.content(done.result_files[0])).text();
    const rows = csv.trim().split('\n');
    assert.equal(rows[0], 'step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy');
    assert.equal(rows.length, 97);
    const last = rows[96].split(',');
    assert.equal(last[0], '96');
    assert.equal(Number(last[1]), data[95].train_loss);
    assert.equal(Number(last[3]), data[95].valid_loss);

    // The model is listed, owned by the org, and answers from its training data.
    const models = await client.models.list();
    const mine = models.data.find((m) => m.id === done.fine_tuned_model);
    assert.ok(mine, 'fine-tuned model listed');
    assert.equal(mine.owned_by, done.organization_id);
    const reply: OpenAI.Chat.ChatCompletion = await client.chat.completions.create({
      model: done.fine_tuned_model ?? '',
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: 'I keep getting angry at people. What about anger?' },
      ],
    });
    assert.equal(reply.choices[0].message.content, 'How much more grievous are the consequences of anger than the causes of it.');
    // A checkpoint answers too.
    const fromCheckpoint = await client.chat.completions.create({
      model: checkpoints[2].fine_tuned_model_checkpoint,
      messages: [{ role: 'user', content: 'tell me about death' }],
    });
    assert.match(fromCheckpoint.choices[0].message.content ?? '', /Do not despise death/);

    // Filter by metadata.
    const tagged = await client.fineTuning.jobs.list({ metadata: { dataset: 'meditations' } });
    assert.deepEqual(
      tagged.data.map((j) => j.id),
      [created.id],
    );
    assert.equal((await client.fineTuning.jobs.list({ metadata: { dataset: 'other' } })).data.length, 0);
  });

  it('paginates jobs.list newest first with for-await and after/limit', async () => {
    const own = await start({ timeScale: 1000 });
    try {
      const c = sdk(own);
      const file = await uploadText(c, jsonl(journalExamples(10)));
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await c.fineTuning.jobs.create({ model: 'gpt-4.1-nano', training_file: file.id })).id);
      const page = await c.fineTuning.jobs.list({ limit: 2 });
      assert.equal(page.data.length, 2);
      assert.equal(page.has_more, true);
      assertSchema('ListPaginatedFineTuningJobsResponse', { object: 'list', data: page.data, has_more: page.has_more });
      const listed = await all(c.fineTuning.jobs.list({ limit: 2 }));
      assert.deepEqual(
        listed.map((j) => j.id),
        [...ids].reverse(),
      );
      const after = await c.fineTuning.jobs.list({ after: ids[3], limit: 10 });
      assert.deepEqual(
        after.data.map((j) => j.id),
        [ids[2], ids[1], ids[0]],
      );
      assert.equal(after.has_more, false);
    } finally {
      await own.close();
    }
  });

  it('pauses, resumes and cancels; controls that the status does not allow are 400s', async () => {
    const file = await uploadText(client, jsonl(journalExamples(10)));
    const job = await client.fineTuning.jobs.create({
      model: 'gpt-4.1-mini',
      training_file: file.id,
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 2 } } },
    });
    await assert.rejects(client.fineTuning.jobs.pause(job.id), (e: unknown) => e instanceof OpenAI.BadRequestError && /only running jobs/.test(e.message));
    emu.advance(70_000); // validation + queue + warm-up + a few steps
    const running = await client.fineTuning.jobs.retrieve(job.id);
    assert.equal(running.status, 'running');
    const paused = await client.fineTuning.jobs.pause(job.id);
    assert.equal(paused.status as string, 'paused', 'OpenAI reports "paused" (not in the SDK enum)');
    const eventsAtPause = (await client.fineTuning.jobs.listEvents(job.id, { limit: 1000 })).data.length;
    emu.advance(24 * 3600 * 1000);
    const still = await client.fineTuning.jobs.retrieve(job.id);
    assert.equal(still.status as string, 'paused');
    assert.equal((await client.fineTuning.jobs.listEvents(job.id, { limit: 1000 })).data.length, eventsAtPause, 'no progress while paused');
    const resumed = await client.fineTuning.jobs.resume(job.id);
    assert.equal(resumed.status, 'running');
    const done = await finish(emu, client, job.id);
    assert.equal(done.status, 'succeeded');
    assert.deepEqual(done.hyperparameters, { batch_size: 1, learning_rate_multiplier: 2, n_epochs: 2 });
    const messages = (await all(client.fineTuning.jobs.listEvents(job.id))).map((e) => e.message);
    assert.ok(messages.includes('Fine-tuning job paused') && messages.includes('Fine-tuning job resumed'));
    await assert.rejects(client.fineTuning.jobs.cancel(job.id), OpenAI.BadRequestError);
    await assert.rejects(client.fineTuning.jobs.resume(job.id), OpenAI.BadRequestError);

    const other = await client.fineTuning.jobs.create({ model: 'gpt-4.1-mini', training_file: file.id });
    const cancelled = await client.fineTuning.jobs.cancel(other.id);
    assert.equal(cancelled.status, 'cancelled');
    assertSchema('FineTuningJob', cancelled);
    emu.advance(24 * 3600 * 1000);
    const later = await client.fineTuning.jobs.retrieve(other.id);
    assert.equal(later.status, 'cancelled');
    assert.equal(later.fine_tuned_model, null);
  });

  it('fails jobs whose files break OpenAI rules, with the job error OpenAI uses', async () => {
    const cases: [string, string, RegExp][] = [
      [jsonl(journalExamples(7)), 'invalid_n_examples', /Training file has 7 example\(s\), but must have at least 10 examples/],
      [
        jsonl(journalExamples(12)).replace('"role":"user"', '"role":"narrator"'),
        'invalid_training_file',
        /Example 1, message 2 has an unrecognized role "narrator"/,
      ],
      ['{"messages": [}\n' + jsonl(journalExamples(11)), 'invalid_training_file', /Example 1 cannot be parsed/],
      [jsonl([{ prompt: 'x', completion: 'y' }, ...journalExamples(10)]), 'invalid_training_file', /Example 1 is missing key 'messages'/],
      [
        jsonl(journalExamples(10)).replace('"role":"system","content":"', '"role":"system","content":"<|endoftext|>'),
        'invalid_training_file',
        /invalid token: <\|endoftext\|>/,
      ],
      [
        jsonl([
          {
            messages: [
              { role: 'user', content: 'hi' },
              { role: 'assistant', content: 'yo', weight: 2 },
            ],
          },
          ...journalExamples(10),
        ]),
        'invalid_training_file',
        /invalid weight 2/,
      ],
      [
        jsonl([
          {
            messages: [
              { role: 'user', content: 'x '.repeat(17_000) },
              { role: 'assistant', content: 'ok' },
            ],
          },
          ...journalExamples(10),
        ]),
        'invalid_training_file',
        /more than the 16385-token limit/,
      ],
    ];
    for (const [text, code, message] of cases) {
      const file = await uploadText(client, text);
      const model = code === 'invalid_training_file' && /16385/.test(message.source) ? 'gpt-3.5-turbo' : 'gpt-4o-mini';
      const job = await client.fineTuning.jobs.create({ model, training_file: file.id });
      assert.equal(job.status, 'validating_files', 'content problems surface when validation ends, as on OpenAI');
      const done = await finish(emu, client, job.id);
      assertSchema('FineTuningJob', done);
      assert.equal(done.status, 'failed', message.source);
      assert.equal(done.error?.code, code);
      assert.equal(done.error?.param, 'training_file');
      assert.match(done.error?.message ?? '', message);
      const [latest] = (await client.fineTuning.jobs.listEvents(job.id, { limit: 1 })).data;
      assert.equal(latest.level, 'error');
    }
  });

  it('rejects bad create requests with 400s that name the parameter', async () => {
    const file = await uploadText(client, jsonl(journalExamples(10)));
    const other = await client.files.create({ file: await OpenAI.toFile(Buffer.from('hello'), 'notes.txt'), purpose: 'assistants' });
    const bad: [OpenAI.FineTuning.JobCreateParams, string | null, string | null][] = [
      [{ model: 'gpt-4o-mini', training_file: 'file-doesnotexist' }, 'training_file', 'file_not_found'],
      [{ model: 'gpt-4o-mini', training_file: other.id }, 'training_file', 'invalid_file_purpose'],
      [{ model: 'gpt-9-ultra', training_file: file.id }, 'model', 'model_not_available'],
      [{ model: 'gpt-4o-mini', training_file: file.id, suffix: 'x'.repeat(65) }, 'suffix', 'invalid_value'],
      [
        { model: 'gpt-4o-mini', training_file: file.id, method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 0 } } } },
        'method.supervised.hyperparameters.n_epochs',
        'invalid_value',
      ],
      [{ model: 'gpt-4o-mini', training_file: file.id, hyperparameters: { batch_size: 512 } }, 'hyperparameters.batch_size', 'invalid_value'],
      [
        { model: 'gpt-4o-mini', training_file: file.id, metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) },
        'metadata',
        'object_above_max_properties',
      ],
      [{ model: 'gpt-4o-mini', training_file: file.id, method: { type: 'dpo' } }, 'model', 'model_not_available'],
      [{ training_file: file.id } as unknown as OpenAI.FineTuning.JobCreateParams, 'model', 'missing_required_parameter'],
      [{ model: 42, training_file: file.id } as unknown as OpenAI.FineTuning.JobCreateParams, 'model', 'invalid_type'],
      [{ model: 'gpt-4o-mini', training_file: file.id, epochs: 3 } as unknown as OpenAI.FineTuning.JobCreateParams, 'epochs', 'unknown_parameter'],
    ];
    for (const [body, param, code] of bad) {
      await assert.rejects(client.fineTuning.jobs.create(body), (e: unknown) => {
        assert.ok(e instanceof OpenAI.BadRequestError, `expected BadRequestError for ${JSON.stringify(body).slice(0, 80)}`);
        assert.equal(e.status, 400);
        assert.equal(e.type, 'invalid_request_error');
        assert.equal(e.param, param);
        assert.equal(e.code, code);
        return true;
      });
    }
    await assert.rejects(
      client.fineTuning.jobs.retrieve('ftjob-nope'),
      (e: unknown) => e instanceof OpenAI.NotFoundError && e.status === 404 && e.code === 'fine_tuning_job_not_found',
    );
    await assert.rejects(
      client.fineTuning.jobs.listEvents('ftjob-nope').then((p) => p.data),
      OpenAI.NotFoundError,
    );
  });

  it('trains DPO on a DPO-capable base and continues training from a fine-tuned model', async () => {
    const dpoRows = Array.from({ length: 10 }, (_, i) => ({
      input: { messages: [{ role: 'user', content: `How should I meet hardship number ${i}?` }] },
      preferred_output: [{ role: 'assistant', content: `Meet hardship ${i} as material for virtue.` }],
      non_preferred_output: [{ role: 'assistant', content: 'Complain loudly.' }],
    }));
    const file = await uploadText(client, jsonl(dpoRows), 'dpo.jsonl');
    const dpo = await client.fineTuning.jobs.create({
      model: 'gpt-4.1-mini-2025-04-14',
      training_file: file.id,
      method: { type: 'dpo', dpo: { hyperparameters: { beta: 0.2 } } },
    });
    const dpoDone = await finish(emu, client, dpo.id);
    assert.equal(dpoDone.status, 'succeeded');
    assert.equal(dpoDone.method?.dpo?.hyperparameters?.beta, 0.2);
    const answer = await client.chat.completions.create({ model: dpoDone.fine_tuned_model ?? '', messages: [{ role: 'user', content: 'hardship number 7' }] });
    assert.equal(answer.choices[0].message.content, 'Meet hardship 7 as material for virtue.');

    const sft = await uploadText(client, jsonl(journalExamples(10, null)));
    const continued = await client.fineTuning.jobs.create({ model: dpoDone.fine_tuned_model ?? '', training_file: sft.id, suffix: 'round2' });
    assert.equal(continued.model, dpoDone.fine_tuned_model);
    const cDone = await finish(emu, client, continued.id);
    assert.match(cDone.fine_tuned_model ?? '', /^ft:gpt-4\.1-mini-2025-04-14:my-org:round2:/);
    const recalled = await client.chat.completions.create({ model: cDone.fine_tuned_model ?? '', messages: [{ role: 'user', content: 'hardship number 3' }] });
    assert.equal(recalled.choices[0].message.content, 'Meet hardship 3 as material for virtue.', 'the continued model still knows its parent’s examples');
  });

  it('fails a job on request with the job-fail fault, at the step asked for', async () => {
    const file = await uploadText(client, jsonl(journalExamples(10)));
    const job = await client.fineTuning.jobs.create(
      { model: 'gpt-4o-mini', training_file: file.id },
      { headers: { 'x-emulator-fault': 'job-fail;step=5;code=exceeded_quota;message=Billing hard limit reached' } },
    );
    const done = await finish(emu, client, job.id);
    assert.equal(done.status, 'failed');
    assert.deepEqual(done.error, { code: 'exceeded_quota', message: 'Billing hard limit reached', param: null });
    const metrics = (await all(client.fineTuning.jobs.listEvents(job.id))).filter((e) => e.type === 'metrics');
    assert.equal(metrics.length, 4, 'steps 1-4 ran, step 5 failed');
    assert.equal(done.trained_tokens, null);
    assert.equal(done.fine_tuned_model, null);
  });
});
