/**
 * The emulator's Fireworks AI flavor (`--flavor fireworks`): account-scoped control-plane paths
 * `/v1/accounts/<account>/…` with Fireworks' camelCase shapes (datasets create + `:upload` + get,
 * `supervisedFineTuningJobs` create/get/list/`:cancel`/delete, models get) over the emulator's shared job life cycle
 * (./lifecycle). Deployments and the inference API live in ./fireworksServing. The account is the emulator's `org`
 * (default `emulator`); Fireworks' own bases live under `accounts/fireworks/models/…`. Shapes follow
 * /work/shared/reference/fireworks-rest-shapes.json; the unit tests check every response against it.
 * Job states: JOB_STATE_VALIDATING → PENDING → RUNNING → WRITING_RESULTS → COMPLETED (or FAILED / CANCELLED).
 */
import type { RequestContext, Route } from './context';
import { checkDataset } from './dataset';
import { addFile } from './files';
import { FIREWORKS_ID, fireworksBase, type FireworksBase } from './fireworksCatalog';
import { fwError } from './fireworksErrors';
import { deploymentRoutes, modelRefs } from './fireworksServing';
import { readJsonObject } from './http';
import { newJobRecord } from './jobs';
import { control, materialize, shape, syncJobs } from './lifecycle';
import { readMultipart } from './multipart';
import { isObject, type JsonObject } from './params';
import type { FireworksDataset, JobRecord } from './state';
import type { Emulator } from './context';

const iso = (ms: number) => new Date(ms).toISOString();
const OK = { code: 'OK', message: '' } as const;

/** `^/accounts/([^/:]+)/<rest>/?$` with `:id` captures that stop at "/" and ":" (custom verbs follow a colon). */
function fwRoute(method: string, template: string, handler: (ctx: RequestContext) => unknown): Route {
  const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[a-z]+\}/g, '([^/:]+)');
  return { method, pattern: new RegExp(`^/accounts/([^/:]+)${source}/?$`), handler };
}

/** The account in the path must be the emulator's own (Fireworks answers PERMISSION_DENIED for someone else's). */
export function account(ctx: RequestContext, allowFireworks = false): string {
  const acct = ctx.params[0];
  if (acct === ctx.emu.config.org || (allowFireworks && acct === 'fireworks')) return acct;
  throw fwError(403, `permission denied: this API key cannot access account "${acct}"`);
}

function checkId(id: string, what: string): string {
  if (!FIREWORKS_ID.test(id))
    throw fwError(400, `invalid ${what} "${id}": IDs use lowercase letters, digits and "-", start with a letter and have at most 63 characters`);
  return id;
}

function rejectUnknown(body: JsonObject, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(body)) if (!allowed.includes(k)) throw fwError(400, `invalid JSON in ${where}: unknown field "${k}"`);
}

function int(body: JsonObject, key: string, min: number, max: number): number | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw fwError(400, `invalid ${key}: expected a whole number from ${min} to ${max}`);
  return n;
}

function str(body: JsonObject, key: string): string | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw fwError(400, `invalid ${key}: expected a string`);
  return v;
}

// ---------- datasets ----------

function datasetShape(ctx: RequestContext, d: FireworksDataset) {
  return {
    name: `accounts/${ctx.emu.config.org}/datasets/${d.id}`,
    displayName: d.displayName,
    createTime: iso(d.createMs),
    updateTime: iso(d.updateMs),
    state: d.fileId ? 'READY' : 'UPLOADING',
    status: OK,
    format: d.format,
    userUploaded: {},
    ...(d.exampleCount !== undefined ? { exampleCount: String(d.exampleCount), estimatedTokenCount: String(d.tokens ?? 0) } : {}),
  };
}

function getDataset(ctx: RequestContext, id: string): FireworksDataset {
  const d = ctx.emu.state.fireworks.datasets.get(id);
  if (!d) throw fwError(404, `dataset "accounts/${ctx.emu.config.org}/datasets/${id}" not found`);
  return d;
}

