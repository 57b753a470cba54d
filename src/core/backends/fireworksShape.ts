/**
 * Fireworks AI's REST shapes ↔ Socratune's normalized types (pure): valibot schemas for what Fireworks returns
 * (datasets, supervised fine-tuning jobs, models, deployments, error bodies), the `supervisedFineTuningJobs` request
 * body, job-state mapping and Fireworks' launch rules. Field names and enums follow Fireworks' generated SDK
 * (fw-ai-external/python-sdk, summarised in /work/shared/reference/fireworks-rest-shapes.json; the unit tests check
 * what these produce, and what the backend sends, against that reference). Wire casing is lowerCamelCase; int64
 * counts are JSON strings.
 */
import * as v from 'valibot';
import { decode } from '../../shared/decode';
import type { JobStatus } from '../jobs/status';
import type { LaunchRules } from './rules';
import type { FineTuneJob, Hyperparameters, JobCreateSpec, JobEvent } from './types';

const opt = <S extends v.GenericSchema>(s: S) => v.optional(s);
const status = v.looseObject({ code: opt(v.string()), message: opt(v.string()) });

export const FwDatasetSchema = v.looseObject({
  name: v.string(),
  displayName: opt(v.string()),
  state: opt(v.string()),
  status: opt(status),
  exampleCount: opt(v.union([v.string(), v.number()])),
  createTime: opt(v.string()),
});

export const FwJobSchema = v.looseObject({
  name: v.string(),
  dataset: opt(v.string()),
  baseModel: opt(v.string()),
  warmStartFrom: opt(v.string()),
  outputModel: opt(v.string()),
  displayName: opt(v.string()),
  epochs: opt(v.number()),
  learningRate: opt(v.number()),
  loraRank: opt(v.number()),
  maxContextLength: opt(v.number()),
  batchSize: opt(v.number()),
  evaluationDataset: opt(v.string()),
  state: opt(v.string()),
  status: opt(status),
  createTime: opt(v.string()),
  updateTime: opt(v.string()),
  completedTime: opt(v.string()),
  jobProgress: opt(v.looseObject({ percent: opt(v.number()), epoch: opt(v.number()) })),
});
export type FwJob = v.InferOutput<typeof FwJobSchema>;

export const FwJobListSchema = v.looseObject({ supervisedFineTuningJobs: opt(v.array(FwJobSchema)), nextPageToken: opt(v.string()) });

export const FwDeploymentSchema = v.looseObject({
  name: v.string(),
  baseModel: v.string(),
  state: opt(v.string()),
  displayName: opt(v.string()),
  createTime: opt(v.string()),
});
export type FwDeployment = v.InferOutput<typeof FwDeploymentSchema>;
export const FwDeploymentListSchema = v.looseObject({ deployments: opt(v.array(FwDeploymentSchema)), nextPageToken: opt(v.string()) });

/** Decodes a Fireworks response or throws saying which field is off (a server that is not Fireworks, say). */
export function decodeFw<S extends v.GenericSchema>(schema: S, value: unknown, what: string): v.InferOutput<S> {
  const r = decode(schema, value);
  if (!r.ok) throw new Error(`Fireworks sent an unexpected ${what}: ${r.message}.`);
  return r.value;
}

const GRPC_NAMES: Readonly<Record<number, string>> = {
  3: 'INVALID_ARGUMENT',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  16: 'UNAUTHENTICATED',
};
const GrpcStatusSchema = v.object({ code: v.number(), message: opt(v.string()), details: opt(v.array(v.unknown())) });

/**
 * Fireworks' control plane answers errors with a grpc Status `{code: 5, message, details}`; the `openai` SDK reads
 * `{error: {message, code}}`. Rewrites the first into the second (anything else passes unchanged), so the SDK's error
 * (and Socratune's explanation of it) carries Fireworks' message and code name.
 */
export function openaiErrorBody(body: unknown): unknown {
  const r = decode(GrpcStatusSchema, body);
  if (!r.ok) return body;
  const name = GRPC_NAMES[r.value.code] ?? `grpc-${r.value.code}`;
  return { error: { message: r.value.message || name.toLowerCase().replace(/_/g, ' '), code: name, type: 'fireworks_error', param: null } };
}

