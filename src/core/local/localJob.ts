/**
 * A local run as a row of the Jobs tree: the run folder's `recipe.json` (what was asked), its `run-state.json` (when it
 * started, the process id, how it ended — written by Socratune, so a window reload finds the run again) and its
 * followed `train.log` (parsed: step, losses, problems) → a `FineTuneJob` and metrics `JobEvent`s, the same shapes a
 * cloud backend gives, so the tree, the curves panel and the notifications need no local special case.
 */
import * as v from 'valibot';
import { decode, type Decoded } from '../../shared/decode';
import type { FineTuneJob, JobEvent } from '../backends/types';
import { METADATA_KEYS } from '../jobs/manifest';
import type { JobStatus } from '../jobs/status';
import type { RunExit, RunStatus } from './runFollower';
import type { TrainerLogResult } from './trainerLog';

/** Ids of local runs in the Jobs tree: `local:<run folder name>`. */
export const LOCAL_JOB_PREFIX = 'local:';

export function localJobId(runName: string): string {
  return `${LOCAL_JOB_PREFIX}${runName}`;
}

/** The run folder's name from a local job id, or undefined for a cloud job. */
export function localRunName(jobId: string): string | undefined {
  return jobId.startsWith(LOCAL_JOB_PREFIX) ? jobId.slice(LOCAL_JOB_PREFIX.length) : undefined;
}

const positive = v.pipe(v.number(), v.finite(), v.minValue(0));

/** The fields of recipe.json (src/core/local/recipe.ts writes it) a Jobs row needs; other fields are ignored. */
const RecipeMetaSchema = v.object({
  name: v.string(),
  trainer: v.optional(v.picklist(['mlx', 'axolotl', 'trl', 'unsloth'])),
  baseModel: v.optional(v.string()),
  dataset: v.optional(v.nullable(v.string())),
  examples: v.optional(positive),
  validationExamples: v.optional(positive),
  totalSteps: v.optional(positive),
  systemPrompt: v.optional(v.nullable(v.string())),
  adapterDir: v.optional(v.string()),
  hyperparameters: v.optional(
    v.object({
      epochs: v.optional(positive),
      batchSize: v.optional(positive),
      learningRate: v.optional(positive),
      loraRank: v.optional(positive),
      loraAlpha: v.optional(positive),
      loraDropout: v.optional(positive),
    }),
  ),
});
export type RecipeMeta = v.InferOutput<typeof RecipeMetaSchema>;

/** run-state.json: written when Socratune starts a run and again when it ends. */
const RunRecordSchema = v.object({
  startedAt: positive,
  /** The task's process (a process-group leader: Cancel signals the whole group). */
  pid: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  endedAt: v.optional(positive),
  exit: v.optional(v.object({ code: v.nullable(v.number()), signal: v.optional(v.nullable(v.string())), cancelled: v.optional(v.boolean()) })),
});
export type RunRecord = v.InferOutput<typeof RunRecordSchema>;

