import type OpenAI from 'openai';
import { baseModel, ftBase } from './catalog';
import type { Emulator, RequestContext, Route } from './context';
import { route } from './context';
import { checkDataset, type DatasetCheck } from './dataset';
import { invalidRequest, notFound } from './errors';
import { readJsonObject } from './http';
import { addEvent, control, materialize, type ControlAction } from './lifecycle';
import { cursorPage, type CursorPageBody } from './pagination';
import { autoOrNumber, isObject, oneOf, optArray, optInteger, optObject, optString, rejectUnknown, requireString, type JsonObject } from './params';
import { hashId } from './random';
import { readAzureCreate } from './azure';
import { nebiusHyperparameters, readNebiusMethod } from './nebius';
import { nextSeq, type EmulatedJob, type Hyper, type JobRecord } from './state';

const CREATE_KEYS = ['model', 'training_file', 'hyperparameters', 'suffix', 'validation_file', 'integrations', 'seed', 'method', 'metadata'];

function getJob(ctx: RequestContext): JobRecord {
  const rec = ctx.emu.state.jobs.get(ctx.params[0]);
  if (!rec) throw notFound(`Could not find fine-tuning job: ${ctx.params[0]}`, 'fine_tuning_job_id', 'fine_tuning_job_not_found');
  materialize(ctx.emu, rec);
  return rec;
}

/** Reads `batch_size`, `learning_rate_multiplier`, `n_epochs` (and `beta` for DPO) with OpenAI's ranges. */
function readHyper(obj: JsonObject | undefined, path: string, dpo: boolean): Hyper {
  if (!obj) return {};
  rejectUnknown(obj, dpo ? ['batch_size', 'learning_rate_multiplier', 'n_epochs', 'beta'] : ['batch_size', 'learning_rate_multiplier', 'n_epochs']);
  const out: Hyper = {
    batch_size: autoOrNumber(obj, 'batch_size', `${path}.batch_size`, 1, 256, true),
    learning_rate_multiplier: autoOrNumber(obj, 'learning_rate_multiplier', `${path}.learning_rate_multiplier`, 0, 10, false, true),
    n_epochs: autoOrNumber(obj, 'n_epochs', `${path}.n_epochs`, 1, 50, true),
  };
  if (dpo) out.beta = autoOrNumber(obj, 'beta', `${path}.beta`, 0, 2, false, true);
  return out;
}

function readMethod(body: JsonObject): { type: 'supervised' | 'dpo'; hyper: Hyper } {
  const topLevel = readHyper(optObject(body, 'hyperparameters'), 'hyperparameters', false);
  const method = optObject(body, 'method');
  if (!method) return { type: 'supervised', hyper: topLevel };
  const type = oneOf('method.type', requireString(method, 'type', 'method.type'), ['supervised', 'dpo', 'reinforcement'] as const);
  if (type === 'reinforcement') {
    throw invalidRequest(
      'Reinforcement fine-tuning needs a reasoning model (o4-mini-2025-04-16), which the emulator does not serve.',
      'method.type',
      'invalid_value',
    );
  }
  const inner = optObject(method, type, `method.${type}`);
  const hyper = readHyper(
    inner ? optObject(inner, 'hyperparameters', `method.${type}.hyperparameters`) : undefined,
    `method.${type}.hyperparameters`,
    type === 'dpo',
  );
  const merged: Hyper = { ...topLevel };
  for (const [k, v] of Object.entries(hyper) as [keyof Hyper, Hyper[keyof Hyper]][]) if (v !== undefined) merged[k] = v;
  return { type, hyper: merged };
}