/** Last path segment of a resource name (`accounts/a/supervisedFineTuningJobs/x` → `x`). */
export const lastSegment = (name: string): string => name.slice(name.lastIndexOf('/') + 1);

/** Fireworks job states → Socratune's (unknown values count as running, as Fireworks adds states over time). */
export function fireworksStatus(state: string | undefined): JobStatus {
  switch (state) {
    case 'JOB_STATE_CREATING':
    case 'JOB_STATE_VALIDATING':
    case 'JOB_STATE_CREATING_INPUT_DATASET':
      return 'validating';
    case 'JOB_STATE_PENDING':
    case 'JOB_STATE_RE_QUEUEING':
    case 'JOB_STATE_IDLE':
      return 'queued';
    case 'JOB_STATE_PAUSED':
      return 'paused';
    case 'JOB_STATE_CANCELLING':
      return 'cancelling';
    case 'JOB_STATE_COMPLETED':
    case 'JOB_STATE_EARLY_STOPPED':
      return 'succeeded';
    case 'JOB_STATE_FAILED':
    case 'JOB_STATE_EXPIRED':
      return 'failed';
    case 'JOB_STATE_CANCELLED':
    case 'JOB_STATE_DELETING':
    case 'JOB_STATE_DELETING_CLEANING_UP':
      return 'cancelled';
    case undefined:
    case 'JOB_STATE_UNSPECIFIED':
      return 'unknown';
    default:
      return 'running';
  }
}

const ms = (s: string | undefined): number | undefined => {
  const t = s ? Date.parse(s) : NaN;
  return Number.isFinite(t) ? t : undefined;
};

/** `accounts/<acct>/models/<id>` for a job's output model, whether Fireworks echoes the short ID or the full name. */
export function outputModelName(account: string, job: FwJob): string {
  const out = job.outputModel || lastSegment(job.name);
  return out.includes('/') ? out : `accounts/${account}/models/${out}`;
}

export function normalizeFireworksJob(account: string, j: FwJob): FineTuneJob {
  const status = fireworksStatus(j.state);
  const hp: Hyperparameters = {
    nEpochs: j.epochs,
    learningRate: j.learningRate,
    loraRank: j.loraRank,
    maxContextLength: j.maxContextLength,
    batchSize: j.batchSize ?? 'auto',
  };
  const message = j.status?.message;
  return {
    id: lastSegment(j.name),
    backend: 'fireworks',
    status,
    rawStatus: j.state ?? '',
    baseModel: j.baseModel ?? j.warmStartFrom ?? '',
    createdAt: ms(j.createTime) ?? 0,
    finishedAt: status === 'succeeded' || status === 'failed' || status === 'cancelled' ? (ms(j.completedTime) ?? ms(j.updateTime)) : undefined,
    fineTunedModel: status === 'succeeded' ? outputModelName(account, j) : undefined,
    trainingFile: j.dataset ?? '',
    validationFile: j.evaluationDataset,
    resultFiles: [],
    method: 'supervised',
    hyperparameters: Object.fromEntries(Object.entries(hp).filter(([, x]) => x !== undefined)) as Hyperparameters,
    suffix: j.displayName,
    metadata: {},
    error:
      status === 'failed'
        ? { code: j.status?.code ?? j.state, message: message || `The job ended in ${j.state ?? 'failure'} on Fireworks (no message given).` }
        : undefined,
    raw: j,
  };
}

/**
 * What the job object says about progress, as events (Fireworks has no events list for supervised jobs): when it
 * was created, where it is now (`jobProgress.percent`, epoch) and how it ended. Newest first.
 */
export function fireworksEvents(j: FwJob): JobEvent[] {
  const id = lastSegment(j.name);
  const out: JobEvent[] = [
    { id: `${id}-created`, createdAt: ms(j.createTime) ?? 0, level: 'info', message: `Created on Fireworks (${j.baseModel ?? ''})`, raw: j },
  ];
  const p = j.jobProgress;
  if (p && (p.percent !== undefined || p.epoch !== undefined))
    out.push({
      id: `${id}-progress`,
      createdAt: ms(j.updateTime) ?? 0,
      level: 'info',
      message: `${j.state ?? 'JOB_STATE_RUNNING'}: ${p.percent ?? 0}% done (epoch ${p.epoch ?? 0})`,
      type: 'progress',
      raw: p,
    });
  const s = fireworksStatus(j.state);
  if (s === 'succeeded' || s === 'failed' || s === 'cancelled')
    out.push({
      id: `${id}-end`,
      createdAt: ms(j.completedTime) ?? ms(j.updateTime) ?? 0,
      level: s === 'failed' ? 'error' : 'info',
      message: j.status?.message || `${j.state ?? ''}`,
      raw: j.status ?? {},
    });
  return out.reverse();
}

