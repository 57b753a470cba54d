/**
 * One fine-tuning interface for every provider Socratune drives through the `openai` SDK.
 * Everything returned is normalized, and every normalized object keeps the provider's `raw` object
 * so provider-specific fields (Azure `trainingType`, OpenAI `usage_metrics`, …) are never lost.
 */
import type { ProviderKind } from '../config/profile';
import type { JobStatus } from '../jobs/status';
import type { LaunchRules } from './rules';

export type BackendKind = ProviderKind;

export interface BackendCapabilities {
  /** `GET /fine_tuning/jobs/{id}/events` is served. */
  readonly events: boolean;
  /** `GET /fine_tuning/jobs/{id}/checkpoints` is served. */
  readonly checkpoints: boolean;
  readonly cancel: boolean;
  /** `POST …/pause` and `…/resume`. */
  readonly pauseResume: boolean;
  /** Direct preference optimization (`method.type = "dpo"`). */
  readonly dpo: boolean;
  /** Jobs accept and return `metadata` (OpenAI-style key/value pairs). */
  readonly metadata: boolean;
  /** A fine-tuned model must be deployed under a deployment name before chat (Azure). */
  readonly needsDeployment: boolean;
  /** Fine-tuned models can be deleted with `DELETE /models/{id}`. */
  readonly deleteModels: boolean;
  /** Hyperparameters use OpenAI names (`learning_rate_multiplier`); false = provider-specific names. */
  readonly openaiHyperparameters: boolean;
}

export type TrainingMethod = 'supervised' | 'dpo';

export interface TunableModel {
  readonly id: string;
  readonly label: string;
  readonly methods: readonly TrainingMethod[];
  /** Max tokens per training example, when known. */
  readonly maxExampleTokens?: number;
  /** YYYY-MM-DD, when the provider announces one: the model and its fine-tunes stop answering. */
  readonly shutdownDate?: string;
  /** YYYY-MM-DD, when new fine-tuning jobs on it stop, if earlier than `shutdownDate` (Azure). */
  readonly trainingEnds?: string;
  /** True when the provider listed it; false when it comes from Socratune's table only. */
  readonly listed: boolean;
  /** This model's own launch rules, when the provider states per-model limits (Together); else the backend's. */
  readonly launchRules?: LaunchRules;
}

export type HyperparameterValue = 'auto' | number;

export interface Hyperparameters {
  readonly nEpochs?: HyperparameterValue;
  readonly batchSize?: HyperparameterValue;
  readonly learningRateMultiplier?: HyperparameterValue;
  /** DPO only. */
  readonly beta?: HyperparameterValue;
  /** Absolute learning rate (Together, Fireworks); OpenAI takes a multiplier instead. */
  readonly learningRate?: HyperparameterValue;
  /** LoRA rank, alpha and dropout (Together). */
  readonly loraRank?: HyperparameterValue;
  readonly loraAlpha?: HyperparameterValue;
  readonly loraDropout?: HyperparameterValue;
  /** Share of the steps used for learning-rate warm-up (Together). */
  readonly warmupRatio?: HyperparameterValue;
  /** Checkpoints saved and evaluations run during training (Together). */
  readonly nCheckpoints?: HyperparameterValue;
  readonly nEvals?: HyperparameterValue;
  /** Longest training example in tokens (Fireworks `maxContextLength`). */
  readonly maxContextLength?: HyperparameterValue;
}

export interface JobError {
  readonly code?: string;
  readonly message: string;
  readonly param?: string;
}

export interface FineTuneJob {
  readonly id: string;
  /** `local`: a run on this machine (src/core/local/localJob.ts), which no backend lists. */
  readonly backend: BackendKind | 'local';
  readonly status: JobStatus;
  /** The provider's own status string. */
  readonly rawStatus: string;
  readonly baseModel: string;
  /** ms since epoch */
  readonly createdAt: number;
  readonly finishedAt?: number;
  readonly estimatedFinish?: number;
  readonly fineTunedModel?: string;
  readonly trainedTokens?: number;
  readonly trainingFile: string;
  readonly validationFile?: string;
  readonly resultFiles: readonly string[];
  readonly method: string;
  readonly hyperparameters: Hyperparameters;
  readonly suffix?: string;
  readonly seed?: number;
  readonly metadata: Readonly<Record<string, string>>;
  /** Only set when the job really failed (`error: {}` on healthy jobs is ignored). */
  readonly error?: JobError;
  readonly raw: unknown;
}