function readMetadata(body: JsonObject): Record<string, string> | null {
  const md = optObject(body, 'metadata');
  if (!md) return null;
  const entries = Object.entries(md);
  if (entries.length > 16)
    throw invalidRequest(`Invalid 'metadata': too many properties. Expected at most 16, but got ${entries.length}.`, 'metadata', 'object_above_max_properties');
  for (const [k, v] of entries) {
    if (k.length > 64) throw invalidRequest(`Invalid 'metadata': key '${k.slice(0, 20)}…' is longer than 64 characters.`, 'metadata', 'invalid_value');
    if (typeof v !== 'string') throw invalidRequest(`Invalid type for 'metadata.${k}': expected a string.`, `metadata.${k}`, 'invalid_type');
    if (v.length > 512)
      throw invalidRequest(`Invalid 'metadata.${k}': string too long. Expected at most 512 characters.`, `metadata.${k}`, 'string_above_max_length');
  }
  return md as Record<string, string>;
}

function readIntegrations(body: JsonObject): EmulatedJob['integrations'] {
  const list = optArray(body, 'integrations');
  if (!list) return null;
  if (list.length > 5) throw invalidRequest("Invalid 'integrations': at most 5 integrations are allowed.", 'integrations', 'array_above_max_length');
  return list.map((item, i) => {
    if (!isObject(item) || item.type !== 'wandb' || !isObject(item.wandb) || typeof item.wandb.project !== 'string') {
      throw invalidRequest(`Invalid 'integrations[${i}]': expected {type: 'wandb', wandb: {project}}.`, `integrations[${i}]`, 'invalid_value');
    }
    const w = item.wandb;
    return {
      type: 'wandb' as const,
      wandb: {
        project: w.project as string,
        name: typeof w.name === 'string' ? w.name : null,
        entity: typeof w.entity === 'string' ? w.entity : null,
        tags: Array.isArray(w.tags) ? w.tags.filter((t): t is string => typeof t === 'string') : [],
      },
    };
  });
}

export function fileFor(emu: Emulator, id: string, param: 'training_file' | 'validation_file') {
  const f = emu.state.files.get(id);
  if (!f) throw invalidRequest(`invalid ${param}: ${id}`, param, 'file_not_found');
  if (f.meta.purpose !== 'fine-tune') {
    throw invalidRequest(
      `File ${id} has purpose '${f.meta.purpose}', but fine-tuning needs a file uploaded with purpose 'fine-tune'.`,
      param,
      'invalid_file_purpose',
    );
  }
  return f;
}

/** Model to train: a fine-tunable base (alias → snapshot) or one of this org's fine-tuned models. */
function resolveModel(emu: Emulator, id: string, dpo: boolean): { model: string; base: string; limit: number } {
  const own = emu.state.models.get(id);
  const base = baseModel(own && !own.deleted ? (ftBase(id) ?? '') : id);
  if (!base || (own?.deleted ?? false)) {
    throw invalidRequest(`Model ${id} is not available for fine-tuning or does not exist.`, 'model', 'model_not_available');
  }
  if (dpo && !base.dpo) throw invalidRequest(`Model ${id} does not support DPO fine-tuning.`, 'model', 'model_not_available');
  return { model: own ? id : base.snapshot, base: base.snapshot, limit: base.trainingLimit };
}