async function createDataset(ctx: RequestContext) {
  account(ctx);
  const body = await readJsonObject(ctx.req, ctx.emu.config.maxJsonBytes);
  rejectUnknown(body, ['datasetId', 'dataset', 'sourceDatasetId', 'filter'], 'CreateDatasetRequest');
  const id = checkId(str(body, 'datasetId') ?? '', 'datasetId');
  const spec = isObject(body.dataset) ? body.dataset : {};
  const store = ctx.emu.state.fireworks.datasets;
  if (store.has(id)) throw fwError(409, `dataset "accounts/${ctx.emu.config.org}/datasets/${id}" already exists`);
  const displayName = str(spec, 'displayName') ?? id;
  if (displayName.length > 64) throw fwError(400, 'invalid displayName: at most 64 characters');
  const format = str(spec, 'format') ?? 'CHAT';
  if (!['FORMAT_UNSPECIFIED', 'CHAT', 'COMPLETION', 'RL'].includes(format)) throw fwError(400, `invalid format "${format}"`);
  const now = ctx.emu.clock.now();
  const d: FireworksDataset = { id, displayName, createMs: now, updateMs: now, format };
  store.set(id, d);
  ctx.emu.changed();
  return datasetShape(ctx, d);
}

async function uploadDataset(ctx: RequestContext) {
  account(ctx);
  const d = getDataset(ctx, ctx.params[1]);
  const body = await readMultipart(ctx.req, 150 * 1024 * 1024, () => 'file too large for :upload (at most 150 MB); use :getUploadEndpoint');
  const file = body.files.find((f) => f.field === 'file');
  if (!file) throw fwError(400, 'missing multipart field "file"');
  if (d.fileId) throw fwError(409, `dataset "${d.id}" already has its file`);
  const check = checkDataset(file.content, { method: 'supervised', tokenLimit: 262_144, model: 'fireworks', which: 'training_file', minExamples: 1 });
  if (!check.ok) throw fwError(400, `invalid dataset file: ${check.error?.message ?? 'not chat JSONL'}`);
  const meta = addFile(ctx.emu, file.filename || `${d.id}.jsonl`, 'fine-tune', file.content);
  Object.assign(d, { fileId: meta.id, exampleCount: check.examples, tokens: check.tokens, updateMs: ctx.emu.clock.now() });
  ctx.emu.changed();
  return { id: d.id, object: 'file', bytes: meta.bytes, created_at: meta.created_at, filename: meta.filename, purpose: 'fine-tune' };
}

function deleteDataset(ctx: RequestContext) {
  account(ctx);
  const d = getDataset(ctx, ctx.params[1]);
  ctx.emu.state.fireworks.datasets.delete(d.id);
  if (d.fileId) ctx.emu.state.files.delete(d.fileId);
  ctx.emu.changed();
  return {};
}

// ---------- supervised fine-tuning jobs ----------

const JOB_KEYS = [
  'dataset',
  'baseModel',
  'warmStartFrom',
  'outputModel',
  'displayName',
  'epochs',
  'learningRate',
  'loraRank',
  'maxContextLength',
  'batchSize',
  'batchSizeSamples',
  'gradientAccumulationSteps',
  'learningRateWarmupSteps',
  'optimizerWeightDecay',
  'evaluationDataset',
  'evalAutoCarveout',
  'earlyStop',
  'isTurbo',
  'jinjaTemplate',
  'region',
  'wandbConfig',
];

interface FwJobData {
  account: string;
  displayName: string;
  dataset: string;
  outputModel: string;
  epochs: number;
  learningRate: number;
  loraRank: number;
  maxContextLength: number;
  batchSize?: number;
}

function tunableBase(name: string | undefined): FireworksBase {
  if (!name) throw fwError(400, 'baseModel is required (warmStartFrom is not emulated)');
  const base = fireworksBase(name);
  if (!base) throw fwError(404, `model "${name}" not found`);
  if (!base.tunable) throw fwError(400, `model "${name}" does not support supervised fine-tuning for this account`);
  return base;
}

function datasetFor(ctx: RequestContext, ref: string | undefined): FireworksDataset {
  if (!ref) throw fwError(400, 'dataset is required');
  const prefix = `accounts/${ctx.emu.config.org}/datasets/`;
  const id = ref.startsWith(prefix) ? ref.slice(prefix.length) : ref.includes('/') ? '' : ref;
  const d = id ? ctx.emu.state.fireworks.datasets.get(id) : undefined;
  if (!d) throw fwError(404, `dataset "${ref}" not found`);
  if (!d.fileId) throw fwError(412, `dataset "${ref}" is not READY (upload its file first)`);
  return d;
}

