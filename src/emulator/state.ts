import type OpenAI from 'openai';
import type { LearnedReply } from './dataset';
import type { IdFactory } from './random';

/** The public job object. OpenAI also returns `paused` and `user_provided_suffix`, which the SDK types omit. */
export type JobStatus = OpenAI.FineTuning.FineTuningJob['status'] | 'paused';
export type EmulatedJob = Omit<OpenAI.FineTuning.FineTuningJob, 'status'> & {
  status: JobStatus;
  user_provided_suffix: string | null;
};

export type Hyper = { batch_size?: 'auto' | number; learning_rate_multiplier?: 'auto' | number; n_epochs?: 'auto' | number; beta?: 'auto' | number };

export interface StoredFile {
  seq: number;
  meta: OpenAI.Files.FileObject;
  content: Buffer;
}

export interface JobFailure {
  readonly at: 'validating' | 'running';
  readonly step?: number;
  readonly code?: string;
  readonly message?: string;
}

export interface JobRecord {
  seq: number;
  job: EmulatedJob;
  createdMs: number;
  methodType: 'supervised' | 'dpo';
  /** Hyperparameters as the client sent them ('auto' until the job starts running). */
  requested: Hyper;
  /** Outcome of the file check done at creation, revealed when validation ends. */
  validationError: { code: string; message: string; param: string | null } | null;
  nTrain: number;
  nValid: number;
  tokensPerEpoch: number;
  /** Name the model gets on success (hidden until then). */
  plannedModel: string;
  replies: LearnedReply[];
  failure: JobFailure | null;
  events: OpenAI.FineTuning.FineTuningJobEvent[];
  checkpoints: OpenAI.FineTuning.Jobs.FineTuningJobCheckpoint[];
  csvRows: string[];
  cursor: number;
  pausedTotalMs: number;
  pausedAtMs: number | null;
  /** A provider flavor's own request fields (Together's learning_rate, LoRA settings…), kept as sent. */
  flavorData?: Record<string, unknown>;
}

export interface FineTunedModel {
  seq: number;
  model: OpenAI.Models.Model;
  jobId: string;
  base: string;
  replies: LearnedReply[];
  deleted: boolean;
}

export interface UploadRecord {
  seq: number;
  upload: OpenAI.Uploads.Upload;
  parts: Map<string, Buffer>;
  fileExpiresAt?: number;
}

/** A Fireworks flavor dataset (`accounts/<acct>/datasets/<id>`); its content is the stored file `fileId` once uploaded. */
export interface FireworksDataset {
  id: string;
  displayName: string;
  createMs: number;
  updateMs: number;
  format: string;
  fileId?: string;
  exampleCount?: number;
  tokens?: number;
}

/** A Fireworks flavor deployment: CREATING until `readyMs`, then READY (billed per GPU-hour on Fireworks). */
export interface FireworksDeployment {
  id: string;
  baseModel: string;
  displayName: string;
  createMs: number;
  readyMs: number;
  minReplicaCount: number;
  maxReplicaCount: number;
  acceleratorType: string;
  acceleratorCount: number;
}

export interface EmulatorState {
  files: Map<string, StoredFile>;
  jobs: Map<string, JobRecord>;
  models: Map<string, FineTunedModel>;
  uploads: Map<string, UploadRecord>;
  /** The Fireworks flavor's datasets and deployments (empty in other flavors). */
  fireworks: { datasets: Map<string, FireworksDataset>; deployments: Map<string, FireworksDeployment> };
  ids: IdFactory;
  seq: number;
}

export function nextSeq(state: EmulatorState): number {
  return ++state.seq;
}
