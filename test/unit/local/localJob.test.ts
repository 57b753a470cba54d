/**
 * A local run as a Jobs-tree row: recipe.json + run-state.json + the parsed train.log (real fixtures) → the job and
 * metrics events a cloud backend would give; the jobs store holding such rows next to backend jobs.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FineTuneBackend, FineTuneJob } from '../../../src/core/backends/types';
import { etaText, jobRowDescription, progressText } from '../../../src/core/jobs/format';
import { JobsStore, type JobTransition } from '../../../src/core/jobs/jobsStore';
import { pointsFromEvents } from '../../../src/core/jobs/metrics';
import { logToMetricPoints } from '../../../src/core/local/curves';
import { decodeRecipeMeta, decodeRunRecord, localJob, localJobEvents, localRunName, recordedExit, type RecipeMeta } from '../../../src/core/local/localJob';
import { runStatus } from '../../../src/core/local/runFollower';
import { parseTrainerLog } from '../../../src/core/local/trainerLog';

const fixtures = path.join(__dirname, '../../fixtures/trainer-logs');
const fixture = (name: string) => parseTrainerLog(readFileSync(path.join(fixtures, name), 'utf8'));
const T0 = Date.UTC(2026, 11, 3, 12);
const meta: RecipeMeta = {
  name: 'journal-mlx',
  trainer: 'mlx',
  baseModel: 'meta-llama/Llama-3.2-3B-Instruct',
  dataset: 'journal',
  validationExamples: 2,
  hyperparameters: { epochs: 3, batchSize: 4, learningRate: 0.0001, loraRank: 16, loraAlpha: 32, loraDropout: 0.05 },
};

describe('local runs as Jobs rows (localJob)', () => {
  it('a running MLX-LM run: running · step 50/100 · loss · ETA · base model; curves from its events equal the log', () => {
    const log = fixture('mlx-lm-330-cuda.log');
    const status = runStatus(log, undefined, 600);
    const job = localJob({ meta, record: { startedAt: T0, pid: 42 }, status, dir: '/w/.socratune/runs/journal-mlx', now: T0 + 600_000 });
    const events = localJobEvents(log, status, T0);
    assert.equal(job.id, 'local:journal-mlx');
    assert.equal(localRunName(job.id), 'journal-mlx');
    assert.equal(localRunName('ftjob-1'), undefined);
    assert.deepEqual([job.status, job.backend, job.suffix, job.method], ['running', 'local', 'journal-mlx', 'LoRA · MLX-LM (local)']);
    assert.equal(job.estimatedFinish, T0 + 600_000 + 600_000);
    assert.equal(jobRowDescription(job, events, T0 + 600_000), 'running · step 50/100 · loss 1.58 · ETA 10 min · meta-llama/Llama-3.2-3B-Instruct');
    assert.equal(progressText(events), 'step 50/100 · loss 1.58');
    assert.deepEqual(pointsFromEvents(events), logToMetricPoints(log));
    assert.ok(pointsFromEvents(events).some((p) => p.validLoss === 2.936));
    const lrEvent = events.find((e) => e.metrics?.learning_rate !== undefined);
    assert.equal(lrEvent?.metrics?.learning_rate, log.lr[0]!.lr);
    assert.equal(job.error, undefined);
  });

  it('a crashed run is failed, its error and an error event quote the traceback line', () => {
    const log = fixture('hf-llamafactory-4026-traceback.log');
    const status = runStatus(log, { code: 1 });
    const job = localJob({ meta, record: { startedAt: T0, endedAt: T0 + 5000, exit: { code: 1 } }, status, dir: '/r', now: T0 + 6000 });
    assert.equal(job.status, 'failed');
    assert.match(job.error!.message, /train_result = trainer\.train\(.*\(log line 9\)$/);
    const events = localJobEvents(log, status, T0);
    const crash = events.find((e) => e.level === 'error' && e.message.startsWith('crash at log line'));
    assert.ok(crash, events.map((e) => e.message).join('\n'));
    assert.match(crash.message, /Traceback/);
    assert.match(events.at(-1)!.message, /^Run failed: /);
    assert.equal(jobRowDescription(job, events, T0 + 6000).split(' · ')[0], 'failed');
  });

  it('a nan / inf loss on a run that exited 0 is succeeded with the loss line as its error', () => {
    const log = fixture('hf-vicuna-11-inf-nan.log');
    const status = runStatus(log, { code: 0 });
    const job = localJob({ meta, record: { startedAt: T0, exit: { code: 0 }, endedAt: T0 + 1 }, status, dir: '/r', now: T0 });
    assert.equal(job.status, 'succeeded');
    assert.match(job.error!.message, /loss is Infinity at step 2 \(log line 2\): \{'loss': inf/);
    assert.ok(localJobEvents(log, status, T0).some((e) => e.level === 'error' && /^inf at log line 2/.test(e.message)));
  });

  it('found after a reload: the recorded exit wins; a vanished process without one is an unknown end', () => {
    assert.deepEqual(recordedExit({ startedAt: T0, exit: { code: null, cancelled: true } }, false), { code: null, cancelled: true });
    assert.equal(recordedExit({ startedAt: T0, pid: 7 }, true), undefined);
    const gone = recordedExit({ startedAt: T0, pid: 7 }, false)!;
    assert.equal(runStatus(fixture('mlx-lm-330-cuda.log'), gone).state, 'failed');
    assert.equal(runStatus(fixture('mlx-lm-330-cuda.log'), { code: null, cancelled: true }).state, 'cancelled');
  });

  it('decodes recipe.json and run-state.json, refusing what is not theirs with the field named', () => {
    const r = decodeRecipeMeta(JSON.stringify({ ...meta, command: 'mlx_lm.lora …', notes: [] }));
    assert.ok(r.ok && r.value.baseModel === meta.baseModel);
    const bad = decodeRecipeMeta(JSON.stringify({ ...meta, trainer: 'llamafactory' }));
    assert.ok(!bad.ok && /recipe\.json: field "trainer"/.test(bad.message), JSON.stringify(bad));
    assert.ok(!decodeRunRecord('{"startedAt": "yesterday"}').ok);
    const notJson = decodeRunRecord('{');
    assert.ok(!notJson.ok && /run-state\.json is not JSON/.test(notJson.message));
    const ok = decodeRunRecord(JSON.stringify({ startedAt: T0, pid: 12, exit: { code: 0 } }));
    assert.ok(ok.ok && ok.value.pid === 12);
  });

  it('ETA in words, none once passed', () => {
    assert.equal(etaText(T0 + 61_000, T0), 'ETA 2 min');
    assert.equal(etaText(T0 + 125 * 60_000, T0), 'ETA 2 h 05 min');
    assert.equal(etaText(T0 - 1, T0), '');
    assert.equal(etaText(undefined, T0), '');
  });
});

describe('jobs store: local runs next to backend jobs', () => {
  const cloud = { id: 'ftjob-1', status: 'succeeded', rawStatus: 'succeeded', createdAt: T0 - 1000 } as unknown as FineTuneJob;
  function backend(calls: string[]): FineTuneBackend {
    return {
      capabilities: { events: true, checkpoints: true },
      listJobs: async () => (calls.push('list'), { data: [cloud], hasMore: false }),
      getJob: async (id: string) => (calls.push(`get ${id}`), cloud),
      listEvents: async (id: string) => (calls.push(`events ${id}`), { data: [], hasMore: false }),
      listCheckpoints: async (id: string) => (calls.push(`checkpoints ${id}`), { data: [], hasMore: false }),
    } as unknown as FineTuneBackend;
  }

  it('lists a local run newest first, never asks the backend about it, and fires its end as a transition', async () => {
    const calls: string[] = [];
    const store = new JobsStore(async () => ({ ok: true, backend: backend(calls) }));
    await store.load();
    const log = fixture('mlx-lm-330-cuda.log');
    const running = runStatus(log, undefined, 10);
    store.putLocal(localJob({ meta, record: { startedAt: T0 }, status: running, dir: '/r', now: T0 }), localJobEvents(log, running, T0));
    assert.deepEqual(
      store.jobs.map((j) => j.id),
      ['local:journal-mlx', 'ftjob-1'],
    );
    assert.equal(store.hasActive, false, 'local runs do not make the backend poll');
    const watch = store.watch('local:journal-mlx');
    await store.poll();
    assert.equal(await store.fetchEvents('local:journal-mlx'), 0);
    assert.equal(await store.fetchCheckpoints('local:journal-mlx'), false);
    assert.ok(!calls.some((c) => c.includes('local:')), calls.join(', '));
    assert.equal(progressText(store.detailsOf('local:journal-mlx').events), 'step 50/100 · loss 1.58');
    const ended: JobTransition[] = [];
    store.onDidTransition((t) => ended.push(t));
    const done = runStatus(log, { code: 0 });
    store.putLocal(localJob({ meta, record: { startedAt: T0, exit: { code: 0 } }, status: done, dir: '/r', now: T0 }), localJobEvents(log, done, T0));
    assert.deepEqual(
      ended.map((t) => [t.previous.status, t.job.status]),
      [['running', 'succeeded']],
    );
    store.reset();
    assert.deepEqual(
      store.jobs.map((j) => j.id),
      ['local:journal-mlx'],
      'a backend change keeps local runs',
    );
    assert.equal(store.detailsOf('local:journal-mlx').events.at(-1)!.message, 'Run succeeded');
    watch.dispose();
    store.dispose();
  });
});