async function create(ctx: RequestContext): Promise<EmulatedJob> {
  const { emu } = ctx;
  const body = await readJsonObject(ctx.req, emu.config.maxJsonBytes);
  const azure = emu.config.flavor === 'azure' ? readAzureCreate(body) : undefined;
  rejectUnknown(body, CREATE_KEYS);
  const modelId = requireString(body, 'model');
  const trainingId = requireString(body, 'training_file');
  const nebius = emu.config.flavor === 'nebius' ? readNebiusMethod(body) : undefined;
  const method = nebius ?? readMethod(body);
  const { model, base, limit } = resolveModel(emu, modelId, method.type === 'dpo');
  const validationId = optString(body, 'validation_file');
  const suffix = optString(body, 'suffix');
  if (suffix !== undefined) {
    if (suffix.length < 1 || suffix.length > 64)
      throw invalidRequest(`Invalid 'suffix': expected a string of 1 to 64 characters, got ${suffix.length}.`, 'suffix', 'invalid_value');
    if (/[\s:/]/.test(suffix)) throw invalidRequest("Invalid 'suffix': it may not contain whitespace, ':' or '/'.", 'suffix', 'invalid_value');
  }
  const seedParam = optInteger(body, 'seed', 0, 2_147_483_647);
  const metadata = readMetadata(body);
  const integrations = readIntegrations(body);
  const training = fileFor(emu, trainingId, 'training_file');
  const validation = validationId ? fileFor(emu, validationId, 'validation_file') : undefined;

  const rec = newJobRecord(ctx, {
    id: emu.state.ids.next('ftjob-', 24),
    model,
    base,
    limit,
    method,
    training,
    trainingId,
    validation,
    validationId,
    suffix,
    seed: seedParam,
    metadata,
    integrations,
    plannedModel: (id) => `ft:${base}:${emu.config.org}:${suffix ?? ''}:${hashId(8, emu.config.seed, id, 'model')}`,
    ...(nebius ? { flavorData: { hyperparameters: nebius.nebius } } : {}),
    ...(azure ? { flavorData: { azure: true, ...azure } } : {}),
  });
  // Azure echoes the training type on the job.
  if (azure?.trainingType !== undefined) Object.assign(rec.job, { trainingType: azure.trainingType });
  return rec.job;
}

/** What a flavor's create handler has parsed; `newJobRecord` runs it through the shared job life cycle. */
export interface NewJob {
  readonly id: string;
  readonly model: string;
  readonly base: string;
  /** Max tokens per training example. */
  readonly limit: number;
  readonly method: { type: 'supervised' | 'dpo'; hyper: Hyper };
  readonly training: { content: Buffer };
  readonly trainingId: string;
  readonly validation?: { content: Buffer };
  readonly validationId?: string;
  readonly suffix?: string;
  readonly seed?: number;
  readonly metadata?: Record<string, string> | null;
  readonly integrations?: EmulatedJob['integrations'];
  readonly plannedModel: (id: string) => string;
  readonly minExamples?: number;
  readonly flavorData?: Record<string, unknown>;
}

export function newJobRecord(ctx: RequestContext, p: NewJob): JobRecord {
  const { emu } = ctx;
  const { id, model, base, limit, method, training, trainingId, validation, validationId, suffix, seedParam } = { ...p, seedParam: p.seed };
  const check = (content: Buffer, which: 'training_file' | 'validation_file'): DatasetCheck =>
    checkDataset(content, { method: method.type, tokenLimit: limit, model: base, which, minExamples: which === 'training_file' ? (p.minExamples ?? 10) : 1 });
  const train = check(training.content, 'training_file');
  const valid = train.ok && validation ? check(validation.content, 'validation_file') : undefined;

  const nowMs = emu.clock.now();
  const autoHp = {
    batch_size: method.hyper.batch_size ?? 'auto',
    learning_rate_multiplier: method.hyper.learning_rate_multiplier ?? 'auto',
    n_epochs: method.hyper.n_epochs ?? 'auto',
  } as const;
  const nebius = nebiusHyperparameters(p.flavorData, autoHp);
  const hpShown = (nebius ?? autoHp) as typeof autoHp;
  const job: EmulatedJob = {
    id,
    object: 'fine_tuning.job',
    created_at: emu.clock.seconds(nowMs),
    error: null,
    fine_tuned_model: null,
    finished_at: null,
    hyperparameters: hpShown,
    model,
    organization_id: emu.config.organizationId,
    result_files: [],
    seed: seedParam ?? emu.state.ids.nextInt('job-seed'),
    status: 'validating_files',
    trained_tokens: null,
    training_file: trainingId,
    validation_file: validationId ?? null,
    estimated_finish: null,
    integrations: p.integrations ?? null,
    metadata: p.metadata ?? null,
    method:
      method.type === 'dpo'
        ? { type: 'dpo', dpo: { hyperparameters: { ...autoHp, beta: method.hyper.beta ?? 'auto' } } }
        : { type: 'supervised', supervised: { hyperparameters: hpShown } },
    user_provided_suffix: suffix ?? null,
  };
  const fault = ctx.faults.jobFail;
  const rec: JobRecord = {
    seq: nextSeq(emu.state),
    job,
    createdMs: nowMs,
    methodType: method.type,
    requested: method.hyper,
    validationError: train.error ?? valid?.error ?? null,
    nTrain: train.examples,
    nValid: valid?.examples ?? 0,
    tokensPerEpoch: train.tokens,
    plannedModel: p.plannedModel(id),
    replies: train.replies,
    failure: fault ? { at: fault.at ?? 'running', step: fault.step, code: fault.code, message: fault.message } : null,
    events: [],
    checkpoints: [],
    csvRows: [],
    cursor: 0,
    pausedTotalMs: 0,
    pausedAtMs: null,
    ...(p.flavorData ? { flavorData: p.flavorData } : {}),
  };
  addEvent(rec, nowMs, `Created fine-tuning job: ${id}`);
  addEvent(rec, nowMs, `Validating training file: ${trainingId}${validationId ? ` and validation file: ${validationId}` : ''}`);
  emu.state.jobs.set(id, rec);
  emu.changed();
  ctx.note({ job: id, ...(fault ? { jobFail: fault.source } : {}) });
  return rec;
}

