/**
 * Fireworks AI (`fireworks`): account-scoped resources on the control plane `https://api.fireworks.ai/v1/accounts/<account>/…`
 * (datasets, `supervisedFineTuningJobs`, models, deployments) and chat on the OpenAI-compatible inference API
 * `…/inference/v1` with `model` = `accounts/<account>/models/<id>`. Reached through the `openai` SDK's generic request
 * methods on the client made by src/core/config/client.ts: its base URL is the inference API, and control-plane calls
 * use absolute URLs beside it. The account ID comes from the `socratune.fireworks.accountId` setting; the key from
 * SecretStorage like every backend's.
 *
 * Serving: a LoRA fine-tune answers only through a deployment (billed per GPU-hour while a replica runs) unless its
 * base serves LoRA adapters serverless. `deploy` creates one, and only after `confirm` accepted a text that states
 * the price unit.
 */
import { readFile } from 'node:fs/promises';
import type OpenAI from 'openai';
import { fireworksControlPlaneUrl } from '../config/profile';
import { explainError, type Operation } from './errors';
import {
  FIREWORKS_ID,
  FIREWORKS_RULES,
  FwDatasetSchema,
  FwDeploymentListSchema,
  FwDeploymentSchema,
  FwJobListSchema,
  FwJobSchema,
  decodeFw,
  fireworksCreateBody,
  fireworksEvents,
  lastSegment,
  normalizeFireworksJob,
  type FwDeployment,
} from './fireworksShape';
import { BackendError } from './openaiShape';
import type { LaunchRules } from './rules';
import type {
  AccountModel,
  BackendCapabilities,
  ChatTarget,
  ChatTargetInfo,
  DeployOutcome,
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
import { hashFile } from './upload';

/** Fireworks bases Socratune offers for fine-tuning (Fireworks has no "tunable models" list in its API). */
export const FIREWORKS_TUNABLE: readonly { id: string; label: string; maxExampleTokens: number }[] = [
  { id: 'accounts/fireworks/models/qwen3-8b', label: 'Qwen3 8B', maxExampleTokens: 40_960 },
  { id: 'accounts/fireworks/models/llama-v3p1-8b-instruct', label: 'Llama 3.1 8B Instruct', maxExampleTokens: 131_072 },
  { id: 'accounts/fireworks/models/glm-5p3-flash', label: 'GLM-5.3 Flash', maxExampleTokens: 131_072 },
];

/** Bases whose LoRA adapters Fireworks serves on its shared serverless pool (preview docs list glm-5p3-flash only). */
export const FIREWORKS_SERVERLESS_LORA: ReadonlySet<string> = new Set(['accounts/fireworks/models/glm-5p3-flash']);

/** The deployment `deploy` creates: one H100 replica at most, scaled to zero after 5 idle minutes. */
export const DEPLOYMENT_PLAN = {
  minReplicaCount: 0,
  maxReplicaCount: 1,
  acceleratorType: 'NVIDIA_H100_80GB',
  acceleratorCount: 1,
  autoscalingPolicy: { scaleToZeroWindow: '300s' },
} as const;

export interface FireworksOptions {
  readonly client: OpenAI;
  /** The inference API base (`…/inference/v1`), as the client uses it. */
  readonly baseURL: string;
  /** Fireworks account ID (`socratune.fireworks.accountId`); empty = not set, every call says so. */
  readonly account: string;
}

/** What this process learned about serving, per control plane + account (backends are rebuilt often). */
interface Serving {
  readonly trained: Map<string, string>;
  readonly deployments: Map<string, { name: string; state: string }>;
}
const SERVING = new Map<string, Serving>();

export class FireworksBackend implements FineTuneBackend {
  readonly kind = 'fireworks' as const;
  readonly label = 'Fireworks AI';
  readonly baseURL: string;
  readonly capabilities: BackendCapabilities = {
    events: true,
    checkpoints: false,
    cancel: true,
    pauseResume: false,
    dpo: false,
    metadata: false,
    needsDeployment: true,
    deleteModels: false,
    openaiHyperparameters: false,
  };
  readonly launchRules: LaunchRules = FIREWORKS_RULES;
  private readonly client: OpenAI;
  private readonly account: string;
  private readonly root: string;
  private readonly serving: Serving;

  constructor(opts: FireworksOptions) {
    this.client = opts.client;
    this.baseURL = opts.baseURL;
    this.account = opts.account.trim();
    this.root = `${fireworksControlPlaneUrl(opts.baseURL)}/accounts/${encodeURIComponent(this.account)}`;
    const key = this.root;
    this.serving = SERVING.get(key) ?? { trained: new Map(), deployments: new Map() };
    SERVING.set(key, this.serving);
  }

  private async call<T>(op: Operation, fn: () => Promise<T>): Promise<T> {
    if (!this.account)
      throw new BackendError({
        kind: 'config',
        title: 'Fireworks account ID not set',
        message: 'Set "socratune.fireworks.accountId" to your Fireworks account ID (shown at fireworks.ai/account), then refresh.',
        actions: ['openSettings'],
      });
    try {
      return await fn();
    } catch (err) {
      if (err instanceof BackendError) throw err;
      throw new BackendError(explainError(err, { backend: this.kind, op, label: this.label }), { cause: err });
    }
  }

  private get(path: string, signal?: AbortSignal): Promise<unknown> {
    return this.client.get(`${this.root}${path}`, { signal });
  }

  private post(path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    return this.client.post(`${this.root}${path}`, { body, signal, maxRetries: 0 });
  }

  private remember(job: FineTuneJob): FineTuneJob {
    if (job.fineTunedModel) this.serving.trained.set(job.fineTunedModel, job.baseModel);
    return job;
  }

  tunableModels(): Promise<TunableModel[]> {
    return Promise.resolve(
      FIREWORKS_TUNABLE.map((m) => ({
        id: m.id,
        label: `${m.label}${FIREWORKS_SERVERLESS_LORA.has(m.id) ? ' · LoRA served serverless' : ' · needs a deployment (per GPU-hour) to answer'}`,
        methods: ['supervised'] as const,
        maxExampleTokens: m.maxExampleTokens,
        listed: false,
      })),
    );
  }

  /** Dataset `socratune-<sha256 prefix>`: an identical file already uploaded is reused; else create + `:upload`, then wait for READY. */
  upload(req: UploadRequest): Promise<UploadedFile> {
    return this.call('upload', async () => {
      req.onProgress?.({ phase: 'hashing', bytesDone: 0, bytesTotal: 0 });
      const h = await hashFile(req.path, req.signal);
      const id = `socratune-${h.sha256.slice(0, 24)}`;
      const name = `accounts/${this.account}/datasets/${id}`;
      req.onProgress?.({ phase: 'checking', bytesDone: 0, bytesTotal: h.bytes });
      const existing = await this.get(`/datasets/${id}`, req.signal).then(
        (d) => decodeFw(FwDatasetSchema, d, 'dataset'),
        (err: unknown) => {
          if ((err as { status?: number }).status === 404) return undefined;
          throw err;
        },
      );
      if (existing?.state === 'READY') {
        req.onProgress?.({ phase: 'reused', bytesDone: h.bytes, bytesTotal: h.bytes });
        return { id: name, filename: req.filename ?? 'train.jsonl', bytes: h.bytes, sha256: h.sha256, reused: true };
      }
      const content = await readFile(req.path);
      const examples = content
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim()).length;
      if (!existing)
        await this.post(
          '/datasets',
          { datasetId: id, dataset: { displayName: req.filename ?? 'Socratune dataset', exampleCount: String(examples), format: 'CHAT' } },
          req.signal,
        );
      const form = new FormData();
      form.set('file', new Blob([content]), req.filename ?? 'train.jsonl');
      req.onProgress?.({ phase: 'uploading', bytesDone: 0, bytesTotal: h.bytes });
      await this.client.post(`${this.root}/datasets/${id}:upload`, { body: form, signal: req.signal, maxRetries: 0 });
      if (req.waitForProcessing !== false) await this.waitReady(id, req);
      req.onProgress?.({ phase: 'done', bytesDone: h.bytes, bytesTotal: h.bytes });
      return { id: name, filename: req.filename ?? 'train.jsonl', bytes: h.bytes, sha256: h.sha256, reused: false };
    });
  }

  private async waitReady(id: string, req: UploadRequest): Promise<void> {
    for (let i = 0; i < 120; i++) {
      const d = decodeFw(FwDatasetSchema, await this.get(`/datasets/${id}`, req.signal), 'dataset');
      if (d.state === 'READY') return;
      if (d.status?.code && d.status.code !== 'OK') throw new Error(`Fireworks could not process the dataset: ${d.status.message ?? d.status.code}`);
      req.onProgress?.({ phase: 'processing', bytesDone: 0, bytesTotal: 0 });
      await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * (i + 1))));
    }
    throw new Error(`Fireworks still lists dataset ${id} as UPLOADING; try again later.`);
  }

  /** An upload whose job could not be created: the dataset is deleted, so nothing half-made stays on the account. */
  deleteFile(fileId: string): Promise<void> {
    return this.call('file', async () => {
      await this.client.delete(`${this.root}/datasets/${encodeURIComponent(lastSegment(fileId))}`);
    });
  }

  createJob(spec: JobCreateSpec, signal?: AbortSignal): Promise<FineTuneJob> {
    return this.call('create', async () => {
      if (spec.method !== 'supervised')
        throw this.unsupported('create', 'Fireworks supervised fine-tuning trains SFT only here; DPO is not offered for Fireworks.');
      const output = spec.suffix ? `${spec.suffix}-${Math.random().toString(36).slice(2, 8).padEnd(6, '0')}` : undefined;
      if (output && !FIREWORKS_ID.test(output))
        throw this.unsupported(
          'create',
          `"${spec.suffix}" cannot name a Fireworks model: ${FIREWORKS_RULES.suffix.characters}, at most ${FIREWORKS_RULES.suffix.maxLength}.`,
        );
      const job = decodeFw(FwJobSchema, await this.post('/supervisedFineTuningJobs', fireworksCreateBody(spec, output), signal), 'job');
      return this.remember(normalizeFireworksJob(this.account, job));
    });
  }

  listJobs(opts: ListOptions = {}): Promise<Page<FineTuneJob>> {
    return this.call('list', async () => {
      const q = new URLSearchParams({ pageSize: String(Math.min(200, opts.limit ?? 50)) });
      if (opts.after) q.set('pageToken', opts.after);
      const r = decodeFw(FwJobListSchema, await this.get(`/supervisedFineTuningJobs?${q.toString()}`, opts.signal), 'job list');
      const jobs = (r.supervisedFineTuningJobs ?? []).map((j) => this.remember(normalizeFireworksJob(this.account, j)));
      return { data: jobs.sort((a, b) => b.createdAt - a.createdAt), hasMore: !!r.nextPageToken, ...(r.nextPageToken ? { nextCursor: r.nextPageToken } : {}) };
    });
  }

  getJob(id: string, signal?: AbortSignal): Promise<FineTuneJob> {
    return this.call('get', async () => this.remember(normalizeFireworksJob(this.account, await this.rawJob(id, signal))));
  }

  private async rawJob(id: string, signal?: AbortSignal) {
    return decodeFw(FwJobSchema, await this.get(`/supervisedFineTuningJobs/${encodeURIComponent(id)}`, signal), 'job');
  }

  /** Fireworks has no events list for supervised jobs: what the job object says (created, progress, outcome). */
  listEvents(jobId: string, opts: ListOptions = {}): Promise<Page<JobEvent>> {
    return this.call('events', async () => ({ data: fireworksEvents(await this.rawJob(jobId, opts.signal)), hasMore: false }));
  }

  listCheckpoints(): Promise<Page<JobCheckpoint>> {
    return Promise.resolve({ data: [], hasMore: false });
  }

  cancel(jobId: string): Promise<FineTuneJob> {
    return this.call('cancel', async () => {
      await this.post(`/supervisedFineTuningJobs/${encodeURIComponent(jobId)}:cancel`, {});
      return normalizeFireworksJob(this.account, await this.rawJob(jobId));
    });
  }

  pause(): Promise<FineTuneJob> {
    return Promise.reject(this.unsupported('pause', 'Fireworks fine-tunes cannot be paused from Socratune; cancel the job instead.'));
  }

  resume(): Promise<FineTuneJob> {
    return Promise.reject(this.unsupported('resume', 'Fireworks fine-tunes cannot be resumed from Socratune.'));
  }

  private unsupported(op: Operation, message: string): BackendError {
    return new BackendError({ kind: 'unsupported', title: `Fireworks AI cannot ${op} this`, message, actions: [] });
  }

  /**
   * The account's fine-tunes (from its succeeded jobs) and the bases Socratune knows; Fireworks' model list is not used.
   * Also takes a fresh look at the deployments, so `chatTarget` (the Models view's "needs a deployment" / "via …") is current.
   */
  listModels(signal?: AbortSignal): Promise<AccountModel[]> {
    return this.call('models', async () => {
      const jobs = (await this.listJobs({ limit: 50, signal })).data;
      await this.deployments(signal).catch(() => undefined);
      const tuned = jobs.flatMap((j) =>
        j.fineTunedModel ? [{ id: j.fineTunedModel, createdAt: j.finishedAt ?? j.createdAt, ownedBy: this.account, fineTuned: true, raw: j.raw }] : [],
      );
      return [...tuned, ...FIREWORKS_TUNABLE.map((m) => ({ id: m.id, createdAt: 0, ownedBy: 'fireworks', fineTuned: false, raw: m }))];
    });
  }

  deleteModel(): Promise<void> {
    return Promise.reject(this.unsupported('delete-model', 'Delete Fireworks models in the Fireworks console or with firectl.'));
  }

  fileContent(): Promise<Buffer> {
    return Promise.reject(this.unsupported('file', 'Fireworks does not offer downloading a dataset back; your local copy is the one to use.'));
  }

  fileInfo(fileId: string, signal?: AbortSignal): Promise<{ id: string; filename: string; bytes: number; purpose: string }> {
    return this.call('file', async () => {
      const d = decodeFw(FwDatasetSchema, await this.get(`/datasets/${encodeURIComponent(lastSegment(fileId))}`, signal), 'dataset');
      return { id: d.name, filename: d.displayName ?? lastSegment(d.name), bytes: 0, purpose: 'fine-tune' };
    });
  }

  private async deployments(signal?: AbortSignal): Promise<FwDeployment[]> {
    const r = decodeFw(FwDeploymentListSchema, await this.get('/deployments?pageSize=200', signal), 'deployment list');
    const list = r.deployments ?? [];
    this.serving.deployments.clear();
    for (const d of list)
      if (d.state !== 'DELETING' && d.state !== 'DELETED') this.serving.deployments.set(d.baseModel, { name: d.name, state: d.state ?? '' });
    return list;
  }

  /** The question `deploy` asks before creating anything billed (it states the price unit). */
  deployQuestion(modelId: string): string {
    return (
      `Create a Fireworks deployment for ${modelId}? Fireworks bills a deployment per GPU-hour while a replica runs ` +
      `(this one: at most ${DEPLOYMENT_PLAN.maxReplicaCount} × ${DEPLOYMENT_PLAN.acceleratorCount} NVIDIA H100 80GB; it scales to zero after 5 idle minutes, ` +
      'so idle time costs nothing and the first request after that waits for a replica to start). Delete it on Fireworks when you are done.'
    );
  }

  /** Makes `modelId` answer: reuses a deployment that serves it, else creates one after `confirm(deployQuestion)` said yes. */
  deploy(modelId: string, confirm: (question: string) => Promise<boolean>, signal?: AbortSignal): Promise<DeployOutcome> {
    return this.call('create', async () => {
      const found = (await this.deployments(signal)).find((d) => d.baseModel === modelId && d.state !== 'DELETING' && d.state !== 'DELETED');
      if (found) return { status: 'exists', deployment: found.name, state: found.state ?? '' };
      if (!(await confirm(this.deployQuestion(modelId)))) return { status: 'declined' };
      const id = `socratune-${lastSegment(modelId)}`.slice(0, 63).replace(/-+$/, '');
      const body = { baseModel: modelId, displayName: `Socratune ${lastSegment(modelId)}`.slice(0, 63), ...DEPLOYMENT_PLAN };
      const d = decodeFw(FwDeploymentSchema, await this.post(`/deployments?deploymentId=${encodeURIComponent(id)}`, body, signal), 'deployment');
      this.serving.deployments.set(modelId, { name: d.name, state: d.state ?? '' });
      return { status: 'created', deployment: d.name, state: d.state ?? '' };
    });
  }

  /**
   * What chat can offer: the account's succeeded fine-tunes (each with `chatTarget`'s verdict after a fresh look at
   * the account's deployments) and the Fireworks bases Socratune knows (served serverless).
   */
  async chatTargets(signal?: AbortSignal): Promise<ChatTargetInfo[]> {
    const jobs = await this.listJobs({ limit: 50, signal }).then(
      (p) => p.data,
      (err: unknown) => {
        if (signal?.aborted) throw err;
        return [] as FineTuneJob[];
      },
    );
    await this.call('models', () => this.deployments(signal)).catch(() => undefined);
    const out: ChatTargetInfo[] = [];
    const seen = new Set<string>();
    for (const job of jobs) {
      if (job.status !== 'succeeded' || !job.fineTunedModel || seen.has(job.fineTunedModel)) continue;
      seen.add(job.fineTunedModel);
      out.push({
        id: job.fineTunedModel,
        kind: 'fine-tuned',
        target: this.chatTarget(job.fineTunedModel),
        baseModel: job.baseModel,
        jobId: job.id,
        createdAt: job.finishedAt ?? job.createdAt,
      });
    }
    for (const m of FIREWORKS_TUNABLE) out.push({ id: m.id, kind: 'base', target: this.chatTarget(m.id) });
    return out;
  }

  /**
   * How to chat with `modelId` on Fireworks (the one place this is decided): Fireworks bases answer serverless; a
   * fine-tune answers through its READY deployment (`<model>#<deployment>`), or by name when its base serves LoRA
   * serverless; a fine-tune known to have neither needs a deployment first.
   */
  chatTarget(modelId: string): ChatTarget {
    if (modelId.startsWith('accounts/fireworks/') || modelId.includes('#')) return { ok: true, model: modelId };
    const dep = this.serving.deployments.get(modelId);
    if (dep?.state === 'READY')
      return { ok: true, model: `${modelId}#${dep.name}`, note: `Served by Fireworks deployment ${dep.name} (billed per GPU-hour while a replica runs).` };
    const base = this.serving.trained.get(modelId);
    if (base && FIREWORKS_SERVERLESS_LORA.has(base)) return { ok: true, model: modelId, note: 'Fireworks serves this LoRA serverless (billed per token).' };
    if (dep)
      return {
        ok: false,
        reason: 'needs-deployment',
        message: `Fireworks deployment ${dep.name} for ${modelId} is ${dep.state || 'starting'}; chat once it is READY.`,
      };
    if (base === undefined) return { ok: true, model: modelId };
    return {
      ok: false,
      reason: 'needs-deployment',
      message:
        `Fireworks serves ${modelId} only through a deployment, billed per GPU-hour while a replica runs. ` +
        'Run "Socratune: Deploy Model on Fireworks…" (it states the price and asks before creating anything), ' +
        `or create one yourself with \`firectl create deployment ${modelId}\`.`,
    };
  }
}
