/**
 * The job manifest: everything needed to repeat a fine-tune on another backend ("Re-run on…"):
 * dataset (name, folder, content hash), training system prompt (+ hash), uploaded files, base model,
 * method, hyperparameters, suffix, seed and the backend it ran on. Stored locally, one JSON per job.
 * The job's server-side `metadata` carries the dataset name and the two hashes, so a job can be tied to
 * its dataset version even without the manifest.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { BackendKind, Hyperparameters, TrainingMethod } from '../backends/types';
import { writeFileDurable } from '../fs/durable';

export interface ManifestFile {
  /** Absolute local path at launch time. */
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly fileId: string;
  readonly filename: string;
  readonly reused: boolean;
}

export interface JobManifest {
  readonly version: 1;
  readonly jobId: string;
  readonly createdAt: string;
  readonly backend: { readonly kind: BackendKind; readonly label: string; readonly baseURL: string };
  readonly dataset: {
    readonly name: string;
    /** Absolute path of the dataset folder. */
    readonly folder: string;
    /** Hash over the training and validation files' hashes (`datasetContentHash`). */
    readonly sha256: string;
    readonly examples?: number;
    readonly preference?: boolean;
  };
  readonly systemPrompt?: { readonly text: string; readonly sha256: string };
  readonly files: { readonly training: ManifestFile; readonly validation?: ManifestFile };
  readonly baseModel: string;
  readonly method: TrainingMethod;
  readonly hyperparameters: Hyperparameters;
  readonly suffix?: string;
  readonly seed?: number;
  /** The backend's own choices as sent, by body field (Azure `trainingType`: `globalstandard`…; Together `training_type`). */
  readonly choices?: Readonly<Record<string, string>>;
  readonly metadata: Readonly<Record<string, string>>;
  readonly estimatedCostUsd?: number;
  /** The job this one repeats, if launched with "Re-run on…". */
  readonly rerunOf?: { readonly jobId: string; readonly backend: BackendKind };
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** One hash for a dataset version: its training file's hash and, if present, its validation file's. */
export function datasetContentHash(trainingSha256: string, validationSha256?: string): string {
  return sha256Hex(`train:${trainingSha256}\nvalidation:${validationSha256 ?? ''}`);
}

/** Metadata keys Socratune writes on jobs (OpenAI: ≤16 pairs, keys ≤64 chars, values ≤512 chars). */
export const METADATA_KEYS = {
  dataset: 'socratune_dataset',
  datasetHash: 'socratune_dataset_sha256',
  promptHash: 'socratune_prompt_sha256',
  tool: 'socratune',
} as const;

export function buildJobMetadata(m: { datasetName: string; datasetSha256: string; promptSha256?: string; toolVersion?: string }): Record<string, string> {
  const out: Record<string, string> = {
    [METADATA_KEYS.dataset]: m.datasetName.slice(0, 512),
    [METADATA_KEYS.datasetHash]: m.datasetSha256,
  };
  if (m.promptSha256) out[METADATA_KEYS.promptHash] = m.promptSha256;
  if (m.toolVersion) out[METADATA_KEYS.tool] = m.toolVersion.slice(0, 512);
  return out;
}

export function readJobMetadata(md: Readonly<Record<string, string>>): { datasetName?: string; datasetSha256?: string; promptSha256?: string } {
  return { datasetName: md[METADATA_KEYS.dataset], datasetSha256: md[METADATA_KEYS.datasetHash], promptSha256: md[METADATA_KEYS.promptHash] };
}

function isManifest(v: unknown): v is JobManifest {
  const m = v as Partial<JobManifest> | null;
  return (
    !!m &&
    m.version === 1 &&
    typeof m.jobId === 'string' &&
    typeof m.baseModel === 'string' &&
    !!m.files?.training &&
    !!m.dataset &&
    !!m.backend &&
    (m.choices === undefined || isStringRecord(m.choices))
  );
}

function isStringRecord(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

/** Manifests as `<dir>/<jobId>.json`, written durably (temp file → fsync → rename → fsync folder). */
export class ManifestStore {
  constructor(readonly dir: string) {}

  private file(jobId: string): string {
    return path.join(this.dir, `${jobId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  }

  async save(m: JobManifest): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const target = this.file(m.jobId);
    await writeFileDurable(target, JSON.stringify(m, null, 2) + '\n');
    return target;
  }

  async load(jobId: string): Promise<JobManifest | undefined> {
    try {
      const v: unknown = JSON.parse(await readFile(this.file(jobId), 'utf8'));
      return isManifest(v) ? v : undefined;
    } catch {
      return undefined;
    }
  }

  async list(): Promise<JobManifest[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: JobManifest[] = [];
    for (const n of names.filter((x) => x.endsWith('.json'))) {
      const m = await this.load(n.slice(0, -'.json'.length));
      if (m) out.push(m);
    }
    return out;
  }
}