export interface JobEvent {
  readonly id: string;
  /** ms since epoch */
  readonly createdAt: number;
  readonly level: 'info' | 'warn' | 'error' | string;
  readonly message: string;
  readonly type?: string;
  /** Numeric fields of `data` for metrics events (step, train_loss, …). */
  readonly metrics?: Readonly<Record<string, number>>;
  readonly raw: unknown;
}

export interface JobCheckpoint {
  readonly id: string;
  readonly jobId: string;
  readonly createdAt: number;
  /** The model ID to chat with this checkpoint. */
  readonly modelId: string;
  readonly step: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly raw: unknown;
}

export interface AccountModel {
  readonly id: string;
  readonly createdAt: number;
  readonly ownedBy: string;
  /** YYYY-MM-DD or undefined. */
  readonly shutdownDate?: string;
  /** True for fine-tuned models and checkpoints (ft:…, <base>.ft-…, …:ckpt-step-N). */
  readonly fineTuned: boolean;
  readonly raw: unknown;
}

export interface Page<T> {
  readonly data: readonly T[];
  readonly hasMore: boolean;
  /** Pass as `after` to get the next page. */
  readonly nextCursor?: string;
}

export interface ListOptions {
  readonly after?: string;
  readonly limit?: number;
  readonly signal?: AbortSignal;
}

export interface JobCreateSpec {
  readonly baseModel: string;
  readonly trainingFileId: string;
  readonly validationFileId?: string;
  readonly method: TrainingMethod;
  readonly hyperparameters: Hyperparameters;
  readonly suffix?: string;
  readonly seed?: number;
  readonly metadata?: Readonly<Record<string, string>>;
  /** Provider passthrough fields merged into the request body (e.g. Azure `trainingType`). */
  readonly extraBody?: Readonly<Record<string, unknown>>;
}

export type UploadPhase = 'hashing' | 'checking' | 'uploading' | 'processing' | 'reused' | 'done';

export interface UploadProgress {
  readonly phase: UploadPhase;
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

export interface UploadRequest {
  /** Absolute path to a local JSONL file. */
  readonly path: string;
  /** Name sent to the server; the content hash is added so identical files can be found again. */
  readonly filename?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: UploadProgress) => void;
  /** Wait until the server reports the file processed (default true). */
  readonly waitForProcessing?: boolean;
}

export interface UploadedFile {
  readonly id: string;
  readonly filename: string;
  readonly bytes: number;
  /** sha256 of the content, hex. */
  readonly sha256: string;
  /** True when an identical file already on the server was reused instead of uploading again. */
  readonly reused: boolean;
}

/** Remembers which server file holds which content, per backend base URL. */
export interface UploadCache {
  get(key: string): Promise<string | undefined> | string | undefined;
  set(key: string, fileId: string): Promise<void> | void;
  delete(key: string): Promise<void> | void;
}

/**
 * How to chat with a fine-tuned model or checkpoint on this backend.
 * - `ok: true`: send `model` as the chat request's `model` field (an Azure deployment name, a dedicated
 *   endpoint's model name, or the ID itself); `note` says how it is addressed, when that is not the ID.
 * - `ok: false`: the model exists but does not answer chat requests yet; `message` tells the user what to do
 *   (deploy it, start a dedicated endpoint, …). Nothing billed is ever started on the user's behalf.
 */
export type ChatTarget =
  | { readonly ok: true; readonly model: string; readonly note?: string }
  | { readonly ok: false; readonly reason: ChatUnavailableReason; readonly message: string };

/**
 * Why a listed model cannot be chatted with yet:
 * - `needs-deployment`: the provider serves fine-tunes only through a user-created deployment (Azure).
 * - `needs-endpoint`: the provider serves it only on a dedicated endpoint the user must start (Together, Fireworks…).
 */
export type ChatUnavailableReason = 'needs-deployment' | 'needs-endpoint';

/** What a chat target is, for the picker's grouping: a base model, a fine-tuned model, or one checkpoint of a job. */
export type ChatTargetKind = 'base' | 'fine-tuned' | 'checkpoint';

/**
 * One thing the chat picker can offer on this backend (from `FineTuneBackend.chatTargets`). The backend decides
 * what can be chatted with and under which ID, so the chat never guesses from ID shapes.
 */
