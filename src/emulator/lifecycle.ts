import { azureCheckpointId } from './azure';
import { nebiusHyperparameters } from './nebius';
import type OpenAI from 'openai';
import type { Emulator } from './context';
import { addFile } from './files';
import { hashId } from './random';
import { nextSeq, type JobRecord } from './state';
import { CSV_HEADER, MAX_REPORTED_STEPS, PHASES, csvRow, metricsMessage, resolveHyperparameters, stepMetrics, stepSeconds, validateSeconds } from './training';

/**
 * The job state machine `validating_files → queued → running → succeeded | failed | cancelled` (and `paused`).
 * A job's future is a fixed plan of timed items derived from its numbers; the job is brought up to date lazily
 * ("materialized") whenever a request looks at it, so there are no timers, restarts replay exactly, and pause
 * simply stops the job's active clock.
 */

type ItemKind = 'validated' | 'started' | 'step' | 'failed' | 'model' | 'policy' | 'succeeded';
interface Item {
  readonly at: number;
  readonly kind: ItemKind;
  readonly step?: number;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
export const isTerminal = (status: string): boolean => TERMINAL.has(status);

const plans = new WeakMap<JobRecord, { scale: number; items: Item[] }>();

export function shape(rec: JobRecord) {
  const r = resolveHyperparameters(rec.nTrain, rec.requested, rec.methodType === 'dpo');
  const stepsPerEpoch = Math.max(1, Math.ceil(rec.nTrain / r.batchSize));
  return { ...r, stepsPerEpoch, totalSteps: stepsPerEpoch * r.nEpochs };
}

function plan(emu: Emulator, rec: JobRecord): Item[] {
  const cached = plans.get(rec);
  if (cached && cached.scale === emu.clock.timeScale) return cached.items;
  const s = (seconds: number) => emu.clock.scaled(seconds);
  const items: Item[] = [];
  let t = s(validateSeconds(rec.tokensPerEpoch));
  if (rec.validationError || rec.failure?.at === 'validating') {
    items.push({ at: t, kind: 'failed' });
  } else {
    items.push({ at: t, kind: 'validated' });
    t += s(PHASES.queued);
    items.push({ at: t, kind: 'started' });
    t += s(PHASES.warmup);
    const sh = shape(rec);
    const stepMs = s(stepSeconds(rec.tokensPerEpoch, sh.stepsPerEpoch));
    const stride = Math.ceil(sh.totalSteps / MAX_REPORTED_STEPS);
    const failStep = rec.failure?.at === 'running' ? Math.min(sh.totalSteps, rec.failure.step ?? Math.max(1, Math.floor(sh.totalSteps / 2))) : 0;
    let failed = false;
    for (let step = 1; step <= sh.totalSteps; step++) {
      t += stepMs;
      if (step === failStep) {
        items.push({ at: t, kind: 'failed', step });
        failed = true;
        break;
      }
      if (step % stride === 0 || step % sh.stepsPerEpoch === 0 || step === sh.totalSteps) items.push({ at: t, kind: 'step', step });
    }
    if (!failed) {
      items.push({ at: (t += s(PHASES.modelCreated)), kind: 'model' });
      items.push({ at: (t += s(PHASES.policyEval)), kind: 'policy' });
      items.push({ at: (t += s(PHASES.complete)), kind: 'succeeded' });
    }
  }
  plans.set(rec, { scale: emu.clock.timeScale, items });
  return items;
}

function activeMs(rec: JobRecord, now: number): number {
  return now - rec.createdMs - rec.pausedTotalMs - (rec.pausedAtMs !== null ? now - rec.pausedAtMs : 0);
}

export function addEvent(rec: JobRecord, atMs: number, message: string, level: 'info' | 'warn' | 'error' = 'info', data?: object): void {
  const event: OpenAI.FineTuning.FineTuningJobEvent = {
    id: `ftevent-${hashId(24, rec.job.id, 'event', rec.events.length)}`,
    object: 'fine_tuning.job.event',
    created_at: Math.floor(atMs / 1000),
    level,
    message,
    type: data ? 'metrics' : 'message',
    data: data ?? {},
  };
  rec.events.push(event);
}

/** Brings the job up to emulator time `now`. Returns true if anything changed. */
export function materialize(emu: Emulator, rec: JobRecord, now = emu.clock.now()): boolean {
  if (isTerminal(rec.job.status)) return false;
  const items = plan(emu, rec);
  const active = activeMs(rec, now);
  let changed = false;
  while (rec.cursor < items.length && items[rec.cursor].at <= active) {
    apply(emu, rec, items[rec.cursor], rec.createdMs + items[rec.cursor].at + rec.pausedTotalMs);
    rec.cursor++;
    changed = true;
  }
  if (rec.job.status === 'running' && rec.pausedAtMs === null) {
    const last = items[items.length - 1];
    rec.job.estimated_finish = Math.ceil((rec.createdMs + last.at + rec.pausedTotalMs) / 1000);
  }
  if (changed) emu.changed();
  return changed;
}

/** Materializes every unfinished job (before listing models, say). */
export function syncJobs(emu: Emulator): void {
  const now = emu.clock.now();
  for (const rec of emu.state.jobs.values()) materialize(emu, rec, now);
}

function apply(emu: Emulator, rec: JobRecord, item: Item, atMs: number): void {
  const job = rec.job;
  switch (item.kind) {
    case 'validated':
      job.status = 'queued';
      addEvent(rec, atMs, 'Files validated, moving job to queued state');
      return;
    case 'started': {
      job.status = 'running';
      const sh = shape(rec);
      const openaiHp = { batch_size: sh.batchSize, learning_rate_multiplier: sh.learningRateMultiplier, n_epochs: sh.nEpochs };
      // A Nebius job reports its own names (absolute learning rate, LoRA flags), with the resolved epochs and batch size.
      const hp = (nebiusHyperparameters(rec.flavorData, openaiHp) ?? openaiHp) as typeof openaiHp;
      job.hyperparameters = hp;
      job.method =
        rec.methodType === 'dpo'
          ? { type: 'dpo', dpo: { hyperparameters: { ...hp, beta: sh.beta ?? 0.1 } } }
          : { type: 'supervised', supervised: { hyperparameters: hp } };
      addEvent(rec, atMs, 'Fine-tuning job started');
      return;
    }
    case 'step':
      return step(rec, item.step ?? 0, atMs);
    case 'failed':
      return fail(rec, atMs);
    case 'model':
      addEvent(rec, atMs, `New fine-tuned model created: ${rec.plannedModel}`);
      return;
    case 'policy':
      addEvent(rec, atMs, 'Evaluating model against our usage policies');
      return;
    case 'succeeded':
      return succeed(emu, rec, atMs);
  }
}

function step(rec: JobRecord, n: number, atMs: number): void {
  const sh = shape(rec);
  const m = stepMetrics(rec.job.seed, n, sh.totalSteps, sh.stepsPerEpoch, sh.nEpochs, sh.batchSize, rec.nValid > 0);
  addEvent(rec, atMs, metricsMessage(m, sh.totalSteps), 'info', { ...m, total_steps: sh.totalSteps });
  rec.csvRows.push(csvRow(m));
  if (n % sh.stepsPerEpoch !== 0 && n !== sh.totalSteps) return;
  const epoch = Math.ceil(n / sh.stepsPerEpoch);
  const checkpoint: OpenAI.FineTuning.Jobs.FineTuningJobCheckpoint = {
    id: azureCheckpointId(rec.flavorData, rec.job.id, epoch) ?? `ftckpt_${hashId(24, rec.job.id, 'checkpoint', epoch)}`,
    object: 'fine_tuning.job.checkpoint',
    created_at: Math.floor(atMs / 1000),
    fine_tuned_model_checkpoint: `${rec.plannedModel}:ckpt-step-${n}`,
    fine_tuning_job_id: rec.job.id,
    step_number: n,
    metrics: { ...m },
  };
  rec.checkpoints.push(checkpoint);
  // OpenAI keeps the checkpoints of the last 3 epochs only.
  if (rec.checkpoints.length > 3) rec.checkpoints.splice(0, rec.checkpoints.length - 3);
  addEvent(rec, atMs, `Checkpoint created at step ${n} with Snapshot ID: ${checkpoint.fine_tuned_model_checkpoint}`);
}

function fail(rec: JobRecord, atMs: number): void {
  const f = rec.failure;
  const error =
    rec.validationError ??
    (f?.at === 'validating'
      ? {
          code: f.code ?? 'invalid_training_file',
          message: f.message ?? 'The job failed due to an invalid training file (emulated fault).',
          param: 'training_file',
        }
      : { code: f?.code ?? 'internal_error', message: f?.message ?? 'The job failed due to an internal error during training (emulated fault).', param: null });
  rec.job.status = 'failed';
  rec.job.error = error;
  rec.job.finished_at = Math.floor(atMs / 1000);
  rec.job.estimated_finish = null;
  addEvent(rec, atMs, error.message, 'error');
}

function succeed(emu: Emulator, rec: JobRecord, atMs: number): void {
  const sh = shape(rec);
  const csv = `${CSV_HEADER}\n${rec.csvRows.join('\n')}\n`;
  const content = emu.config.resultsBase64 ? Buffer.from(Buffer.from(csv).toString('base64')) : Buffer.from(csv);
  const results = addFile(emu, 'step_metrics.csv', 'fine-tune-results', content, undefined, atMs);
  const parent = emu.state.models.get(rec.job.model);
  emu.state.models.set(rec.plannedModel, {
    seq: nextSeq(emu.state),
    model: { id: rec.plannedModel, object: 'model', created: Math.floor(atMs / 1000), owned_by: emu.config.organizationId },
    jobId: rec.job.id,
    base: parent?.base ?? rec.job.model,
    replies: [...rec.replies, ...(parent?.replies ?? [])],
    deleted: false,
  });
  const job = rec.job;
  job.status = 'succeeded';
  job.fine_tuned_model = rec.plannedModel;
  job.finished_at = Math.floor(atMs / 1000);
  job.trained_tokens = rec.tokensPerEpoch * sh.nEpochs;
  job.result_files = [results.id];
  job.estimated_finish = null;
  addEvent(rec, atMs, 'Usage policy evaluations completed, model is now enabled for sampling');
  addEvent(rec, atMs, 'The job has successfully completed');
}

export type ControlAction = 'pause' | 'resume' | 'cancel';

/** Pause/resume/cancel at emulator time `now`; returns an error message if the job's status doesn't allow it. */
export function control(emu: Emulator, rec: JobRecord, action: ControlAction, now = emu.clock.now()): string | null {
  materialize(emu, rec, now);
  const job = rec.job;
  switch (action) {
    case 'pause':
      if (job.status !== 'running') return `Job ${job.id} is ${job.status}; only running jobs can be paused.`;
      rec.pausedAtMs = now;
      job.status = 'paused';
      job.estimated_finish = null;
      addEvent(rec, now, 'Fine-tuning job paused');
      break;
    case 'resume':
      if (job.status !== 'paused' || rec.pausedAtMs === null) return `Job ${job.id} is ${job.status}; only paused jobs can be resumed.`;
      rec.pausedTotalMs += now - rec.pausedAtMs;
      rec.pausedAtMs = null;
      job.status = 'running';
      addEvent(rec, now, 'Fine-tuning job resumed');
      materialize(emu, rec, now);
      break;
    case 'cancel':
      if (isTerminal(job.status)) return `Job ${job.id} has already ${job.status === 'cancelled' ? 'been cancelled' : job.status}.`;
      if (rec.pausedAtMs !== null) {
        rec.pausedTotalMs += now - rec.pausedAtMs;
        rec.pausedAtMs = null;
      }
      job.status = 'cancelled';
      job.finished_at = Math.floor(now / 1000);
      job.estimated_finish = null;
      addEvent(rec, now, 'Fine-tuning job cancelled');
      break;
  }
  emu.changed();
  return null;
}