/** Fireworks resource IDs: lowercase letters, digits and "-", starting with a letter, at most 63 characters. */
export const FIREWORKS_ID = /^[a-z][a-z0-9-]{0,62}$/;
/** Room left for "-<6 random>" after the suffix in an output model ID. */
const SUFFIX_MAX = 56;

const rule = (name: keyof Hyperparameters, label: string, min: number, max: number, integer: boolean, hint: string, minExclusive = false) => ({
  name,
  label,
  min,
  max,
  integer,
  hint,
  minExclusive,
  methods: ['supervised'] as const,
});

/** Fireworks' supervised fine-tuning (LoRA) hyperparameters, named as in `POST …/supervisedFineTuningJobs`. */
export const FIREWORKS_RULES: LaunchRules = {
  hyperparameters: [
    rule('nEpochs', 'Epochs (epochs)', 1, 100, true, 'auto (Fireworks: 1), or a whole number from 1 to 100'),
    rule('learningRate', 'Learning rate (learningRate, absolute)', 0, 1, false, 'auto (Fireworks: 0.0001), or an absolute rate above 0 and at most 1', true),
    rule('loraRank', 'LoRA rank (loraRank)', 1, 64, true, 'auto (Fireworks: 8), or a whole number up to 64 (4, 8, 16, 32, 64 are usual)'),
    rule('maxContextLength', 'Max context length (maxContextLength)', 512, 262_144, true, 'auto (the model’s default), or tokens per example from 512'),
    rule('batchSize', 'Batch size (batchSize, tokens)', 1, 1_048_576, true, 'auto (Fireworks picks), or tokens per batch'),
  ],
  suffix: {
    maxLength: SUFFIX_MAX,
    pattern: /^[a-z][a-z0-9-]*$/,
    characters: 'lowercase letters, digits and "-", starting with a letter',
    modelIdShape: 'accounts/<account>/models/<suffix>-<id>',
  },
  minExamples: 3,
  maxExamples: 3_000_000,
  choices: [],
  cost: {
    kind: 'none',
    message:
      'Fireworks bills supervised fine-tuning per training token, at prices it does not publish through its API, so Socratune cannot estimate the cost; ' +
      'see fireworks.ai/pricing. Chatting with the result needs a deployment, billed per GPU-hour while it runs (unless its base serves LoRA serverless).',
  },
};

const num = (x: unknown): number | undefined => (typeof x === 'number' ? x : undefined);

/** `POST /v1/accounts/<acct>/supervisedFineTuningJobs` body. `outputId` = the output model's short ID (from the suffix). */
export function fireworksCreateBody(spec: JobCreateSpec, outputId: string | undefined): Record<string, unknown> {
  const h = spec.hyperparameters;
  const body: Record<string, unknown> = { dataset: spec.trainingFileId, baseModel: spec.baseModel };
  if (outputId) body.outputModel = outputId;
  if (spec.suffix) body.displayName = spec.suffix;
  const set = (k: string, x: unknown) => {
    const n = num(x);
    if (n !== undefined) body[k] = n;
  };
  set('epochs', h.nEpochs);
  set('learningRate', h.learningRate);
  set('loraRank', h.loraRank);
  set('maxContextLength', h.maxContextLength);
  set('batchSize', h.batchSize);
  if (spec.validationFileId) body.evaluationDataset = spec.validationFileId;
  return body;
}

/** The fetch the `openai` client uses for Fireworks: error bodies rewritten by `openaiErrorBody`, everything else as sent. */
export function fireworksFetch(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const res = await inner(input, init);
    if (res.ok || !(res.headers.get('content-type') ?? '').includes('json')) return res;
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const headers = new Headers(res.headers);
    headers.delete('content-length');
    const out = body === undefined ? text : JSON.stringify(openaiErrorBody(body));
    return new Response(out, { status: res.status, statusText: res.statusText, headers });
  };
}