export interface ChatTargetInfo {
  /** The ID shown in the picker and remembered as the selection: the model or checkpoint ID as the provider names it. */
  readonly id: string;
  readonly kind: ChatTargetKind;
  /** Whether it answers now, and under which `model` name; or why not. Same as `chatTarget(id)`. */
  readonly target: ChatTarget;
  /** For fine-tuned models and checkpoints: the base model it was trained from, when known (job or ID). */
  readonly baseModel?: string;
  /** The fine-tuning job that produced it, when known. */
  readonly jobId?: string;
  /** ms since epoch, when known (newest fine-tune first is the picker's default choice). */
  readonly createdAt?: number;
  /** Short extra facts for the picker, e.g. "step 12 · valid loss 0.812" or "shuts down 2027-01-14". */
  readonly detail?: string;
}

/** What `deploy` did: reused a deployment that serves the model, created one, or stopped because the user said no. */
export type DeployOutcome = { readonly status: 'exists' | 'created'; readonly deployment: string; readonly state: string } | { readonly status: 'declined' };

export interface FineTuneBackend {
  readonly kind: BackendKind;
  readonly label: string;
  readonly baseURL: string;
  readonly capabilities: BackendCapabilities;
  /** What a launch on this backend asks and checks (hyperparameters, suffix, limits, choices, cost model). */
  readonly launchRules: LaunchRules;
  /** Base models this backend can fine-tune, best first. */
  tunableModels(signal?: AbortSignal): Promise<TunableModel[]>;
  upload(req: UploadRequest): Promise<UploadedFile>;
  createJob(spec: JobCreateSpec, signal?: AbortSignal): Promise<FineTuneJob>;
  /** Newest first. */
  listJobs(opts?: ListOptions): Promise<Page<FineTuneJob>>;
  getJob(id: string, signal?: AbortSignal): Promise<FineTuneJob>;
  /** Newest first, as the API returns them. */
  listEvents(jobId: string, opts?: ListOptions): Promise<Page<JobEvent>>;
  listCheckpoints(jobId: string, opts?: ListOptions): Promise<Page<JobCheckpoint>>;
  cancel(jobId: string): Promise<FineTuneJob>;
  pause(jobId: string): Promise<FineTuneJob>;
  resume(jobId: string): Promise<FineTuneJob>;
  listModels(signal?: AbortSignal): Promise<AccountModel[]>;
  deleteModel(modelId: string): Promise<void>;
  /** Raw bytes of a server file (training data, results CSV). */
  fileContent(fileId: string, signal?: AbortSignal): Promise<Buffer>;
  /** Filename and size of a server file, when the server still serves it. */
  fileInfo(fileId: string, signal?: AbortSignal): Promise<{ id: string; filename: string; bytes: number; purpose: string }>;
  /**
   * The provider's own price estimate for a job on uploaded files (Together's needs the files, so it runs after the
   * consent step); `allowed: false` = the provider would refuse it (over the account's limit).
   */
  estimatePrice?(spec: JobCreateSpec, signal?: AbortSignal): Promise<{ usd: number; allowed: boolean; trainTokens?: number }>;
  /** Deletes an uploaded file (an upload whose job could not be created). */
  deleteFile?(fileId: string): Promise<void>;
  /**
   * Backends whose fine-tunes answer only once deployed (Fireworks): makes `modelId` answer, creating a billed
   * deployment only after `confirm` accepted the question (which states the price unit).
   */
  deploy?(modelId: string, confirm: (question: string) => Promise<boolean>, signal?: AbortSignal): Promise<DeployOutcome>;
  /** How to address one model or checkpoint in a chat request (see `ChatTarget`). */
  chatTarget(modelId: string): ChatTarget;
  /**
   * Everything the chat picker can offer: chat-capable base models the server lists, the account's fine-tuned
   * models and the checkpoints of recent succeeded jobs, each with the ID to send (`target`). Fine-tuned models a
   * backend lists but cannot serve yet are included with `target.ok === false`, so the picker can explain why.
   * Endpoints the server lacks (no fine-tuning API, no checkpoints) yield fewer entries, never an error; only a
   * failure to list models at all rejects (with a `BackendError`).
   */
  chatTargets(signal?: AbortSignal): Promise<ChatTargetInfo[]>;
}
