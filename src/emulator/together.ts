/**
 * The emulator's Together AI flavor (`--flavor together`): Together's paths and shapes (`/files/upload`,
 * `/fine-tunes…`, `/models` as a bare array) over the emulator's shared job life cycle (./lifecycle). Shapes follow
 * Together's published OpenAPI description (/work/shared/reference/together-openapi.yaml); the unit tests validate
 * every response against it. Timestamps are ISO strings; statuses pending → queued → running → compressing →
 * uploading → completed (or error / cancelled); events are oldest first.
 */
import { createHash } from 'node:crypto';
import type OpenAI from 'openai';
import type { Emulator, RequestContext, Route } from './context';
import { route } from './context';
import { checkDataset } from './dataset';
import { invalidRequest, notFound } from './errors';
import { addFile, getFile, sizeLimitMessage } from './files';
import { readJsonObject } from './http';
import { fileFor, newJobRecord } from './jobs';
import { control, materialize, syncJobs } from './lifecycle';
import { readMultipart } from './multipart';
import { isObject, optInteger, optNumber, optObject, optString, requireString, type JsonObject } from './params';
import { hashId } from './random';
import type { JobRecord, StoredFile } from './state';
import { TOGETHER_BASES, TOGETHER_LR, togetherBase, type TogetherBase } from './togetherCatalog';
import { limits } from './togetherLimits';

const iso = (ms: number) => new Date(ms).toISOString();
const isoSec = (s: number) => new Date(s * 1000).toISOString();

function fileShape(f: StoredFile) {
  return {
    id: f.meta.id,
    object: 'file' as const,
    created_at: f.meta.created_at,
    filename: f.meta.filename,
    bytes: f.meta.bytes,
    purpose: f.meta.purpose,
    FileType: 'jsonl',
    Processed: true,
  };
}

async function upload(ctx: RequestContext) {
  const { emu } = ctx;
  const body = await readMultipart(ctx.req, emu.config.maxUploadBytes, sizeLimitMessage);
  const purpose = body.fields.get('purpose');
  const name = body.fields.get('file_name');
  const file = body.files.find((f) => f.field === 'file');
  if (!purpose) throw invalidRequest('purpose is required', 'purpose', 'missing_required_parameter');
  if (!name) throw invalidRequest('file_name is required', 'file_name', 'missing_required_parameter');
  if (!file) throw invalidRequest('file is required', 'file', 'missing_required_parameter');
  if (purpose !== 'fine-tune') throw invalidRequest(`Unsupported purpose "${purpose}" for this emulator: use fine-tune.`, 'purpose', 'invalid_value');
  const type = body.fields.get('file_type') ?? 'jsonl';
  if (type !== 'jsonl') throw invalidRequest(`The emulator accepts file_type jsonl only, not "${type}".`, 'file_type', 'invalid_value');
  const meta = addFile(emu, name, 'fine-tune', file.content);
  const stored = emu.state.files.get(meta.id);
  if (!stored) throw new Error('file vanished');
  return fileShape(stored);
}

function listFiles(ctx: RequestContext) {
  return {
    data: [...ctx.emu.state.files.values()].filter((f) => f.meta.purpose === 'fine-tune').map(fileShape),
  };
}

function deleteFile(ctx: RequestContext) {
  const f = getFile(ctx.emu, ctx.params[0]);
  ctx.emu.state.files.delete(f.meta.id);
  ctx.emu.changed();
  return { id: f.meta.id, deleted: true };
}

function fileContent(ctx: RequestContext): undefined {
  const f = getFile(ctx.emu, ctx.params[0]);
  ctx.res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(f.content.length) });
  ctx.res.end(f.content);
  return undefined;
}

interface TogetherRequest {
  readonly n_epochs: number;
  readonly n_checkpoints: number;
  readonly n_evals: number;
  readonly batch_size: number | 'max';
  readonly learning_rate: number;
  readonly warmup_ratio: number;
  readonly suffix?: string;
  readonly training_type: JsonObject;
  readonly training_method: JsonObject;
  readonly random_seed?: number;
}

function baseFor(id: string, dpo: boolean): TogetherBase {
  const base = togetherBase(id);
  if (!base) throw invalidRequest(`Model ${id} is not supported for fine-tuning. See GET /fine-tunes/models/supported.`, 'model', 'model_not_supported', 400);
  if (dpo && !base.dpo) throw invalidRequest(`Model ${id} does not support DPO training.`, 'training_method', 'invalid_value');
  return base;
}

