import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { FineTuneBackend } from '../../../src/core/backends/types';
import { JobTransition, JobsStore } from '../../../src/core/jobs/jobsStore';
import { Fixture, chatJsonl, fixture } from '../backends/helpers';

describe('jobs store against the emulator', function () {
  this.timeout(60_000);
  let f: Fixture;
  let b: FineTuneBackend;
  let fileId: string;
  before(async () => {
    f = await fixture();
    b = f.backend();
    const p = path.join(f.dir, 's.jsonl');
    await writeFile(p, chatJsonl(12, 'store'));
    fileId = (await b.upload({ path: p })).id;
  });
  after(() => f.close());

  const create = (suffix: string) =>
    b.createJob({ baseModel: 'gpt-4.1-mini-2025-04-14', trainingFileId: fileId, method: 'supervised', hyperparameters: { nEpochs: 1 }, suffix });
  const requests = () => f.emu.requests.length;

  it('loads pages lazily: one request for the first page, one per "Load more"', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await create(`page${i}`)).id);
      f.emu.advance(1000);
    }
    for (const id of ids) await b.cancel(id);
    const store = new JobsStore(async () => ({ ok: true, backend: b }), { pageSize: 2 });
    const before = requests();
    await store.load();
    assert.equal(requests() - before, 1);
    assert.deepEqual(
      store.jobs.map((j) => j.id),
      [ids[4], ids[3]],
    );
    assert.equal(store.hasMore, true);
    await store.loadMore();
    assert.equal(requests() - before, 2);
    assert.deepEqual(
      store.jobs.map((j) => j.id),
      [ids[4], ids[3], ids[2], ids[1]],
    );
    // Polling refreshes the first page without dropping the older pages already loaded.
    await store.poll();
    assert.equal(store.jobs.length, 4);
    assert.equal(store.hasMore, true);
  });

  it('polls until terminal, fires one transition per job, and fetches watched events/checkpoints', async () => {
    const store = new JobsStore(async () => ({ ok: true, backend: b }), { pageSize: 20 });
    const job = await create('watched');
    await store.load();
    assert.ok(store.hasActive);
    const transitions: JobTransition[] = [];
    store.onDidTransition((t) => transitions.push(t));
    const newEvents: number[] = [];
    store.onDidReceiveEvents((e) => e.jobId === job.id && newEvents.push(e.events.length));
    const w = store.watch(job.id);
    let rounds = 0;
    while (store.job(job.id)?.status !== 'succeeded' && rounds++ < 500) {
      f.emu.advance(20_000);
      const out = await store.poll();
      assert.equal(out.error, undefined);
    }
    assert.equal(store.job(job.id)?.status, 'succeeded');
    assert.equal(transitions.filter((t) => t.job.id === job.id).length, 1);
    assert.equal(transitions[0].job.status, 'succeeded');
    const d = store.detailsOf(job.id);
    assert.ok(d.events.length > 3);
    assert.equal(new Set(d.events.map((e) => e.id)).size, d.events.length, 'events deduped');
    assert.ok(
      d.events.every((e, i) => i === 0 || d.events[i - 1].createdAt <= e.createdAt),
      'chronological',
    );
    assert.ok(d.checkpoints.length >= 1);
    assert.equal(
      newEvents.reduce((a, n) => a + n, 0),
      d.events.length,
    );
    // After the final refresh of a terminal watched job, polling it costs nothing more.
    const outcome = await store.poll();
    const before = requests();
    await store.poll();
    assert.equal(store.hasActive, false);
    assert.equal(requests() - before, 1, 'only the list call');
    assert.equal(outcome.error, undefined);
    w.dispose();
  });

  it('keeps the last good list and reports the error when a poll fails', async () => {
    const good = new JobsStore(async () => ({ ok: true, backend: b }));
    await good.load();
    const n = good.jobs.length;
    assert.ok(n > 0);
    const failing = f.backend({ headers: { 'x-emulator-fault': '429;retry-after-ms=3000' } });
    let useFailing = false;
    const store = new JobsStore(async () => ({ ok: true, backend: useFailing ? failing : b }));
    await store.load();
    useFailing = true;
    const out = await store.poll();
    assert.equal(out.error?.retryAfterMs, 3000);
    assert.equal(store.error?.kind, 'rate-limit');
    assert.equal(store.jobs.length, n, 'last good state kept');
    useFailing = false;
    await store.poll();
    assert.equal(store.error, undefined);
  });

  it('shows why there is no backend (missing key) instead of an empty list', async () => {
    const store = new JobsStore(async () => ({ ok: false, error: { kind: 'no-key', title: 'No API key set', message: 'Set one', actions: ['setApiKey'] } }));
    await store.load();
    assert.equal(store.loaded, true);
    assert.equal(store.error?.kind, 'no-key');
    assert.deepEqual(store.error?.actions, ['setApiKey']);
  });
});
