/**
 * Fine-tune jobs tree cost, measured against the emulator over real HTTP (requests counted server-side):
 *
 * 1. API calls per simulated hour of the jobs tree (JobsStore + PollScheduler) with 0, 1 and 5 active
 *    jobs, view visible and hidden, and with one job expanded (events + checkpoints watched). Time is a
 *    fake clock; the emulator's clock is advanced in step, so jobs progress as they would in that hour.
 *    Baseline, same process and emulator: the official example's loop (every 5 s, `retrieve` + `listEvents`
 *    for each active job).
 * 2. Listing 2,000 jobs: first paint after one request (20 jobs + "Load more"), the rest lazily, against
 *    a baseline that auto-paginates everything before showing anything.
 *
 * Runs standalone: `npx tsx bench/jobs.bench.ts` prints the JSON; `npm run bench -- jobs` runs it too.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createBackend } from '../src/core/backends';
import type { FineTuneBackend } from '../src/core/backends/types';
import { createClient } from '../src/core/config/client';
import type { BackendProfile } from '../src/core/config/profile';
import { JobsStore } from '../src/core/jobs/jobsStore';
import { FakeClock, PollScheduler } from '../src/core/jobs/scheduler';
import { startEmulator, type EmulatorHandle } from '../src/emulator';
import { rng as seeded } from '../src/emulator/random';
import { median, round, type BenchResult } from './lib/types';

const HOUR = 3_600_000;
const PROFILE: BackendProfile = {
  provider: 'emulator',
  baseUrl: '',
  azureEndpoint: '',
  azureApiVersion: '',
  defaultChatModel: '',
  defaultBaseModel: 'gpt-4.1-mini-2025-04-14',
};

/**
 * Counts requests on the wire: a pass-through HTTP proxy in front of the emulator (the emulator's own
 * request log is a bounded ring, so it cannot count thousands of calls).
 */
interface Counted {
  readonly url: string;
  count: number;
  close(): Promise<void>;
}

async function countingProxy(emu: EmulatorHandle): Promise<Counted> {
  const target = new URL(emu.url);
  const agent = new http.Agent({ keepAlive: true });
  const counted = { url: '', count: 0, close: async () => undefined as void };
  const server = http.createServer((req, res) => {
    counted.count++;
    const up = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers, agent }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  counted.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  counted.close = () =>
    new Promise<void>((r) => {
      agent.destroy();
      server.closeAllConnections();
      server.close(() => r());
    });
  return counted;
}

function backendFor(emu: EmulatorHandle | Counted): FineTuneBackend {
  const profile = { ...PROFILE, baseUrl: emu.url };
  const r = createClient(profile, 'sk-emulator-demo', { maxRetries: 0 });
  if (!r.ok) throw new Error(r.message);
  return createBackend(profile, r.client, r.baseURL);
}

function examples(n: number, salt: string): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(
      JSON.stringify({
        messages: [
          { role: 'system', content: 'You are the journal.' },
          { role: 'user', content: `Question ${i} (${salt})?` },
          { role: 'assistant', content: `Answer ${i}: attend to what is in your power (${salt}).` },
        ],
      }),
    );
  }
  return lines.join('\n') + '\n';
}

/** A fresh emulator with `active` jobs that stay running for well over an hour, and one finished job. */
async function setup(dir: string, active: number): Promise<{ emu: EmulatorHandle; proxy: Counted; backend: FineTuneBackend; ids: string[] }> {
  const emu = await startEmulator({ timeScale: 1, seed: 7 });
  const proxy = await countingProxy(emu);
  const backend = backendFor(proxy);
  const long = path.join(dir, `long-${active}.jsonl`);
  await writeFile(long, examples(150, 'long'));
  const short = path.join(dir, `short-${active}.jsonl`);
  await writeFile(short, examples(12, 'short'));
  const longFile = (await backend.upload({ path: long })).id;
  const shortFile = (await backend.upload({ path: short })).id;
  // One finished job: the tree always has something terminal to show.
  const done = await backend.createJob({
    baseModel: 'gpt-4.1-mini-2025-04-14',
    trainingFileId: shortFile,
    method: 'supervised',
    hyperparameters: { nEpochs: 1 },
  });
  for (let i = 0; i < 200 && (await backend.getJob(done.id)).status !== 'succeeded'; i++) emu.advance(60_000);
  const ids: string[] = [];
  // 150 examples × 50 epochs at batch 1 = 7,500 steps ≈ 2 simulated hours of training.
  for (let i = 0; i < active; i++)
    ids.push(
      (
        await backend.createJob({
          baseModel: 'gpt-4.1-mini-2025-04-14',
          trainingFileId: longFile,
          method: 'supervised',
          hyperparameters: { nEpochs: 50, batchSize: 1 },
        })
      ).id,
    );
  return { emu, proxy, backend, ids };
}

