/**
 * Together AI (`together`, https://api.together.ai/v1): its own fine-tuning API (`/files/upload`, `/fine-tunes…`),
 * reached through the `openai` SDK's generic request methods on the client made by src/core/config/client.ts (one
 * client factory, no second SDK in the vendor bundles). Chat is Together's OpenAI-compatible `/chat/completions`.
 *
 * Serving: a LoRA fine-tune answers serverless only where Together serves LoRA adapters for its base; any other
 * fine-tune needs a dedicated endpoint, billed per minute while it runs (`endpoints`, ./togetherEndpoints.ts).
 * Socratune creates one only after a confirmation stating that price; `chatTarget` sends chat to a STARTED one.
 */
import { readFile } from 'node:fs/promises';
import type OpenAI from 'openai';
import { explainError, type Operation } from './errors';
import { BackendError } from './openaiShape';
import type { LaunchRules } from './rules';
import {
  TOGETHER_RULES,
  metricsEvents,
  normalizeTogetherCheckpoints,
  normalizeTogetherEvents,
  normalizeTogetherJob,
  togetherCreateBody,
} from './togetherShape';
import type {
  AccountModel,
  BackendCapabilities,
  ChatTarget,
  ChatTargetInfo,
  FineTuneBackend,
  FineTuneJob,
  JobCheckpoint,
  JobCreateSpec,
  JobEvent,
  ListOptions,
  Page,
  TunableModel,
  UploadRequest,
  UploadedFile,
} from './types';
import { downloadWeights, type WeightsDownloadRequest, type WeightsDownloadResult } from './togetherDownload';
import { TogetherEndpoints, type TogetherEndpoint } from './togetherEndpoints';
import { mapLimited, togetherLimitsToRules, type LimitsResult } from './togetherLimits';
import { hashFile, hashedFilename } from './upload';

/**
 * Bases whose LoRA fine-tunes Together has served serverless (docs.together.ai/docs/lora-inference). Together's newer
 * docs send every fine-tune to a dedicated endpoint, so this list is deliberately short; anything else is reported
 * as needing an endpoint.
 */
export const TOGETHER_SERVERLESS_LORA: ReadonlySet<string> = new Set(['meta-llama/Meta-Llama-3.1-8B-Instruct-Reference']);

export interface TogetherOptions {
  readonly client: OpenAI;
  readonly baseURL: string;
}

interface TogetherFile {
  id: string;
  filename: string;
  bytes: number;
  purpose: string;
}

export class TogetherBackend implements FineTuneBackend {
  readonly kind = 'together' as const;
  readonly label = 'Together AI';
  readonly baseURL: string;
  readonly capabilities: BackendCapabilities = {
    events: true,
    checkpoints: true,
    cancel: true,
    pauseResume: false,
    dpo: true,
    metadata: false,
    needsDeployment: false,
    deleteModels: false,
    openaiHyperparameters: false,
  };
  readonly launchRules: LaunchRules = TOGETHER_RULES;
  private readonly client: OpenAI;
  /** Fine-tuned model → how it was trained (from the jobs seen), for `chatTarget`. */
  private readonly trained = new Map<string, { base: string; lora: boolean }>();
  /** Per-model limits already read (`/fine-tunes/models/limits`), by model. */
  private readonly limits = new Map<string, LimitsResult>();
  /** The user's dedicated endpoints, by the model they serve (from the last `refreshEndpoints`). */
  private served = new Map<string, TogetherEndpoint[]>();
  /** List, create, start and stop dedicated endpoints (billed per minute; create only after `endpointConfirmation`). */
  readonly endpoints: TogetherEndpoints;

  constructor(opts: TogetherOptions) {
    this.client = opts.client;
    this.baseURL = opts.baseURL;
    this.endpoints = new TogetherEndpoints(this.client, (fn) => this.call('models', fn));
  }

  /** Re-reads the user's dedicated endpoints, so `chatTarget` knows which models one serves; failures keep the last list. */
  async refreshEndpoints(signal?: AbortSignal): Promise<readonly TogetherEndpoint[]> {
    try {
      const all = await this.endpoints.list(undefined, signal);
      const by = new Map<string, TogetherEndpoint[]>();
      for (const e of all) by.set(e.model, [...(by.get(e.model) ?? []), e]);
      this.served = by;
      return all;
    } catch (err) {
      if (signal?.aborted) throw err;
      return [...this.served.values()].flat();
    }
  }

  /** Whether `modelId` needs a dedicated endpoint to answer (a fine-tune that is not a serverless LoRA). */
  needsEndpoint(modelId: string): boolean {
    const t = this.trained.get(modelId);
    return !!t && !(t.lora && TOGETHER_SERVERLESS_LORA.has(t.base));
  }

