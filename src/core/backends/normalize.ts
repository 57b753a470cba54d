/**
 * Tolerant conversion of provider objects into Socratune's normalized shapes. Providers drift from the
 * spec (`error: {}` on healthy jobs, `paused` outside the enum, ISO dates, `-1` for "no value"), so
 * every field is read defensively and the original object is kept as `raw`.
 */
import { mapStatus } from '../jobs/status';
import { isFineTunedModelId } from './modelIds';
import type { AccountModel, BackendKind, FineTuneJob, Hyperparameters, HyperparameterValue, JobCheckpoint, JobError, JobEvent } from './types';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Unix seconds, unix ms or ISO string → ms since epoch. */
export function toMillis(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v < 1e11 ? v * 1000 : v;
  if (typeof v === 'string' && v) {
    const n = Number(v);
    if (Number.isFinite(n) && n > 0) return n < 1e11 ? n * 1000 : n;
    const d = Date.parse(v);
    return Number.isFinite(d) ? d : undefined;
  }
  return undefined;
}

function hpValue(v: unknown): HyperparameterValue | undefined {
  if (v === 'auto') return 'auto';
  const n = num(v);
  if (n !== undefined) return n;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function hyperparameters(raw: Obj): Hyperparameters {
  const method = obj(raw.method);
  const type = str(method?.type);
  const fromMethod = type ? obj(obj(method?.[type])?.hyperparameters) : undefined;
  const legacy = obj(raw.hyperparameters);
  const src = { ...(legacy ?? {}), ...(fromMethod ?? {}) };
  const out: { -readonly [K in keyof Hyperparameters]: Hyperparameters[K] } = {};
  const e = hpValue(src.n_epochs);
  if (e !== undefined) out.nEpochs = e;
  const b = hpValue(src.batch_size);
  if (b !== undefined) out.batchSize = b;
  const lr = hpValue(src.learning_rate_multiplier);
  if (lr !== undefined) out.learningRateMultiplier = lr;
  const beta = hpValue(src.beta);
  if (beta !== undefined) out.beta = beta;
  // OpenAI-shaped servers with their own names (Nebius: absolute learning rate, LoRA flags).
  const named: [keyof Hyperparameters, unknown][] = [
    ['learningRate', src.learning_rate],
    ['warmupRatio', src.warmup_ratio],
    ...(src.lora === true
      ? ([
          ['loraRank', src.lora_r],
          ['loraAlpha', src.lora_alpha],
          ['loraDropout', src.lora_dropout],
        ] as [keyof Hyperparameters, unknown][])
      : []),
  ];
  for (const [k, raw] of named) {
    const v = hpValue(raw);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function jobError(v: unknown): JobError | undefined {
  const e = obj(v);
  if (!e) return typeof v === 'string' && v ? { message: v } : undefined;
  const code = str(e.code);
  const message = str(e.message);
  // `error: {}` or `{code:null,message:null}` appears on healthy jobs: test the content, not the presence.
  if (!code && !message) return undefined;
  return { code, message: message ?? code ?? 'Unknown error', param: str(e.param) };
}

function metadata(v: unknown): Record<string, string> {
  const m = obj(v);
  const out: Record<string, string> = {};
  if (!m) return out;
  for (const [k, val] of Object.entries(m)) if (typeof val === 'string') out[k] = val;
  return out;
}

export function normalizeJob(raw: unknown, backend: BackendKind): FineTuneJob {
  const r = obj(raw) ?? {};
  const rawStatus = typeof r.status === 'string' ? r.status : String(r.status ?? '');
  const method = str(obj(r.method)?.type) ?? 'supervised';
  const resultFiles = Array.isArray(r.result_files) ? r.result_files.filter((f): f is string => typeof f === 'string') : [];
  const trained = num(r.trained_tokens);
  return {
    id: str(r.id) ?? '',
    backend,
    status: mapStatus(rawStatus),
    rawStatus,
    baseModel: str(r.model) ?? '',
    createdAt: toMillis(r.created_at) ?? 0,
    finishedAt: toMillis(r.finished_at),
    estimatedFinish: toMillis(r.estimated_finish),
    fineTunedModel: str(r.fine_tuned_model),
    trainedTokens: trained !== undefined && trained >= 0 ? trained : undefined,
    trainingFile: str(r.training_file) ?? '',
    validationFile: str(r.validation_file),
    resultFiles,
    method,
    hyperparameters: hyperparameters(r),
    suffix: str(r.user_provided_suffix) ?? str(r.suffix),
    seed: num(r.seed),
    metadata: metadata(r.metadata),
    error: jobError(r.error),
    raw,
  };
}

/** Numeric fields only; `-1` (Azure) and NaN mean "no value". */
export function numericFields(v: unknown): Record<string, number> {
  const o = obj(v);
  const out: Record<string, number> = {};
  if (!o) return out;
  for (const [k, val] of Object.entries(o)) {
    const n = typeof val === 'number' ? val : typeof val === 'string' && val.trim() !== '' ? Number(val) : NaN;
    if (Number.isFinite(n) && !(n === -1 && k !== 'step')) out[k] = n;
  }
  return out;
}

export function normalizeEvent(raw: unknown): JobEvent {
  const r = obj(raw) ?? {};
  const type = str(r.type);
  const metrics = type === 'metrics' || obj(r.data)?.step !== undefined ? numericFields(r.data) : undefined;
  return {
    id: str(r.id) ?? '',
    createdAt: toMillis(r.created_at) ?? 0,
    level: str(r.level) ?? 'info',
    message: typeof r.message === 'string' ? r.message : '',
    type,
    metrics: metrics && Object.keys(metrics).length > 0 ? metrics : undefined,
    raw,
  };
}

export function normalizeCheckpoint(raw: unknown, jobId: string): JobCheckpoint {
  const r = obj(raw) ?? {};
  const metrics = numericFields(r.metrics);
  return {
    id: str(r.id) ?? '',
    jobId: str(r.fine_tuning_job_id) ?? jobId,
    createdAt: toMillis(r.created_at) ?? 0,
    modelId: str(r.fine_tuned_model_checkpoint) ?? str(r.id) ?? '',
    step: num(r.step_number) ?? metrics.step ?? 0,
    metrics,
    raw,
  };
}

export function normalizeModel(raw: unknown): AccountModel {
  const r = obj(raw) ?? {};
  const id = str(r.id) ?? '';
  const shutdown = r.shutdown_date;
  let shutdownDate: string | undefined;
  if (typeof shutdown === 'string' && shutdown) shutdownDate = shutdown.slice(0, 10);
  else if (typeof shutdown === 'number') shutdownDate = new Date(toMillis(shutdown) ?? 0).toISOString().slice(0, 10);
  return {
    id,
    createdAt: toMillis(r.created) ?? toMillis(r.created_at) ?? 0,
    ownedBy: str(r.owned_by) ?? '',
    shutdownDate,
    fineTuned: isFineTunedModelId(id),
    raw,
  };
}
