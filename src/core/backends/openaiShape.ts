/**
 * The shared implementation for every backend that speaks OpenAI's fine-tuning wire format through the
 * `openai` SDK (OpenAI itself, Azure OpenAI v1, Nebius, gateways, the emulator). Subclasses differ in
 * their tunable-model catalog, capabilities, error wording and how a fine-tuned model is addressed in chat.
 */
import type { LaunchRules } from './rules';
import OpenAI from 'openai';
import { BackendErrorInfo, Operation, explainError } from './errors';
import { normalizeCheckpoint, normalizeEvent, normalizeJob, normalizeModel } from './normalize';
import type {
  AccountModel,
  BackendCapabilities,
  BackendKind,
  ChatTarget,
  ChatTargetInfo,
  FineTuneBackend,
  FineTuneJob,
  Hyperparameters,
  JobCheckpoint,
  JobCreateSpec,
  JobEvent,
  ListOptions,
  Page,
  TunableModel,
  UploadCache,
  UploadedFile,
  UploadRequest,
} from './types';
import { parseModelId } from './modelIds';
import { uploadFile } from './upload';

/** A backend call that failed, already explained for the user. `cause` keeps the SDK error. */
export class BackendError extends Error {
  constructor(
    readonly info: BackendErrorInfo,
    options?: { cause?: unknown },
  ) {
    super(info.message, options);
    this.name = 'BackendError';
  }
}

export interface OpenAIShapeOptions {
  readonly client: OpenAI;
  readonly baseURL: string;
  readonly uploadCache?: UploadCache;
  readonly label?: string;
}

export function hyperparametersBody(h: Hyperparameters, method: 'supervised' | 'dpo'): Record<string, 'auto' | number> {
  const out: Record<string, 'auto' | number> = {};
  if (h.nEpochs !== undefined) out.n_epochs = h.nEpochs;
  if (h.batchSize !== undefined) out.batch_size = h.batchSize;
  if (h.learningRateMultiplier !== undefined) out.learning_rate_multiplier = h.learningRateMultiplier;
  if (method === 'dpo' && h.beta !== undefined) out.beta = h.beta;
  return out;
}

/** Everything OpenAI's fine-tuning API offers; OpenAI and OpenAI-shape servers use it as is, Azure narrows it. */
export const OPENAI_API_CAPABILITIES: BackendCapabilities = {
  events: true,
  checkpoints: true,
  cancel: true,
  pauseResume: true,
  dpo: true,
  metadata: true,
  needsDeployment: false,
  deleteModels: true,
  openaiHyperparameters: true,
};

export abstract class OpenAIShapeBackend implements FineTuneBackend {
  abstract readonly kind: BackendKind;
  abstract readonly capabilities: BackendCapabilities;
  abstract readonly launchRules: LaunchRules;
  readonly label: string;
  readonly baseURL: string;
  protected readonly client: OpenAI;
  protected readonly uploadCache?: UploadCache;

  constructor(opts: OpenAIShapeOptions, defaultLabel: string) {
    this.client = opts.client;
    this.baseURL = opts.baseURL;
    this.uploadCache = opts.uploadCache;
    this.label = opts.label ?? defaultLabel;
  }

  abstract tunableModels(signal?: AbortSignal): Promise<TunableModel[]>;
  abstract chatTarget(modelId: string): ChatTarget;