function readJob(ctx: RequestContext, body: JsonObject, jobId: string): { data: FwJobData; base: FireworksBase; dataset: FireworksDataset } {
  rejectUnknown(body, JOB_KEYS, 'SupervisedFineTuningJob');
  const base = tunableBase(str(body, 'baseModel'));
  const dataset = datasetFor(ctx, str(body, 'dataset'));
  const output = checkId(str(body, 'outputModel') ?? jobId, 'outputModel');
  const acct = ctx.emu.config.org;
  if (
    ctx.emu.state.models.has(`accounts/${acct}/models/${output}`) ||
    [...ctx.emu.state.jobs.values()].some((r) => r.plannedModel.endsWith(`/models/${output}`))
  )
    throw fwError(409, `model "accounts/${acct}/models/${output}" already exists`);
  const displayName = str(body, 'displayName') ?? output;
  if (displayName.length > 64) throw fwError(400, `invalid displayName: ${displayName.length} characters, at most 64`);
  const lr = body.learningRate;
  if (lr !== undefined && !(typeof lr === 'number' && lr > 0 && lr <= 1)) throw fwError(400, 'invalid learningRate: expected a number above 0 and at most 1');
  const data: FwJobData = {
    account: acct,
    displayName,
    dataset: `accounts/${acct}/datasets/${dataset.id}`,
    outputModel: `accounts/${acct}/models/${output}`,
    epochs: int(body, 'epochs', 1, 100) ?? 1,
    learningRate: typeof lr === 'number' ? lr : 1e-4,
    loraRank: int(body, 'loraRank', 1, base.maxLoraRank) ?? 8,
    maxContextLength: int(body, 'maxContextLength', 1, base.contextLength) ?? Math.min(8192, base.contextLength),
    batchSize: int(body, 'batchSize', 1, 1 << 20),
  };
  return { data, base, dataset };
}

async function createJob(ctx: RequestContext) {
  account(ctx);
  const { emu } = ctx;
  const body = await readJsonObject(ctx.req, emu.config.maxJsonBytes);
  const given = ctx.query.get('supervisedFineTuningJobId');
  const id = given
    ? checkId(given, 'supervisedFineTuningJobId')
    : emu.state.ids
        .next('sftj-', 12)
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '0');
  if (emu.state.jobs.has(id)) throw fwError(409, `supervisedFineTuningJob "${id}" already exists`);
  const { data, base, dataset } = readJob(ctx, body, id);
  const file = emu.state.files.get(dataset.fileId ?? '');
  if (!file) throw fwError(412, `dataset "${data.dataset}" has no content`);
  const rec = newJobRecord(ctx, {
    id,
    model: base.name,
    base: base.name,
    limit: data.maxContextLength,
    method: { type: 'supervised', hyper: { n_epochs: data.epochs } },
    training: file,
    trainingId: data.dataset,
    plannedModel: () => data.outputModel,
    minExamples: 3,
    flavorData: { ...data },
  });
  return jobShape(emu, rec);
}

function jobState(rec: JobRecord): string {
  switch (rec.job.status) {
    case 'validating_files':
      return 'JOB_STATE_VALIDATING';
    case 'queued':
      return 'JOB_STATE_PENDING';
    case 'succeeded':
      return 'JOB_STATE_COMPLETED';
    case 'failed':
      return 'JOB_STATE_FAILED';
    case 'cancelled':
      return 'JOB_STATE_CANCELLED';
    case 'running':
    case 'paused':
      return rec.events.some((e) => e.message.startsWith('New fine-tuned model created')) ? 'JOB_STATE_WRITING_RESULTS' : 'JOB_STATE_RUNNING';
  }
}

function progress(rec: JobRecord): { percent: number; epoch: number } {
  const sh = shape(rec);
  const last = [...rec.events].reverse().find((e) => e.type === 'metrics');
  const stepDone = rec.job.status === 'succeeded' ? sh.totalSteps : Number((last?.data as { step?: unknown } | undefined)?.step ?? 0);
  return { percent: Math.min(100, Math.round((stepDone / sh.totalSteps) * 100)), epoch: Math.floor(stepDone / sh.stepsPerEpoch) };
}

function jobShape(emu: Emulator, rec: JobRecord) {
  const d = rec.flavorData as unknown as FwJobData;
  const last = rec.events[rec.events.length - 1];
  const failed = rec.job.status === 'failed';
  const err = rec.job.error;
  return {
    name: `accounts/${d.account}/supervisedFineTuningJobs/${rec.job.id}`,
    displayName: d.displayName,
    dataset: d.dataset,
    baseModel: rec.job.model,
    outputModel: d.outputModel,
    epochs: d.epochs,
    learningRate: d.learningRate,
    loraRank: d.loraRank,
    maxContextLength: d.maxContextLength,
    ...(d.batchSize !== undefined ? { batchSize: d.batchSize } : {}),
    state: jobState(rec),
    status: failed ? { code: err?.code === 'invalid_training_file' ? 'INVALID_ARGUMENT' : 'INTERNAL', message: err?.message ?? 'training failed' } : OK,
    createTime: iso(rec.createdMs),
    updateTime: last ? new Date(last.created_at * 1000).toISOString() : iso(rec.createdMs),
    ...(rec.job.finished_at ? { completedTime: new Date(rec.job.finished_at * 1000).toISOString() } : {}),
    createdBy: `demo@${emu.config.org}.emulator.invalid`,
    jobProgress: progress(rec),
  };
}