interface HourResult {
  readonly calls: number;
  readonly polls: number;
  readonly firstPaintCalls: number;
  readonly stillActive: number;
}

/** One simulated hour of the jobs tree; the emulator's clock moves with the fake clock. */
async function treeHour(dir: string, active: number, opts: { visible: boolean; watchFirst?: boolean }): Promise<HourResult> {
  const { emu, proxy, backend, ids } = await setup(dir, active);
  try {
    const clock = new FakeClock(Date.now());
    const store = new JobsStore(async () => ({ ok: true, backend }));
    const scheduler = new PollScheduler(() => store.poll(), clock, undefined, seeded(42));
    const start = proxy.count;
    await store.load(); // first paint
    const firstPaintCalls = proxy.count - start;
    if (opts.watchFirst && ids[0]) {
      store.watch(ids[0]);
      await store.fetchEvents(ids[0]);
      await store.fetchCheckpoints(ids[0]);
    }
    const afterPaint = proxy.count;
    scheduler.setVisible(opts.visible);
    scheduler.setActive(store.hasActive);
    const end = clock.now() + HOUR;
    while (clock.now() < end) {
      const next = Math.min(scheduler.nextPollAt ?? end, end);
      const dt = Math.max(0, next - clock.now());
      emu.advance(dt);
      await clock.advance(dt, () => scheduler.whenIdle());
      if (scheduler.nextPollAt === undefined && !scheduler.isActive) {
        emu.advance(end - clock.now());
        await clock.advance(end - clock.now());
      }
    }
    scheduler.dispose();
    return { calls: proxy.count - afterPaint, polls: scheduler.pollCount, firstPaintCalls, stillActive: store.activeJobs.length };
  } finally {
    await proxy.close();
    await emu.close();
  }
}

/** The official example's loop: every 5 s, retrieve + listEvents(limit 100) for each active job. */
async function naiveHour(dir: string, active: number): Promise<number> {
  const { emu, proxy, backend, ids } = await setup(dir, active);
  try {
    const start = proxy.count;
    let live = [...ids];
    for (let t = 0; t < HOUR && live.length > 0; t += 5_000) {
      const next: string[] = [];
      for (const id of live) {
        const j = await backend.getJob(id);
        await backend.listEvents(id, { limit: 100 });
        if (j.status !== 'succeeded' && j.status !== 'failed' && j.status !== 'cancelled') next.push(id);
      }
      live = next;
      emu.advance(5_000);
    }
    if (live.length !== ids.length) throw new Error(`baseline: ${ids.length - live.length} job(s) ended early`);
    return proxy.count - start;
  } finally {
    await proxy.close();
    await emu.close();
  }
}