function decodeJson<S extends v.GenericSchema>(schema: S, text: string, what: string): Decoded<v.InferOutput<S>> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `${what} is not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  const d = decode(schema, raw);
  return d.ok ? d : { ok: false, message: `${what}: ${d.message}` };
}

export const decodeRecipeMeta = (text: string) => decodeJson(RecipeMetaSchema, text, 'recipe.json');
export const decodeRunRecord = (text: string) => decodeJson(RunRecordSchema, text, 'run-state.json');

const TRAINER_LABEL: Readonly<Record<NonNullable<RecipeMeta['trainer']>, string>> = { mlx: 'MLX-LM', axolotl: 'Axolotl', trl: 'TRL', unsloth: 'Unsloth' };

const STATE_STATUS: Readonly<Record<RunStatus['state'], JobStatus>> = {
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

/**
 * The status of a run Socratune does not hold the process of (found on disk after a reload): the recorded exit if it
 * ended; if its process is gone without a recorded exit, failed unless the log reached its total.
 */
export function recordedExit(record: RunRecord, processAlive: boolean): RunExit | undefined {
  if (record.exit) return record.exit;
  return processAlive ? undefined : { code: null, signal: 'unknown (the process ended while Socratune was not following it)' };
}

export interface LocalJobInput {
  readonly meta: RecipeMeta;
  readonly record: RunRecord;
  readonly status: RunStatus;
  /** Where the run folder is (shown as its training file). */
  readonly dir: string;
  readonly now: number;
}

/** The Jobs-tree row of a local run. */
export function localJob({ meta, record, status, dir, now }: LocalJobInput): FineTuneJob {
  const h = meta.hyperparameters ?? {};
  // A crash, or a nan / inf loss on a run that still exited 0, is the row's error (with the log line that shows it).
  const problem = status.state !== 'cancelled' && status.state !== 'running' ? status.message : status.problems.length ? status.message : undefined;
  return {
    id: localJobId(meta.name),
    backend: 'local',
    status: STATE_STATUS[status.state],
    rawStatus: status.state,
    baseModel: meta.baseModel ?? 'unknown base model',
    createdAt: record.startedAt,
    ...(record.endedAt !== undefined ? { finishedAt: record.endedAt } : {}),
    ...(status.etaSeconds !== undefined ? { estimatedFinish: now + status.etaSeconds * 1000 } : {}),
    trainingFile: `${dir}/data/train.jsonl`,
    ...(meta.validationExamples ? { validationFile: `${dir}/data/valid.jsonl` } : {}),
    resultFiles: [],
    method: `LoRA · ${meta.trainer ? TRAINER_LABEL[meta.trainer] : 'run.sh'} (local)`,
    hyperparameters: {
      ...(h.epochs !== undefined ? { nEpochs: h.epochs } : {}),
      ...(h.batchSize !== undefined ? { batchSize: h.batchSize } : {}),
      ...(h.learningRate !== undefined ? { learningRate: h.learningRate } : {}),
      ...(h.loraRank !== undefined ? { loraRank: h.loraRank } : {}),
      ...(h.loraAlpha !== undefined ? { loraAlpha: h.loraAlpha } : {}),
      ...(h.loraDropout !== undefined ? { loraDropout: h.loraDropout } : {}),
    },
    suffix: meta.name,
    metadata: meta.dataset ? { [METADATA_KEYS.dataset]: meta.dataset } : {},
    ...(problem ? { error: { message: problem } } : {}),
    raw: { meta, record },
  };
}

/**
 * Metrics events from the parsed log (one per train point and per validation point, like a cloud job's metrics events;
 * `total_steps` on each when known) and one event per problem (nan / crash / restart) quoting its log lines.
 * Events are timed by their order (the log has no clock): `startedAt + index`, so they sort as the log reads.
 */
export function localJobEvents(log: TrainerLogResult, status: RunStatus, startedAt: number): JobEvent[] {
  const total: Record<string, number> = status.total !== undefined ? { total_steps: status.total } : {};
  const lrAt = new Map(log.lr.map((p) => [p.step, p.lr]));
  const out: JobEvent[] = [];
  let i = 0;
  const push = (id: string, level: JobEvent['level'], message: string, metrics?: Record<string, number>) =>
    out.push({ id, createdAt: startedAt + i++, level, message, ...(metrics ? { metrics } : {}), type: metrics ? 'metrics' : 'message', raw: null });
  for (const [n, p] of log.train.entries()) {
    const lr = lrAt.get(p.step);
    push(`train-${n}`, 'info', `Step ${p.step}: train loss ${p.loss}${lr !== undefined ? `, learning rate ${lr}` : ''}`, {
      step: p.step,
      train_loss: p.loss,
      ...(lr !== undefined ? { learning_rate: lr } : {}),
      ...total,
    });
  }
  for (const [n, p] of log.eval.entries())
    push(`eval-${n}`, 'info', `Step ${p.step}: validation loss ${p.loss}`, { step: p.step, valid_loss: p.loss, ...total });
  for (const [n, p] of log.problems.entries()) {
    const quoted = p.lines.map((l) => l.trim()).filter(Boolean);
    const level = p.kind === 'crash' || p.kind === 'nan' || p.kind === 'inf' ? 'error' : 'warn';
    push(`problem-${n}`, level, `${p.kind} at log line ${p.line}: ${p.message}${quoted.length ? ` — ${quoted.join(' ⏎ ')}` : ''}`);
  }
  if (status.state !== 'running')
    push('end', status.state === 'succeeded' ? 'info' : 'error', `Run ${status.state}${status.message ? `: ${status.message}` : ''}`);
  return out;
}