function getJobRec(ctx: RequestContext): JobRecord {
  account(ctx);
  const rec = ctx.emu.state.jobs.get(ctx.params[1]);
  if (!rec) throw fwError(404, `supervisedFineTuningJob "accounts/${ctx.params[0]}/supervisedFineTuningJobs/${ctx.params[1]}" not found`);
  materialize(ctx.emu, rec);
  return rec;
}

function listJobs(ctx: RequestContext) {
  account(ctx);
  syncJobs(ctx.emu);
  const size = Math.min(200, Math.max(1, Number(ctx.query.get('pageSize') ?? 50) || 50));
  const all = [...ctx.emu.state.jobs.values()].sort((a, b) => b.createdMs - a.createdMs || b.seq - a.seq);
  const start = Number(ctx.query.get('pageToken') ?? 0) || 0;
  const page = all.slice(start, start + size);
  const next = start + size < all.length ? String(start + size) : '';
  return { supervisedFineTuningJobs: page.map((r) => jobShape(ctx.emu, r)), nextPageToken: next, totalSize: all.length };
}

function cancelJob(ctx: RequestContext) {
  const rec = getJobRec(ctx);
  const problem = control(ctx.emu, rec, 'cancel');
  if (problem) throw fwError(412, `failed precondition: ${problem}`);
  return {};
}

function deleteJob(ctx: RequestContext) {
  const rec = getJobRec(ctx);
  if (!['succeeded', 'failed', 'cancelled'].includes(rec.job.status)) control(ctx.emu, rec, 'cancel');
  ctx.emu.state.jobs.delete(rec.job.id);
  ctx.emu.changed();
  return {};
}

// ---------- models ----------

function getModel(ctx: RequestContext) {
  const acct = account(ctx, true);
  const name = `accounts/${acct}/models/${ctx.params[1]}`;
  const base = fireworksBase(name);
  if (base)
    return {
      name,
      state: 'READY',
      status: OK,
      kind: 'HF_BASE_MODEL',
      supportsLora: base.tunable,
      supportsServerless: true,
      contextLength: base.contextLength,
      deployedModelRefs: [],
    };
  syncJobs(ctx.emu);
  const m = ctx.emu.state.models.get(name);
  if (!m || m.deleted) throw fwError(404, `model "${name}" not found`);
  const rec = ctx.emu.state.jobs.get(m.jobId);
  const d = rec?.flavorData as unknown as FwJobData | undefined;
  const b = fireworksBase(m.base);
  return {
    name,
    state: 'READY',
    status: OK,
    kind: 'HF_PEFT_ADDON',
    peftDetails: { baseModel: m.base, r: d?.loraRank ?? 8, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] },
    deployedModelRefs: modelRefs(ctx, name),
    fineTuningJob: `accounts/${acct}/supervisedFineTuningJobs/${m.jobId}`,
    supportsLora: false,
    supportsServerless: b?.serverlessLora ?? false,
    contextLength: d?.maxContextLength ?? b?.contextLength ?? 8192,
  };
}

export const fireworksRoutes: Route[] = [
  fwRoute('POST', '/datasets', createDataset),
  fwRoute('POST', '/datasets/{id}:upload', uploadDataset),
  fwRoute('GET', '/datasets/{id}', (ctx) => (account(ctx), datasetShape(ctx, getDataset(ctx, ctx.params[1])))),
  fwRoute('DELETE', '/datasets/{id}', deleteDataset),
  fwRoute('POST', '/supervisedFineTuningJobs', createJob),
  fwRoute('GET', '/supervisedFineTuningJobs', listJobs),
  fwRoute('GET', '/supervisedFineTuningJobs/{id}', (ctx) => jobShape(ctx.emu, getJobRec(ctx))),
  fwRoute('POST', '/supervisedFineTuningJobs/{id}:cancel', cancelJob),
  fwRoute('DELETE', '/supervisedFineTuningJobs/{id}', deleteJob),
  fwRoute('GET', '/models/{id}', getModel),
  ...deploymentRoutes(fwRoute),
];