function readTrainingType(body: JsonObject, base: TogetherBase): JsonObject {
  const t = optObject(body, 'training_type');
  if (!t) return { type: 'Lora', lora_r: 8, lora_alpha: 16, lora_dropout: 0, lora_trainable_modules: 'all-linear' };
  if (t.type === 'Full') {
    if (!base.full) throw invalidRequest(`Model ${base.id} does not support full fine-tuning; use LoRA.`, 'training_type.type', 'invalid_value');
    return { type: 'Full' };
  }
  if (t.type !== 'Lora') throw invalidRequest('training_type.type must be "Lora" or "Full".', 'training_type.type', 'invalid_value');
  const r = optInteger(t, 'lora_r', 1, base.maxRank, 'training_type.lora_r');
  const alpha = optInteger(t, 'lora_alpha', 1, 1024, 'training_type.lora_alpha');
  if (r === undefined || alpha === undefined) throw invalidRequest('LoRA training needs lora_r and lora_alpha.', 'training_type', 'missing_required_parameter');
  const dropout = optNumber(t, 'lora_dropout', 0, 1, 'training_type.lora_dropout') ?? 0;
  return { type: 'Lora', lora_r: r, lora_alpha: alpha, lora_dropout: dropout, lora_trainable_modules: optString(t, 'lora_trainable_modules') ?? 'all-linear' };
}

function readRequest(body: JsonObject, base: TogetherBase, nTrain: number): TogetherRequest {
  // Together's schema lets train_on_inputs be "auto" but also types it boolean; the emulator stores a boolean (auto → false).
  const given = optObject(body, 'training_method');
  const method = given ?? { method: 'sft', train_on_inputs: false };
  const batch = body.batch_size;
  if (batch !== undefined && batch !== 'max' && !(typeof batch === 'number' && Number.isInteger(batch) && batch >= base.minBatch && batch <= base.maxBatch))
    throw invalidRequest(`batch_size must be "max" or a whole number from ${base.minBatch} to ${base.maxBatch} for ${base.id}.`, 'batch_size', 'invalid_value');
  const suffix = optString(body, 'suffix');
  if (suffix !== undefined && !/^[A-Za-z0-9_-]{1,40}$/.test(suffix))
    throw invalidRequest('suffix must be 1 to 40 letters, digits, "-" or "_".', 'suffix', 'invalid_value');
  void nTrain;
  return {
    n_epochs: optInteger(body, 'n_epochs', 1, base.maxEpochs) ?? 1,
    n_checkpoints: optInteger(body, 'n_checkpoints', 1, 100) ?? 1,
    n_evals: optInteger(body, 'n_evals', 0, 100) ?? 0,
    batch_size: (batch as number | 'max' | undefined) ?? 'max',
    learning_rate: optNumber(body, 'learning_rate', TOGETHER_LR.min, TOGETHER_LR.max) ?? 1e-5,
    warmup_ratio: optNumber(body, 'warmup_ratio', 0, 1) ?? 0,
    suffix,
    training_type: readTrainingType(body, base),
    training_method:
      method.method === 'dpo'
        ? { method: 'dpo', dpo_beta: typeof method.dpo_beta === 'number' ? method.dpo_beta : 0.1 }
        : { method: 'sft', train_on_inputs: typeof method.train_on_inputs === 'boolean' ? method.train_on_inputs : false },
    random_seed: optInteger(body, 'random_seed', 0, 2_147_483_647),
  };
}

async function create(ctx: RequestContext) {
  const { emu } = ctx;
  const body = await readJsonObject(ctx.req, emu.config.maxJsonBytes);
  const trainingId = requireString(body, 'training_file');
  const modelId = requireString(body, 'model');
  const dpo = isObject(body.training_method) && body.training_method.method === 'dpo';
  const base = baseFor(modelId, dpo);
  const training = fileFor(emu, trainingId, 'training_file');
  const validationId = optString(body, 'validation_file');
  const validation = validationId ? fileFor(emu, validationId, 'validation_file') : undefined;
  const t = readRequest(body, base, 0);
  const n = training.content
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim()).length;
  const batch = t.batch_size === 'max' ? Math.min(base.maxBatch, Math.max(1, n)) : t.batch_size;
  const id = `ft-${uuidish(createHash('sha256').update(`${emu.config.seed}:together-job:${emu.state.jobs.size}`).digest('hex'))}`;
  const short = base.id.split('/').pop() ?? base.id;
  const rec = newJobRecord(ctx, {
    id,
    model: base.id,
    base: base.id,
    limit: base.contextLength,
    method: { type: dpo ? 'dpo' : 'supervised', hyper: { n_epochs: t.n_epochs, batch_size: Math.min(256, batch), learning_rate_multiplier: 1 } },
    training,
    trainingId,
    validation,
    validationId,
    suffix: t.suffix,
    seed: t.random_seed,
    plannedModel: (jobId) => `${emu.config.org}/${short}-${t.suffix ? `${t.suffix}-` : ''}${jobId.slice(3, 11)}`,
    minExamples: 1,
    flavorData: { ...t, batch_size: batch },
  });
  return jobShape(emu, rec, false);
}

