import { strict as assert } from 'node:assert';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { FineTuneBackend } from '../../../src/core/backends/types';
import { archiveAll } from '../../../src/core/jobs/archive';
import { parseResultsCsv } from '../../../src/core/jobs/metrics';
import { Fixture, chatJsonl, fixture, runUntil } from '../backends/helpers';

describe('archive of every fine-tune (emulator, results stored base64)', function () {
  this.timeout(60_000);
  let f: Fixture;
  let b: FineTuneBackend;
  let succeeded: string;
  let cancelled: string;
  before(async () => {
    f = await fixture({ resultsBase64: true });
    b = f.backend();
    const p = path.join(f.dir, 'a.jsonl');
    await writeFile(p, chatJsonl(12, 'archive'));
    const file = (await b.upload({ path: p })).id;
    succeeded = (await b.createJob({ baseModel: 'gpt-4.1-mini-2025-04-14', trainingFileId: file, method: 'supervised', hyperparameters: { nEpochs: 1 } })).id;
    await runUntil(f.emu, b, succeeded, (s) => s === 'succeeded');
    cancelled = (await b.createJob({ baseModel: 'gpt-4.1-mini-2025-04-14', trainingFileId: file, method: 'supervised', hyperparameters: {} })).id;
    await b.cancel(cancelled);
  });
  after(() => f.close());

  it('writes job JSON, events, checkpoints, files and decoded results, plus an index', async () => {
    const root = path.join(f.dir, 'archive');
    const progress: string[] = [];
    const r = await archiveAll(b, root, { onProgress: (p) => progress.push(p.message), now: () => new Date('2026-11-26T10:00:00Z') });
    assert.equal(r.cancelled, false);
    assert.equal(r.jobs.length, 2);
    assert.ok(progress.length >= 3);
    const dir = path.join(root, succeeded);
    const names = (await readdir(dir)).sort();
    assert.ok(names.includes('job.json') && names.includes('events.json') && names.includes('checkpoints.json'), names.join());
    assert.ok(names.some((n) => n.startsWith('training-')));
    const resultsName = names.find((n) => n.startsWith('results-'));
    assert.ok(resultsName);
    const csv = await readFile(path.join(dir, resultsName ?? ''), 'utf8');
    assert.match(csv, /^step,/, 'base64 results decoded on disk');
    assert.ok(parseResultsCsv(csv).points.length > 0);
    const events = JSON.parse(await readFile(path.join(dir, 'events.json'), 'utf8')) as { created_at: number }[];
    assert.ok(events.length > 3);
    assert.ok(
      events.every((e, i) => i === 0 || events[i - 1].created_at <= e.created_at),
      'oldest first',
    );
    const job = JSON.parse(await readFile(path.join(dir, 'job.json'), 'utf8')) as { id: string; status: string };
    assert.equal(job.id, succeeded);
    const training = await readFile(path.join(dir, names.find((n) => n.startsWith('training-')) ?? ''), 'utf8');
    assert.equal(training, chatJsonl(12, 'archive'));
    assert.deepEqual(r.indexFiles, ['index-2026-11-26T10-00-00-000Z.json', 'index-2026-11-26T10-00-00-000Z.md']);
    const index = JSON.parse(await readFile(path.join(root, r.indexFiles[0]), 'utf8')) as { complete: boolean; jobs: { id: string }[] };
    assert.equal(index.complete, true);
    assert.deepEqual(index.jobs.map((j) => j.id).sort(), [succeeded, cancelled].sort());
    assert.match(await readFile(path.join(root, r.indexFiles[1]), 'utf8'), new RegExp(succeeded));
  });

  it('resumes without overwriting or downloading again', async () => {
    const root = path.join(f.dir, 'archive');
    const marker = path.join(root, succeeded, 'job.json');
    await writeFile(marker, 'user edit kept\n');
    const before = f.emu.requests.length;
    const r = await archiveAll(b, root, { now: () => new Date('2026-11-27T10:00:00Z') });
    assert.equal(r.written, 0);
    assert.ok(r.kept > 0);
    assert.equal(await readFile(marker, 'utf8'), 'user edit kept\n');
    // Only the job listing was requested: nothing already archived is fetched again.
    assert.equal(f.emu.requests.length - before, 1);
    assert.equal((await readdir(root)).filter((n) => n.startsWith('index-')).length, 4, 'each run adds its own index');
  });

  it('records files the server no longer serves instead of failing', async () => {
    const root = path.join(f.dir, 'archive-missing');
    const gone = await b.getJob(succeeded);
    // Same backend, but the job points at a training file the server no longer has.
    const stale = Object.create(b) as FineTuneBackend & { listJobs: FineTuneBackend['listJobs'] };
    stale.listJobs = async () => ({ data: [{ ...gone, trainingFile: 'file-doesnotexist' }], hasMore: false });
    const r = await archiveAll(stale, root);
    const j = r.jobs[0];
    const missing = j.files.find((x) => x.name.startsWith('training-'));
    assert.equal(missing?.outcome, 'unavailable');
    assert.match(missing?.reason ?? '', /not found|404|No such/i);
    assert.ok(j.files.some((x) => x.name === 'job.json' && x.outcome === 'written'));
  });
});