  /** Run an SDK call; failures become `BackendError` with a user-facing explanation. */
  protected async call<T>(op: Operation, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof BackendError) throw err;
      throw new BackendError(this.explain(err, op), { cause: err });
    }
  }

  explain(err: unknown, op: Operation): BackendErrorInfo {
    return explainError(err, { backend: this.kind, op, label: this.label });
  }

  upload(req: UploadRequest): Promise<UploadedFile> {
    return this.call('upload', () => uploadFile({ client: this.client, baseURL: this.baseURL, cache: this.uploadCache }, req));
  }

  /** The request body for `POST /fine_tuning/jobs`; subclasses adapt names/extra fields. */
  protected createBody(spec: JobCreateSpec): Record<string, unknown> {
    const hp = hyperparametersBody(spec.hyperparameters, spec.method);
    const body: Record<string, unknown> = {
      model: spec.baseModel,
      training_file: spec.trainingFileId,
      method: { type: spec.method, [spec.method]: { hyperparameters: hp } },
    };
    if (spec.validationFileId) body.validation_file = spec.validationFileId;
    if (spec.suffix) body.suffix = spec.suffix;
    if (spec.seed !== undefined) body.seed = spec.seed;
    if (spec.metadata && this.capabilities.metadata && Object.keys(spec.metadata).length > 0) body.metadata = { ...spec.metadata };
    return { ...body, ...(spec.extraBody ?? {}) };
  }

  createJob(spec: JobCreateSpec, signal?: AbortSignal): Promise<FineTuneJob> {
    const body = this.createBody(spec) as unknown as OpenAI.FineTuning.JobCreateParams;
    // Job creation is not idempotent: never let the SDK resend it blindly after a timeout.
    return this.call('create', async () => normalizeJob(await this.client.fineTuning.jobs.create(body, { signal, maxRetries: 0 }), this.kind));
  }

  listJobs(opts: ListOptions = {}): Promise<Page<FineTuneJob>> {
    return this.call('list', async () => {
      const page = await this.client.fineTuning.jobs.list({ after: opts.after, limit: opts.limit ?? 20 }, { signal: opts.signal });
      const data = page.data.map((j) => normalizeJob(j, this.kind));
      return { data, hasMore: page.hasNextPage(), nextCursor: data.at(-1)?.id };
    });
  }

  getJob(id: string, signal?: AbortSignal): Promise<FineTuneJob> {
    return this.call('get', async () => normalizeJob(await this.client.fineTuning.jobs.retrieve(id, { signal }), this.kind));
  }

  listEvents(jobId: string, opts: ListOptions = {}): Promise<Page<JobEvent>> {
    return this.call('events', async () => {
      const page = await this.client.fineTuning.jobs.listEvents(jobId, { after: opts.after, limit: opts.limit ?? 50 }, { signal: opts.signal });
      const data = page.data.map(normalizeEvent);
      return { data, hasMore: page.hasNextPage(), nextCursor: data.at(-1)?.id };
    });
  }

  listCheckpoints(jobId: string, opts: ListOptions = {}): Promise<Page<JobCheckpoint>> {
    return this.call('checkpoints', async () => {
      const page = await this.client.fineTuning.jobs.checkpoints.list(jobId, { after: opts.after, limit: opts.limit ?? 10 }, { signal: opts.signal });
      const data = page.data.map((c) => this.checkpoint(c, jobId));
      return { data, hasMore: page.hasNextPage(), nextCursor: data.at(-1)?.id };
    });
  }

  /** One checkpoint, normalized; a backend that deploys checkpoints under another ID (Azure) says which. */
  protected checkpoint(raw: unknown, jobId: string): JobCheckpoint {
    return normalizeCheckpoint(raw, jobId);
  }

  cancel(jobId: string): Promise<FineTuneJob> {
    return this.call('cancel', async () => normalizeJob(await this.client.fineTuning.jobs.cancel(jobId), this.kind));
  }

  pause(jobId: string): Promise<FineTuneJob> {
    return this.call('pause', async () => normalizeJob(await this.client.fineTuning.jobs.pause(jobId), this.kind));
  }

  resume(jobId: string): Promise<FineTuneJob> {
    return this.call('resume', async () => normalizeJob(await this.client.fineTuning.jobs.resume(jobId), this.kind));
  }

  listModels(signal?: AbortSignal): Promise<AccountModel[]> {
    return this.call('models', async () => {
      const out: AccountModel[] = [];
      for await (const m of this.client.models.list({ signal })) out.push(normalizeModel(m));
      return out;
    });
  }

  deleteModel(modelId: string): Promise<void> {
    return this.call('delete-model', async () => {
      await this.client.models.delete(modelId);
    });
  }

  fileContent(fileId: string, signal?: AbortSignal): Promise<Buffer> {
    return this.call('file', async () => {
      const res = await this.client.files.content(fileId, { signal });
      return Buffer.from(await res.arrayBuffer());
    });
  }

  fileInfo(fileId: string, signal?: AbortSignal): Promise<{ id: string; filename: string; bytes: number; purpose: string }> {
    return this.call('file', async () => {
      const f = await this.client.files.retrieve(fileId, { signal });
      return { id: f.id, filename: f.filename, bytes: f.bytes, purpose: f.purpose };
    });
  }

  deleteFile(fileId: string): Promise<void> {
    return this.call('file', async () => {
      await this.client.files.delete(fileId);
    });
  }

  /**
   * Base models from `GET /models` that this backend's chat can use. Default: all of them (local servers,
   * gateways and the emulator list only what they serve); OpenAI narrows it to chat models.
   */
  protected isChatBaseModel(_id: string): boolean {
    return true;
  }

  /** See `FineTuneBackend.chatTargets`: `GET /models`, then the checkpoints of up to 10 recent succeeded jobs. */
  async chatTargets(signal?: AbortSignal): Promise<ChatTargetInfo[]> {
    const models = await this.listModels(signal);
    const jobs = await this.recentSucceededJobs(signal);
    const baseOf = new Map(jobs.filter((j) => j.fineTunedModel).map((j) => [j.fineTunedModel as string, j]));
    const out: ChatTargetInfo[] = [];
    for (const m of models) {
      const parsed = parseModelId(m.id);
      if (!m.fineTuned && !this.isChatBaseModel(m.id)) continue;
      const job = baseOf.get(m.id);
      out.push({
        id: m.id,
        kind: parsed.checkpoint ? 'checkpoint' : m.fineTuned ? 'fine-tuned' : 'base',
        target: this.chatTarget(m.id),
        ...optional({ baseModel: job?.baseModel ?? parsed.base, jobId: job?.id, createdAt: m.createdAt || undefined }),
        ...(m.shutdownDate ? { detail: `shuts down ${m.shutdownDate}` } : {}),
      });
    }
    const seen = new Set(out.map((t) => t.id));
    for (const job of jobs.slice(0, 10)) {
      for (const cp of await this.checkpointsOf(job.id, signal)) {
        if (seen.has(cp.modelId)) continue;
        seen.add(cp.modelId);
        const valid = cp.metrics.full_valid_loss ?? cp.metrics.valid_loss;
        out.push({
          id: cp.modelId,
          kind: 'checkpoint',
          target: this.chatTarget(cp.modelId),
          baseModel: job.baseModel,
          jobId: job.id,
          ...(cp.createdAt ? { createdAt: cp.createdAt } : {}),
          detail: `step ${cp.step}${valid !== undefined ? ` · valid loss ${valid.toFixed(3)}` : ''}`,
        });
      }
    }
    return out;
  }

  /** Succeeded jobs with a model, newest first; none when the server has no fine-tuning API. */
  private async recentSucceededJobs(signal?: AbortSignal): Promise<FineTuneJob[]> {
    try {
      const page = await this.listJobs({ limit: 20, signal });
      return page.data.filter((j) => j.status === 'succeeded' && j.fineTunedModel);
    } catch (err) {
      if (signal?.aborted) throw err;
      return [];
    }
  }

  private async checkpointsOf(jobId: string, signal?: AbortSignal): Promise<JobCheckpoint[]> {
    if (!this.capabilities.checkpoints) return [];
    try {
      return [...(await this.listCheckpoints(jobId, { limit: 10, signal })).data];
    } catch (err) {
      if (signal?.aborted) throw err;
      return [];
    }
  }

  /** Raw model list entries (for catalog fields such as Azure `capabilities.fine_tune`). */
  protected async rawModels(signal?: AbortSignal): Promise<unknown[] | undefined> {
    try {
      const out: unknown[] = [];
      for await (const m of this.client.models.list({ signal })) out.push(m);
      return out;
    } catch (err) {
      if (err instanceof OpenAI.APIUserAbortError) throw err;
      return undefined;
    }
  }
}

/** The defined fields of `o` only (keeps `exactOptionalPropertyTypes`-style objects free of `undefined`). */
function optional<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