  private async call<T>(op: Operation, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof BackendError) throw err;
      throw new BackendError(explainError(err, { backend: this.kind, op, label: this.label }), { cause: err });
    }
  }

  private get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.client.get<T>(path, { signal });
  }

  private remember(job: FineTuneJob): FineTuneJob {
    const tt = (job.raw as { training_type?: { type?: unknown } } | undefined)?.training_type;
    if (job.fineTunedModel) this.trained.set(job.fineTunedModel, { base: job.baseModel, lora: tt?.type === 'Lora' });
    return job;
  }

  /**
   * `/fine-tunes/models/supported`, each with its own launch rules from `/fine-tunes/models/limits` (epochs, learning
   * rate, batch size, LoRA rank, LoRA/full, DPO) and its context length from `/models` as its per-example token limit.
   * A model whose limits cannot be read keeps Together's general rules, and says so.
   */
  async tunableModels(signal?: AbortSignal): Promise<TunableModel[]> {
    return this.call('models', async () => {
      const supported = await this.get<{ models?: unknown }>('/fine-tunes/models/supported', signal);
      const ids = Array.isArray(supported.models) ? supported.models.filter((m): m is string => typeof m === 'string') : [];
      const info = await this.get<unknown>('/models', signal).catch(() => []);
      const ctx = new Map(
        (Array.isArray(info) ? (info as { id?: unknown; context_length?: unknown }[]) : []).map((m) => [String(m.id), m.context_length] as const),
      );
      const limits = await mapLimited(ids, 6, (id) => this.modelLimits(id, signal));
      return ids.map((id, i) => {
        const limit = ctx.get(id);
        const l = limits[i];
        const serving = TOGETHER_SERVERLESS_LORA.has(id) ? 'LoRA served serverless' : 'needs a dedicated endpoint to answer';
        return {
          id,
          label: `${l.ok ? l.value.summary : 'limits unknown'} · ${serving}`,
          methods: l.ok ? l.value.methods : (['supervised', 'dpo'] as const),
          maxExampleTokens: typeof limit === 'number' ? limit : undefined,
          listed: true,
          ...(l.ok ? { launchRules: l.value.rules } : {}),
        };
      });
    });
  }

  /** One model's limits as launch rules (`GET /fine-tunes/models/limits`); a refusal or an unreadable answer is a message. */
  private async modelLimits(id: string, signal?: AbortSignal): Promise<LimitsResult> {
    const known = this.limits.get(id);
    if (known) return known;
    try {
      const r = togetherLimitsToRules(await this.client.get<unknown>('/fine-tunes/models/limits', { query: { model_name: id }, signal }), TOGETHER_RULES);
      // Limits change rarely: kept for this backend instance (a new key or URL makes a new one).
      if (r.ok) this.limits.set(id, r);
      return r;
    } catch (err) {
      if (signal?.aborted) throw err;
      return { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
  }

  async upload(req: UploadRequest): Promise<UploadedFile> {
    return this.call('upload', async () => {
      req.onProgress?.({ phase: 'hashing', bytesDone: 0, bytesTotal: 0 });
      const h = await hashFile(req.path, req.signal);
      const filename = hashedFilename(req.filename ?? 'train.jsonl', h.sha256);
      req.onProgress?.({ phase: 'checking', bytesDone: 0, bytesTotal: h.bytes });
      const list = await this.get<{ data?: TogetherFile[] }>('/files', req.signal);
      const same = (list.data ?? []).find((f) => f.filename === filename && f.bytes === h.bytes);
      if (same) {
        req.onProgress?.({ phase: 'reused', bytesDone: h.bytes, bytesTotal: h.bytes });
        return { id: same.id, filename, bytes: h.bytes, sha256: h.sha256, reused: true };
      }
      const form = new FormData();
      form.set('purpose', 'fine-tune');
      form.set('file_name', filename);
      form.set('file_type', 'jsonl');
      form.set('file', new Blob([await readFile(req.path)]), filename);
      req.onProgress?.({ phase: 'uploading', bytesDone: 0, bytesTotal: h.bytes });
      const f = await this.client.post<TogetherFile>('/files/upload', { body: form, signal: req.signal, maxRetries: 0 });
      req.onProgress?.({ phase: 'done', bytesDone: h.bytes, bytesTotal: h.bytes });
      return { id: f.id, filename, bytes: h.bytes, sha256: h.sha256, reused: false };
    });
  }

  /** Together's own price estimate for a job on uploaded files (`allowed_to_proceed` false = over the account's limit). */
  async estimatePrice(spec: JobCreateSpec, signal?: AbortSignal): Promise<{ usd: number; allowed: boolean; trainTokens?: number }> {
    return this.call('create', async () => {
      const b = togetherCreateBody(spec);
      const keys = ['training_file', 'validation_file', 'model', 'n_epochs', 'n_evals', 'training_method', 'training_type'];
      const body = Object.fromEntries(keys.filter((k) => b[k] !== undefined).map((k) => [k, b[k]]));
      const r = await this.client.post<{ estimated_total_price?: number; allowed_to_proceed?: boolean; estimated_train_token_count?: number }>(
        '/fine-tunes/estimate-price',
        { body, signal },
      );
      return { usd: r.estimated_total_price ?? 0, allowed: r.allowed_to_proceed !== false, trainTokens: r.estimated_train_token_count };
    });
  }

  createJob(spec: JobCreateSpec, signal?: AbortSignal): Promise<FineTuneJob> {
    return this.call('create', async () =>
      this.remember(normalizeTogetherJob(await this.client.post('/fine-tunes', { body: togetherCreateBody(spec), signal, maxRetries: 0 }))),
    );
  }

  /** Together lists all jobs at once (no cursor). */
  listJobs(opts: ListOptions = {}): Promise<Page<FineTuneJob>> {
    return this.call('list', async () => {
      const r = await this.get<{ data?: unknown[] }>('/fine-tunes', opts.signal);
      const jobs = (r.data ?? []).map((j) => this.remember(normalizeTogetherJob(j)));
      return { data: jobs.sort((a, b) => b.createdAt - a.createdAt), hasMore: false };
    });
  }

  getJob(id: string, signal?: AbortSignal): Promise<FineTuneJob> {
    return this.call('get', async () => this.remember(normalizeTogetherJob(await this.get(`/fine-tunes/${encodeURIComponent(id)}`, signal))));
  }

  /** Job events and the training metrics (as `metrics` events, which the curves read), newest first. */
  listEvents(jobId: string, opts: ListOptions = {}): Promise<Page<JobEvent>> {
    return this.call('events', async () => {
      const id = encodeURIComponent(jobId);
      const [ev, m] = await Promise.all([
        this.get<{ data?: unknown }>(`/fine-tunes/${id}/events`, opts.signal),
        this.get<unknown>(`/fine-tunes/${id}/metrics`, opts.signal),
      ]);
      return { data: [...metricsEvents(jobId, m), ...normalizeTogetherEvents(jobId, ev.data)], hasMore: false };
    });
  }

  listCheckpoints(jobId: string, opts: ListOptions = {}): Promise<Page<JobCheckpoint>> {
    return this.call('checkpoints', async () => {
      const r = await this.get<{ data?: unknown }>(`/fine-tunes/${encodeURIComponent(jobId)}/checkpoints`, opts.signal);
      return { data: normalizeTogetherCheckpoints(jobId, r.data), hasMore: false };
    });
  }

  cancel(jobId: string): Promise<FineTuneJob> {
    return this.call('cancel', async () => normalizeTogetherJob(await this.client.post(`/fine-tunes/${encodeURIComponent(jobId)}/cancel`, {})));
  }

  pause(): Promise<FineTuneJob> {
    return Promise.reject(this.unsupported('pause'));
  }

  resume(): Promise<FineTuneJob> {
    return Promise.reject(this.unsupported('resume'));
  }

  private unsupported(op: Operation): BackendError {
    return new BackendError({
      kind: 'unsupported',
      title: `Together AI cannot ${op} a fine-tune`,
      message: `Together AI fine-tunes cannot be ${op === 'pause' ? 'paused' : op === 'resume' ? 'resumed' : 'changed this way'}; cancel the job instead.`,
      actions: [],
    });
  }

  /** `/models` (a bare array on Together); a model not in `/fine-tunes/models/supported` and owned by the account is a fine-tune. */
  listModels(signal?: AbortSignal): Promise<AccountModel[]> {
    return this.call('models', async () => {
      const [list] = await Promise.all([this.get<unknown>('/models', signal), this.refreshEndpoints(signal)]);
      const supported = new Set(((await this.get<{ models?: string[] }>('/fine-tunes/models/supported', signal)).models ?? []).map(String));
      return (Array.isArray(list) ? (list as { id?: unknown; created?: unknown; organization?: unknown }[]) : []).map((m) => {
        const id = String(m.id ?? '');
        return {
          id,
          createdAt: typeof m.created === 'number' ? m.created * 1000 : 0,
          ownedBy: typeof m.organization === 'string' ? m.organization : '',
          fineTuned: this.trained.has(id) || (!supported.has(id) && id.includes('/') && !/^[A-Z]/.test(id)),
          raw: m,
        };
      });
    });
  }

  /** Streams a fine-tune's weights archive to disk (./togetherDownload.ts: temp file, then rename; `confirm` sees the size first). */
  readonly downloadWeights = (req: WeightsDownloadRequest): Promise<WeightsDownloadResult> => this.call('file', () => downloadWeights(this.client, req));

  deleteModel(): Promise<void> {
    return Promise.reject(this.unsupported('delete-model'));
  }

  fileContent(fileId: string, signal?: AbortSignal): Promise<Buffer> {
    return this.call('file', async () => {
      const res = await this.client.get(`/files/${encodeURIComponent(fileId)}/content`, { signal }).asResponse();
      return Buffer.from(await res.arrayBuffer());
    });
  }

  fileInfo(fileId: string, signal?: AbortSignal): Promise<{ id: string; filename: string; bytes: number; purpose: string }> {
    return this.call('file', async () => {
      const f = await this.get<TogetherFile>(`/files/${encodeURIComponent(fileId)}`, signal);
      return { id: f.id, filename: f.filename, bytes: f.bytes, purpose: f.purpose };
    });
  }

  deleteFile(fileId: string): Promise<void> {
    return this.call('file', async () => {
      await this.client.delete(`/files/${encodeURIComponent(fileId)}`);
    });
  }

  /**
   * What chat can offer on Together: the account's succeeded fine-tunes (from the job list, newest first, each with
   * `chatTarget`'s verdict: serverless LoRA answers, anything else needs a dedicated endpoint) and the chat models
   * `GET /models` lists (`type: "chat"` where Together says the type). Checkpoints are not served by name.
   */
  async chatTargets(signal?: AbortSignal): Promise<ChatTargetInfo[]> {
    let jobs: FineTuneJob[] = [];
    try {
      jobs = [...(await this.listJobs({ limit: 20, signal })).data];
    } catch (err) {
      if (signal?.aborted) throw err;
    }
    const models = await this.listModels(signal); // also re-reads the endpoints chatTarget consults
    const out: ChatTargetInfo[] = [];
    const seen = new Set<string>();
    for (const job of jobs) {
      if (job.status !== 'succeeded' || !job.fineTunedModel || seen.has(job.fineTunedModel)) continue;
      seen.add(job.fineTunedModel);
      out.push({
        id: job.fineTunedModel,
        kind: 'fine-tuned',
        detail: this.servingDetail(job.fineTunedModel),
        target: this.chatTarget(job.fineTunedModel),
        baseModel: job.baseModel,
        jobId: job.id,
        createdAt: job.finishedAt ?? job.createdAt,
      });
    }
    for (const m of models) {
      if (seen.has(m.id)) continue;
      const type = (m.raw as { type?: unknown }).type;
      if (!m.fineTuned && typeof type === 'string' && type !== 'chat') continue;
      seen.add(m.id);
      out.push({
        id: m.id,
        kind: m.fineTuned ? 'fine-tuned' : 'base',
        target: this.chatTarget(m.id),
        ...(m.fineTuned ? { detail: this.servingDetail(m.id) } : {}),
        ...(m.createdAt ? { createdAt: m.createdAt } : {}),
      });
    }
    return out;
  }

  /** The picker's serving note: "serverless" or the dedicated endpoint's state. */
  private servingDetail(modelId: string): string {
    if (!this.needsEndpoint(modelId)) return 'served serverless';
    const e = this.served.get(modelId)?.[0];
    return e ? `dedicated endpoint ${e.state}` : 'needs a dedicated endpoint';
  }

  /**
   * How to chat with `modelId` on Together (the one place this decision is made): base models and serverless LoRA
   * fine-tunes answer by name; any other fine-tune answers through a STARTED dedicated endpoint, by the endpoint's name.
   */
  chatTarget(modelId: string): ChatTarget {
    const t = this.trained.get(modelId);
    if (!t) return { ok: true, model: modelId };
    if (!this.needsEndpoint(modelId)) return { ok: true, model: modelId, note: 'Together serves this LoRA fine-tune serverless (billed per token).' };
    const eps = this.served.get(modelId) ?? [];
    const up = eps.find((e) => e.state === 'STARTED');
    if (up) return { ok: true, model: up.name, note: `Dedicated endpoint ${up.name} (billed per minute while it runs)` };
    const billed = 'billed per minute while it runs (even idle)';
    if (eps.length > 0)
      return {
        ok: false,
        reason: 'needs-endpoint',
        message:
          `${modelId} answers only through its dedicated endpoint ${eps[0].name}, which is ${eps[0].state}. ` +
          `Start it from the Models view ("Dedicated Endpoint…"); it is ${billed}.`,
      };
    return {
      ok: false,
      reason: 'needs-endpoint',
      message:
        `Together serves ${modelId} only through a dedicated endpoint, ${billed}. ` +
        'Create one from the Models view ("Dedicated Endpoint…"): Socratune shows the hardware price and asks before creating anything.',
    };
  }
}