async function listing(dir: string, n: number): Promise<BenchResult[]> {
  const emu = await startEmulator({ timeScale: 1, seed: 9 });
  const proxy = await countingProxy(emu);
  try {
    const backend = backendFor(proxy);
    const f = path.join(dir, 'list.jsonl');
    await writeFile(f, examples(12, 'list'));
    const file = (await backend.upload({ path: f })).id;
    const created = performance.now();
    for (let i = 0; i < n; i++)
      await backend.createJob({
        baseModel: 'gpt-4.1-mini-2025-04-14',
        trainingFileId: file,
        method: 'supervised',
        hyperparameters: { nEpochs: 1 },
        suffix: `j${i}`,
      });
    const createSeconds = (performance.now() - created) / 1000;

    const firstPaint: number[] = [];
    const eager: number[] = [];
    let firstPaintCalls = 0;
    let lazyCalls = 0;
    let lazyMs = 0;
    let eagerCalls = 0;
    let shown = 0;
    for (let rep = 0; rep < 5; rep++) {
      // Socratune: one request, 20 jobs and a "Load more" node.
      const store = new JobsStore(async () => ({ ok: true, backend }));
      let r0 = proxy.count;
      let t0 = performance.now();
      await store.load();
      firstPaint.push(performance.now() - t0);
      firstPaintCalls = proxy.count - r0;
      shown = store.jobs.length;
      // …and the rest only if the user keeps clicking "Load more".
      r0 = proxy.count;
      t0 = performance.now();
      while (store.hasMore) await store.loadMore();
      lazyMs = performance.now() - t0;
      lazyCalls = proxy.count - r0;
      if (store.jobs.length !== n) throw new Error(`lazy listing saw ${store.jobs.length} of ${n} jobs`);
      // Baseline: a tree that auto-paginates everything before its first paint.
      r0 = proxy.count;
      t0 = performance.now();
      let count = 0;
      let page = await backend.listJobs({ limit: 20 });
      count += page.data.length;
      while (page.hasMore) {
        page = await backend.listJobs({ limit: 20, after: page.nextCursor });
        count += page.data.length;
      }
      eager.push(performance.now() - t0);
      eagerCalls = proxy.count - r0;
      if (count !== n) throw new Error(`eager listing saw ${count} of ${n} jobs`);
    }
    const fp = median(firstPaint);
    const ea = median(eager);
    return [
      {
        name: `list ${n} jobs: first paint`,
        value: round(fp),
        unit: 'ms',
        baseline: round(ea),
        ratio: round(fp / ea),
        notes: `${firstPaintCalls} request, ${shown} jobs + "Load more"; baseline = auto-paginate all ${n} before painting (${eagerCalls} requests); median of 5 (${n} jobs created in ${round(createSeconds)} s)`,
      },
      {
        name: `list ${n} jobs: requests before first paint`,
        value: firstPaintCalls,
        unit: 'requests',
        baseline: eagerCalls,
        ratio: round(firstPaintCalls / eagerCalls),
      },
      {
        name: `list ${n} jobs: everything via "Load more"`,
        value: round(lazyMs),
        unit: 'ms',
        notes: `${lazyCalls} requests of 20, only if the user asks for all of them`,
      },
    ];
  } finally {
    await proxy.close();
    await emu.close();
  }
}

export default async function bench(): Promise<BenchResult[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'socratune-jobs-bench-'));
  const results: BenchResult[] = [];
  try {
    for (const active of [0, 1, 5]) {
      const visible = await treeHour(dir, active, { visible: true });
      const hidden = await treeHour(dir, active, { visible: false });
      const naive = active > 0 ? await naiveHour(dir, active) : 0;
      const note = (h: HourResult) =>
        `${h.polls} polls; first paint ${h.firstPaintCalls} request (not counted); ${h.stillActive} job(s) still active at the end`;
      results.push({
        name: `jobs tree API calls/hour, ${active} active, view visible`,
        value: visible.calls,
        unit: 'calls/h',
        baseline: naive,
        ratio: naive ? round(visible.calls / naive) : undefined,
        notes: `${note(visible)}; baseline = retrieve + listEvents every 5 s per active job`,
      });
      results.push({
        name: `jobs tree API calls/hour, ${active} active, view hidden`,
        value: hidden.calls,
        unit: 'calls/h',
        baseline: naive,
        ratio: naive ? round(hidden.calls / naive) : undefined,
        notes: note(hidden),
      });
    }
    const watched = await treeHour(dir, 1, { visible: true, watchFirst: true });
    const naive1 = await naiveHour(dir, 1);
    results.push({
      name: 'jobs tree API calls/hour, 1 active and expanded (events + checkpoints)',
      value: watched.calls,
      unit: 'calls/h',
      baseline: naive1,
      ratio: round(watched.calls / naive1),
      notes: `${watched.polls} polls`,
    });
    results.push(...(await listing(dir, 2000)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}

// Standalone (`npx tsx bench/jobs.bench.ts`); scripts/bench.mjs passes a file: URL and calls the default export itself.
const entry = process.argv[1] ?? '';
if (!entry.startsWith('file:') && /jobs\.bench\.ts$/.test(entry)) {
  void bench().then((r) => console.log(JSON.stringify(r, null, 2)));
}
