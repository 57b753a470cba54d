import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { BackendError } from '../../../src/core/backends';
import type { FineTuneBackend, UploadProgress } from '../../../src/core/backends/types';
import { hashedFilename } from '../../../src/core/backends/upload';
import { createClient } from '../../../src/core/config/client';
import { parseResultsCsv, pointsFromEvents } from '../../../src/core/jobs/metrics';
import { Fixture, MapCache, chatJsonl, fixture, runUntil } from './helpers';

async function trainFile(f: Fixture, name: string, n = 12, salt = ''): Promise<string> {
  const p = path.join(f.dir, name);
  await writeFile(p, chatJsonl(n, salt));
  return p;
}

describe('OpenAI-shape backend against the emulator (real SDK over HTTP)', function () {
  this.timeout(60_000);
  let f: Fixture;
  let b: FineTuneBackend;
  before(async () => {
    f = await fixture();
    b = f.backend();
  });
  after(() => f.close());

  it('uploads with byte progress and a content hash in the filename', async () => {
    const file = await trainFile(f, 'journal-train.jsonl', 12, 'upload');
    const seen: UploadProgress[] = [];
    const up = await b.upload({ path: file, filename: 'journal-train.jsonl', onProgress: (p) => seen.push(p) });
    assert.match(up.id, /^file-/);
    assert.equal(up.reused, false);
    assert.equal(up.filename, hashedFilename('journal-train.jsonl', up.sha256));
    assert.match(up.filename, /^journal-train-[0-9a-f]{12}\.jsonl$/);
    const phases = new Set(seen.map((p) => p.phase));
    for (const ph of ['hashing', 'checking', 'uploading', 'done']) assert.ok(phases.has(ph as UploadProgress['phase']), `phase ${ph}`);
    const lastUpload = seen.filter((p) => p.phase === 'uploading').at(-1);
    assert.equal(lastUpload?.bytesDone, lastUpload?.bytesTotal);
    const info = await b.fileInfo(up.id);
    assert.equal(info.bytes, up.bytes);
  });

  it('reuses an identical file already uploaded: by cache, and by listing when there is no cache', async () => {
    const cache = new MapCache();
    const cached = f.backend({ cache });
    const file = await trainFile(f, 'reuse.jsonl', 12, 'reuse');
    const first = await cached.upload({ path: file });
    const second = await cached.upload({ path: file });
    assert.equal(second.reused, true);
    assert.equal(second.id, first.id);
    // Another machine (empty cache) finds it by hashed name + size on the server.
    const third = await f.backend({ cache: new MapCache() }).upload({ path: file });
    assert.equal(third.reused, true);
    assert.equal(third.id, first.id);
    // Changed content → a new upload.
    const other = await trainFile(f, 'reuse.jsonl', 12, 'changed');
    const fourth = await cached.upload({ path: other });
    assert.equal(fourth.reused, false);
    assert.notEqual(fourth.id, first.id);
  });

  it('forgets a cached file that the server deleted and uploads again', async () => {
    const cache = new MapCache();
    const be = f.backend({ cache });
    const file = await trainFile(f, 'deleted.jsonl', 12, 'deleted');
    const first = await be.upload({ path: file });
    const r = createClient(
      { provider: 'emulator', baseUrl: f.emu.url, azureEndpoint: '', azureApiVersion: '', defaultChatModel: '', defaultBaseModel: '' },
      f.emu.key,
    );
    assert.ok(r.ok);
    if (r.ok) await r.client.files.delete(first.id);
    const again = await be.upload({ path: file });
    assert.equal(again.reused, false);
    assert.notEqual(again.id, first.id);
  });

  it('aborts an upload with the signal', async () => {
    const file = await trainFile(f, 'abort.jsonl', 12, 'abort');
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(
      b.upload({ path: file, signal: ac.signal }),
      (e: unknown) => e instanceof Error && (e.name === 'AbortError' || (e instanceof BackendError && e.info.kind === 'aborted')),
    );
  });

  it('creates, gets and lists jobs newest first with pagination', async () => {
    const up = await b.upload({ path: await trainFile(f, 'list.jsonl', 12, 'list') });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const j = await b.createJob({
        baseModel: 'gpt-4.1-mini-2025-04-14',
        trainingFileId: up.id,
        method: 'supervised',
        hyperparameters: { nEpochs: 1 },
        suffix: `list${i}`,
        metadata: { socratune_dataset: 'd' },
      });
      assert.equal(j.status, 'validating');
      assert.equal(j.rawStatus, 'validating_files');
      assert.equal(j.baseModel, 'gpt-4.1-mini-2025-04-14');
      assert.deepEqual(j.metadata, { socratune_dataset: 'd' });
      assert.ok(j.raw && typeof j.raw === 'object');
      ids.push(j.id);
      f.emu.advance(1000);
    }
    const got = await b.getJob(ids[0]);
    assert.equal(got.id, ids[0]);
    assert.equal(got.suffix, 'list0');
    const p1 = await b.listJobs({ limit: 2 });
    assert.equal(p1.data.length, 2);
    assert.equal(p1.hasMore, true);
    assert.deepEqual(
      p1.data.map((j) => j.id),
      [ids[2], ids[1]],
    );
    const p2 = await b.listJobs({ limit: 2, after: p1.nextCursor });
    assert.equal(p2.data[0].id, ids[0]);
    for (const id of ids) await b.cancel(id);
  });

  it('follows a job to success: metrics events, checkpoints, model, results CSV', async () => {
    const up = await b.upload({ path: await trainFile(f, 'life.jsonl', 12, 'life') });
    const val = await b.upload({ path: await trainFile(f, 'life-val.jsonl', 10, 'life-val') });
    const job = await b.createJob({
      baseModel: 'gpt-4.1-mini-2025-04-14',
      trainingFileId: up.id,
      validationFileId: val.id,
      method: 'supervised',
      hyperparameters: { nEpochs: 3, batchSize: 'auto', learningRateMultiplier: 'auto' },
      suffix: 'life',
      seed: 7,
    });
    assert.equal(await runUntil(f.emu, b, job.id, (s) => s === 'succeeded'), 'succeeded');
    const done = await b.getJob(job.id);
    assert.match(done.fineTunedModel ?? '', /^ft:gpt-4\.1-mini-2025-04-14:/);
    assert.ok((done.trainedTokens ?? 0) > 0);
    assert.equal(done.seed, 7);
    assert.equal(done.hyperparameters.nEpochs, 3);
    assert.equal(done.error, undefined);
    const events = await b.listEvents(job.id, { limit: 100 });
    const pts = pointsFromEvents(events.data);
    assert.ok(pts.length > 0, 'metrics events');
    assert.ok(pts.every((p) => p.trainLoss !== undefined));
    const cps = await b.listCheckpoints(job.id);
    assert.ok(cps.data.length >= 1 && cps.data.length <= 3);
    for (const c of cps.data) assert.match(c.modelId, /:ckpt-step-\d+$/);
    assert.equal(done.resultFiles.length, 1);
    const csv = parseResultsCsv(await b.fileContent(done.resultFiles[0]));
    assert.ok(csv.points.length > 0);
    assert.equal(csv.skippedLines.length, 0);
    const models = await b.listModels();
    assert.ok(models.some((m) => m.id === done.fineTunedModel && m.fineTuned));
    assert.deepEqual(b.chatTarget(done.fineTunedModel ?? ''), { ok: true, model: done.fineTunedModel });
    // The chat picker's list: base models, the fine-tune bound to its job's base, and the job's checkpoints.
    const targets = await b.chatTargets();
    const ft = targets.find((t) => t.id === done.fineTunedModel);
    assert.deepEqual(ft && { kind: ft.kind, target: ft.target, baseModel: ft.baseModel, jobId: ft.jobId }, {
      kind: 'fine-tuned',
      target: { ok: true, model: done.fineTunedModel },
      baseModel: 'gpt-4.1-mini-2025-04-14',
      jobId: job.id,
    });
    for (const c of cps.data) {
      const t = targets.find((x) => x.id === c.modelId);
      assert.equal(t?.kind, 'checkpoint', c.modelId);
      assert.equal(t?.baseModel, 'gpt-4.1-mini-2025-04-14');
      assert.match(t?.detail ?? '', new RegExp(`^step ${c.step}`));
    }
    assert.ok(targets.some((t) => t.kind === 'base' && t.id === 'gpt-4.1-mini-2025-04-14' && t.target.ok));
  });

  it('cancels, pauses and resumes', async () => {
    const up = await b.upload({ path: await trainFile(f, 'ctl.jsonl', 12, 'ctl') });
    const job = await b.createJob({ baseModel: 'gpt-4.1-mini-2025-04-14', trainingFileId: up.id, method: 'supervised', hyperparameters: { nEpochs: 2 } });
    await runUntil(f.emu, b, job.id, (s) => s === 'running', 5_000);
    assert.equal((await b.pause(job.id)).status, 'paused');
    assert.equal((await b.resume(job.id)).status, 'running');
    const c = await b.cancel(job.id);
    assert.ok(c.status === 'cancelled' || c.status === 'cancelling');
    assert.equal(await runUntil(f.emu, b, job.id, (s) => s === 'cancelled', 1000), 'cancelled');
  });

  it('reports a job the server failed with its error code', async () => {
    const failing = f.backend({ headers: { 'x-emulator-fault': 'job-fail;at=running;code=invalid_training_file;message=Example 3 is bad' } });
    const up = await b.upload({ path: await trainFile(f, 'fail.jsonl', 12, 'fail') });
    const job = await failing.createJob({ baseModel: 'gpt-4.1-mini-2025-04-14', trainingFileId: up.id, method: 'supervised', hyperparameters: {} });
    assert.equal(await runUntil(f.emu, b, job.id, (s) => s === 'failed'), 'failed');
    const j = await b.getJob(job.id);
    assert.equal(j.error?.code, 'invalid_training_file');
    assert.match(j.error?.message ?? '', /Example 3/);
  });

  it("offers the emulator's tunable base models, without fine-tunes or shut-down models", async () => {
    const models = await b.tunableModels();
    const ids = models.map((m) => m.id);
    assert.ok(ids.includes('gpt-4.1-mini-2025-04-14'));
    assert.equal(ids[0], 'gpt-4.1-mini-2025-04-14', 'catalog order first');
    assert.ok(!ids.some((id) => id.startsWith('ft:')));
    assert.ok(!ids.includes('gpt-4.1-nano-2025-04-14'), 'gpt-4.1-nano shut down on 2026-10-23');
    assert.ok(models.find((m) => m.id === 'gpt-4.1-2025-04-14')?.methods.includes('dpo'));
  });
});