function uuidish(hex: string): string {
  const h = hex
    .replace(/[^0-9a-f]/gi, '0')
    .padEnd(32, '0')
    .toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function togetherStatus(rec: JobRecord): string {
  const s = rec.job.status;
  if (s === 'validating_files') return 'pending';
  if (s === 'queued') return 'queued';
  if (s === 'succeeded') return 'completed';
  if (s === 'failed') return 'error';
  if (s === 'cancelled') return 'cancelled';
  if (rec.events.some((e) => e.message.startsWith('Evaluating model'))) return 'uploading';
  if (rec.events.some((e) => e.message.startsWith('New fine-tuned model created'))) return 'compressing';
  return 'running';
}

function eventType(e: OpenAI.FineTuning.FineTuningJobEvent): string {
  const m = e.message;
  if (e.level === 'error') return 'job_error';
  if (m.startsWith('Created fine-tuning job')) return 'job_pending';
  if (m.startsWith('Validating training file')) return 'training_data_downloading';
  if (m.startsWith('Files validated')) return 'training_data_download_complete';
  if (m.startsWith('Fine-tuning job started')) return 'training_start';
  if (m.startsWith('Checkpoint created')) return 'checkpoint_save';
  if (m.startsWith('New fine-tuned model created')) return 'model_compressing';
  if (m.startsWith('Evaluating model')) return 'model_uploading';
  if (m.startsWith('Usage policy')) return 'model_upload_complete';
  if (m.startsWith('The job has successfully completed')) return 'job_complete';
  if (/cancel/i.test(m)) return 'job_stopped';
  return 'warning';
}

function eventsOf(rec: JobRecord) {
  const sh = rec.events.filter((e) => e.type !== 'metrics');
  return sh.map((e, i) => ({
    object: 'fine-tune-event' as const,
    created_at: isoSec(e.created_at),
    level: e.level === 'warn' ? 'warning' : e.level,
    message: e.message,
    type: eventType(e),
    param_count: 8_030_261_248,
    token_count: rec.tokensPerEpoch,
    total_steps: 0,
    wandb_url: '',
    step: 0,
    checkpoint_path: '',
    model_path: eventType(e) === 'job_complete' ? rec.plannedModel : '',
    training_offset: 0,
    hash: hashId(16, rec.job.id, 'together-event', i),
  }));
}

function jobShape(emu: Emulator, rec: JobRecord, full: boolean) {
  const t = (rec.flavorData ?? {}) as unknown as TogetherRequest;
  const base = togetherBase(rec.job.model);
  const started = rec.events.find((e) => e.message.startsWith('Fine-tuning job started'));
  const last = rec.events[rec.events.length - 1];
  // total_price is an integer in Together's schema; its unit is not documented there. The emulator sends US cents.
  const price = Math.round(((rec.tokensPerEpoch * t.n_epochs) / 1e6) * (base?.usdPer1M ?? 1) * 100);
  const out: Record<string, unknown> = {
    id: rec.job.id,
    status: togetherStatus(rec),
    created_at: iso(rec.createdMs),
    updated_at: last ? isoSec(last.created_at) : iso(rec.createdMs),
    ...(started ? { started_at: isoSec(started.created_at) } : {}),
    user_id: emu.config.organizationId,
    owner_address: emu.config.organizationId,
    training_file: rec.job.training_file,
    ...(rec.job.validation_file ? { validation_file: rec.job.validation_file } : {}),
    model: rec.job.model,
    model_output_name: rec.plannedModel,
    ...(t.suffix ? { suffix: t.suffix } : {}),
    n_epochs: t.n_epochs,
    n_checkpoints: t.n_checkpoints,
    n_evals: t.n_evals,
    batch_size: t.batch_size,
    learning_rate: t.learning_rate,
    warmup_ratio: t.warmup_ratio,
    training_type: t.training_type,
    training_method: t.training_method,
    token_count: rec.tokensPerEpoch * t.n_epochs,
    total_price: price,
  };
  if (full) {
    out.events = eventsOf(rec);
    out.trainingfile_numlines = rec.nTrain;
    out.epochs_completed = rec.checkpoints.length;
  }
  return out;
}

function getRec(ctx: RequestContext): JobRecord {
  const rec = ctx.emu.state.jobs.get(ctx.params[0]);
  if (!rec || !rec.job.id.startsWith('ft-')) throw notFound(`Fine-tune job ${ctx.params[0]} not found`, 'id', 'not_found');
  materialize(ctx.emu, rec);
  return rec;
}

function list(ctx: RequestContext) {
  syncJobs(ctx.emu);
  const data = [...ctx.emu.state.jobs.values()]
    .filter((r) => r.job.id.startsWith('ft-'))
    .sort((a, b) => b.createdMs - a.createdMs || b.seq - a.seq)
    .map((r) => jobShape(ctx.emu, r, false));
  return { data };
}

function checkpoints(ctx: RequestContext) {
  const rec = getRec(ctx);
  const data = [...rec.checkpoints].reverse().map((c, i) => ({
    step: c.step_number,
    path: `${rec.job.id}:${c.step_number}`,
    created_at: isoSec(c.created_at),
    checkpoint_type: i === 0 && rec.job.status === 'succeeded' ? 'Final' : 'Intermediate',
  }));
  return { data };
}

function metrics(ctx: RequestContext) {
  const rec = getRec(ctx);
  const rows = rec.events
    .filter((e) => e.type === 'metrics' && isObject(e.data))
    .map((e) => Object.fromEntries(Object.entries(e.data as Record<string, unknown>).filter((kv): kv is [string, number] => typeof kv[1] === 'number')));
  return { metrics: rows };
}

function cancel(ctx: RequestContext) {
  const rec = getRec(ctx);
  const problem = control(ctx.emu, rec, 'cancel');
  if (problem) throw invalidRequest(problem, null, 'job_not_cancellable');
  return jobShape(ctx.emu, rec, false);
}

async function estimatePrice(ctx: RequestContext) {
  const { emu } = ctx;
  const body = await readJsonObject(ctx.req, emu.config.maxJsonBytes);
  const training = fileFor(emu, requireString(body, 'training_file'), 'training_file');
  const base = baseFor(optString(body, 'model') ?? TOGETHER_BASES[0].id, false);
  const epochs = optInteger(body, 'n_epochs', 1, base.maxEpochs) ?? 1;
  const check = checkDataset(training.content, {
    method: 'supervised',
    tokenLimit: base.contextLength,
    model: base.id,
    which: 'training_file',
    minExamples: 1,
  });
  const trainTokens = check.tokens * epochs;
  return {
    estimated_total_price: Math.round((trainTokens / 1e6) * base.usdPer1M * 100) / 100,
    allowed_to_proceed: true,
    user_limit: 100,
    estimated_train_token_count: trainTokens,
    estimated_eval_token_count: 0,
  };
}

function models(ctx: RequestContext) {
  syncJobs(ctx.emu);
  const bases = TOGETHER_BASES.map((b) => ({
    id: b.id,
    object: 'model' as const,
    created: 1721692800,
    type: 'chat' as const,
    display_name: b.displayName,
    organization: b.organization,
    context_length: b.contextLength,
  }));
  const tuned = [...ctx.emu.state.models.values()]
    .filter((m) => !m.deleted && togetherBase(m.base))
    .map((m) => ({ id: m.model.id, object: 'model' as const, created: m.model.created, type: 'chat' as const, organization: ctx.emu.config.org }));
  return [...bases, ...tuned];
}

export const togetherRoutes: Route[] = [
  route('POST', '/files/upload', upload),
  route('GET', '/files', listFiles),
  route('GET', '/files/:id', (ctx) => fileShape(getFile(ctx.emu, ctx.params[0]))),
  route('DELETE', '/files/:id', deleteFile),
  route('GET', '/files/:id/content', fileContent),
  route('POST', '/fine-tunes/estimate-price', estimatePrice),
  route('GET', '/fine-tunes/models/supported', () => ({ models: TOGETHER_BASES.map((b) => b.id) })),
  route('GET', '/fine-tunes/models/limits', limits),
  route('POST', '/fine-tunes', create),
  route('GET', '/fine-tunes', list),
  route('GET', '/fine-tunes/:id', (ctx) => jobShape(ctx.emu, getRec(ctx), true)),
  route('GET', '/fine-tunes/:id/events', (ctx) => ({ data: eventsOf(getRec(ctx)) })),
  route('GET', '/fine-tunes/:id/checkpoints', checkpoints),
  route('GET', '/fine-tunes/:id/metrics', metrics),
  route('POST', '/fine-tunes/:id/cancel', cancel),
  route('GET', '/models', models),
];
