/**
 * Together AI's REST shapes ↔ Socratune's normalized types (pure functions): the `/fine-tunes` request body, jobs,
 * events, checkpoints and metrics, and Together's launch rules. Field names and enums follow Together's published
 * OpenAPI description (togethercomputer/openapi `openapi.yaml`; the unit tests validate what these produce against it).
 */
import { mapStatus } from '../jobs/status';
import type { LaunchRules } from './rules';
import { OPENAI_HYPERPARAMETERS } from './rules';
import type { FineTuneJob, Hyperparameters, JobCheckpoint, JobCreateSpec, JobEvent } from './types';

type Obj = Record<string, unknown>;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const ms = (v: unknown): number | undefined => {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? t : undefined;
};

const rule = (name: keyof Hyperparameters, label: string, min: number, max: number, integer: boolean, hint: string, minExclusive = false) => ({
  name,
  label,
  min,
  max,
  integer,
  hint,
  minExclusive,
  methods: ['supervised', 'dpo'] as const,
});

/**
 * Together's hyperparameters (names of `POST /fine-tunes`). Ranges: epochs, batch size and learning rate are checked
 * again by the server against `/fine-tunes/models/limits` for the chosen model; `auto` leaves a field to Together's
 * default (1 epoch, batch "max", learning rate 1e-5, LoRA rank 8 / alpha 16).
 */
export const TOGETHER_RULES: LaunchRules = {
  hyperparameters: [
    rule('nEpochs', 'Epochs', 1, 20, true, 'auto (Together: 1), or a whole number from 1 to 20'),
    rule('batchSize', 'Batch size', 1, 256, true, 'auto (Together: "max", the largest the model allows), or a whole number'),
    rule('learningRate', 'Learning rate (absolute)', 0, 0.01, false, 'auto (Together: 0.00001), or an absolute rate above 0 and at most 0.01', true),
    rule('loraRank', 'LoRA rank', 1, 256, true, 'auto (8), or a whole number up to the model’s maximum rank'),
    rule('loraAlpha', 'LoRA alpha', 1, 1024, true, 'auto (2 × rank), or a whole number'),
    rule('loraDropout', 'LoRA dropout', 0, 0.99, false, 'auto (0), or a number from 0 to 0.99'),
    rule('warmupRatio', 'Warm-up ratio', 0, 1, false, 'auto (0), or a share of the steps from 0 to 1'),
    rule('nCheckpoints', 'Checkpoints', 1, 100, true, 'auto (1), or how many intermediate checkpoints to save'),
    { ...OPENAI_HYPERPARAMETERS.find((r) => r.name === 'beta')!, label: 'DPO beta (dpo_beta)', hint: 'auto (0.1), or a number above 0 and at most 2' },
  ],
  suffix: { maxLength: 40, pattern: /^[A-Za-z0-9_-]+$/, characters: 'letters, digits, "_" and "-"', modelIdShape: '<account>/<base>-<suffix>-<id>' },
  minExamples: 1,
  choices: [
    {
      field: 'training_type',
      label: 'Training type',
      default: 'Lora',
      options: [
        { value: 'Lora', detail: 'LoRA adapter (Together’s default): cheaper, and may be served without a dedicated endpoint' },
        { value: 'Full', detail: 'every weight: costs more, always needs a dedicated endpoint to answer' },
      ],
    },
  ],
  cost: {
    kind: 'none',
    message:
      'Together prices training per token by model size and method, and its own estimate (POST /fine-tunes/estimate-price) needs the uploaded file, ' +
      'so Socratune cannot estimate it before you consent. After the upload Socratune asks Together and stops if Together says the job would exceed your limit.',
  },
};

const auto = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** `POST /fine-tunes` body for a job spec (`extraBody.training_type` = 'Lora' | 'Full'). */
export function togetherCreateBody(spec: JobCreateSpec): Obj {
  const h = spec.hyperparameters;
  const type = spec.extraBody?.training_type === 'Full' ? 'Full' : 'Lora';
  const body: Obj = { training_file: spec.trainingFileId, model: spec.baseModel };
  if (spec.validationFileId) body.validation_file = spec.validationFileId;
  const set = (k: string, v: unknown) => {
    const n = auto(v);
    if (n !== undefined) body[k] = n;
  };
  set('n_epochs', h.nEpochs);
  set('batch_size', h.batchSize);
  set('learning_rate', h.learningRate);
  set('warmup_ratio', h.warmupRatio);
  set('n_checkpoints', h.nCheckpoints);
  set('n_evals', h.nEvals);
  if (spec.validationFileId && body.n_evals === undefined) body.n_evals = 1;
  if (spec.suffix) body.suffix = spec.suffix;
  if (spec.seed !== undefined) body.random_seed = spec.seed;
  if (type === 'Lora') {
    const r = auto(h.loraRank) ?? 8;
    const lora: Obj = { type: 'Lora', lora_r: r, lora_alpha: auto(h.loraAlpha) ?? 2 * r };
    if (auto(h.loraDropout) !== undefined) lora.lora_dropout = h.loraDropout;
    body.training_type = lora;
  } else body.training_type = { type: 'Full' };
  // Chat data: learn the assistant turns only (Together's "auto" does the same for chat; its schema types the field boolean).
  body.training_method =
    spec.method === 'dpo' ? { method: 'dpo', ...(auto(h.beta) !== undefined ? { dpo_beta: h.beta } : {}) } : { method: 'sft', train_on_inputs: false };
  return body;
}