function list(ctx: RequestContext): CursorPageBody<EmulatedJob> {
  const { emu, query } = ctx;
  const limit = queryIntParam(query, 'limit', 20, 100);
  const filters = [...query.entries()].flatMap(([k, v]) => {
    const m = /^metadata\[(.+)\]$/.exec(k);
    return m ? [[m[1], v] as const] : [];
  });
  const now = emu.clock.now();
  const jobs = [...emu.state.jobs.values()]
    .filter((r) => filters.every(([k, v]) => r.job.metadata?.[k] === v))
    .sort((a, b) => b.job.created_at - a.job.created_at || b.seq - a.seq)
    .map((r) => {
      materialize(emu, r, now);
      return r.job;
    });
  return cursorPage(jobs, query.get('after'), limit);
}

function queryIntParam(query: URLSearchParams, key: string, dflt: number, max: number): number {
  const raw = query.get(key);
  if (raw === null || raw === '') return dflt;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1 || v > max)
    throw invalidRequest(`Invalid '${key}': expected an integer between 1 and ${max}, got '${raw}'.`, key, 'invalid_value');
  return v;
}

function events(ctx: RequestContext): CursorPageBody<OpenAI.FineTuning.FineTuningJobEvent> {
  const rec = getJob(ctx);
  const limit = queryIntParam(ctx.query, 'limit', 20, 1000);
  return cursorPage([...rec.events].reverse(), ctx.query.get('after'), limit);
}

function checkpoints(ctx: RequestContext): CursorPageBody<OpenAI.FineTuning.Jobs.FineTuningJobCheckpoint> {
  const rec = getJob(ctx);
  const limit = queryIntParam(ctx.query, 'limit', 10, 100);
  return cursorPage([...rec.checkpoints].reverse(), ctx.query.get('after'), limit);
}

function act(action: ControlAction) {
  return (ctx: RequestContext): EmulatedJob => {
    const rec = getJob(ctx);
    const problem = control(ctx.emu, rec, action);
    if (problem) throw invalidRequest(problem, null, action === 'cancel' ? 'job_not_cancellable' : `job_not_${action === 'pause' ? 'pausable' : 'resumable'}`);
    return rec.job;
  };
}

export const jobRoutes: Route[] = [
  route('POST', '/fine_tuning/jobs', create),
  route('GET', '/fine_tuning/jobs', list),
  route('GET', '/fine_tuning/jobs/:id', (ctx) => getJob(ctx).job),
  route('GET', '/fine_tuning/jobs/:id/events', events),
  route('GET', '/fine_tuning/jobs/:id/checkpoints', checkpoints),
  route('POST', '/fine_tuning/jobs/:id/cancel', act('cancel')),
  route('POST', '/fine_tuning/jobs/:id/pause', act('pause')),
  route('POST', '/fine_tuning/jobs/:id/resume', act('resume')),
];