/** Together statuses: pending, queued, running, compressing, uploading, cancel_requested, cancelled, error, completed. */
export function togetherStatus(raw: unknown): FineTuneJob['status'] {
  switch (raw) {
    case 'compressing':
    case 'uploading':
      return 'running';
    case 'cancel_requested':
      return 'cancelling';
    default:
      return mapStatus(raw);
  }
}

function eventsOf(o: Obj): Obj[] {
  return Array.isArray(o.events) ? (o.events.filter((e) => e && typeof e === 'object') as Obj[]) : [];
}

export function normalizeTogetherJob(raw: unknown): FineTuneJob {
  const o = (raw ?? {}) as Obj;
  const status = togetherStatus(o.status);
  const tt = (o.training_type ?? {}) as Obj;
  const tm = (o.training_method ?? {}) as Obj;
  const hp: Hyperparameters = {
    nEpochs: num(o.n_epochs),
    batchSize: num(o.batch_size) ?? 'auto',
    learningRate: num(o.learning_rate),
    warmupRatio: num(o.warmup_ratio),
    nCheckpoints: num(o.n_checkpoints),
    ...(tt.type === 'Lora' ? { loraRank: num(tt.lora_r), loraAlpha: num(tt.lora_alpha), loraDropout: num(tt.lora_dropout) } : {}),
    ...(tm.method === 'dpo' ? { beta: num(tm.dpo_beta) } : {}),
  };
  const failure = status === 'failed' ? [...eventsOf(o)].reverse().find((e) => e.type === 'job_error' || e.level === 'error') : undefined;
  const created = ms(o.created_at) ?? 0;
  return {
    id: str(o.id) ?? '',
    backend: 'together',
    status,
    rawStatus: str(o.status) ?? '',
    baseModel: str(o.model) ?? '',
    createdAt: created,
    finishedAt: status === 'succeeded' || status === 'failed' || status === 'cancelled' ? ms(o.updated_at) : undefined,
    fineTunedModel: status === 'succeeded' ? str(o.model_output_name) : undefined,
    trainedTokens: num(o.token_count),
    trainingFile: str(o.training_file) ?? '',
    validationFile: str(o.validation_file),
    resultFiles: [],
    method: tm.method === 'dpo' ? 'dpo' : 'supervised',
    hyperparameters: Object.fromEntries(Object.entries(hp).filter(([, v]) => v !== undefined)) as Hyperparameters,
    suffix: str(o.suffix),
    seed: num(o.random_seed),
    metadata: {},
    error: status === 'failed' ? { code: 'job_error', message: str(failure?.message) ?? 'The job failed on Together (no message given).' } : undefined,
    raw,
  };
}

/** Together events are oldest first; Socratune lists newest first. */
export function normalizeTogetherEvents(jobId: string, data: unknown): JobEvent[] {
  const list = Array.isArray(data) ? (data as Obj[]) : [];
  return list
    .map((e, i) => ({
      id: str(e.hash) || `${jobId}-event-${i}`,
      createdAt: ms(e.created_at) ?? 0,
      level: e.level === 'warning' ? 'warn' : (str(e.level) ?? 'info'),
      message: str(e.message) ?? '',
      type: str(e.type),
      raw: e,
    }))
    .reverse();
}

/** `/fine-tunes/{id}/metrics` rows as metrics events (the curves read `metrics` events), newest first. */
export function metricsEvents(jobId: string, data: unknown): JobEvent[] {
  const rows = Array.isArray((data as Obj | undefined)?.metrics) ? ((data as Obj).metrics as Obj[]) : [];
  return rows
    .map((r) => {
      const m = Object.fromEntries(Object.entries(r).filter((kv): kv is [string, number] => typeof kv[1] === 'number'));
      const step = m.step ?? 0;
      return {
        id: `${jobId}-metrics-${step}`,
        createdAt: 0,
        level: 'info',
        message: `Step ${step}${m.train_loss !== undefined ? `: training loss=${m.train_loss.toFixed(4)}` : ''}`,
        type: 'metrics',
        metrics: m,
        raw: r,
      };
    })
    .reverse();
}

export function normalizeTogetherCheckpoints(jobId: string, data: unknown): JobCheckpoint[] {
  const list = Array.isArray(data) ? (data as Obj[]) : [];
  return list.map((c) => ({
    id: str(c.path) ?? `${jobId}:${num(c.step) ?? 0}`,
    jobId,
    createdAt: ms(c.created_at) ?? 0,
    modelId: str(c.path) ?? '',
    step: num(c.step) ?? 0,
    metrics: {},
    raw: c,
  }));
}
