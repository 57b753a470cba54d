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
import * as v from 'valibot';
import { decode } from '../../shared/decode';
import type { Hyperparameters, TrainingMethod } from '../backends/types';
import { PROVIDER_KINDS } from '../config/profile';
import { writeFileDurable } from '../fs/durable';

const HyperparameterValueSchema = v.union([v.literal('auto'), v.number()]);

const ManifestFileSchema = v.object({
  /** Absolute local path at launch time. */
  path: v.string(),
  sha256: v.string(),
  bytes: v.number(),
  fileId: v.string(),
  filename: v.string(),
  reused: v.boolean(),
});

/** The manifest file's schema: the one source of the type and of the guard `load` applies to what it reads. */
const JobManifestSchema = v.object({
  version: v.literal(1),
  jobId: v.string(),
  createdAt: v.string(),
  backend: v.object({ kind: v.picklist(PROVIDER_KINDS), label: v.string(), baseURL: v.string() }),
  dataset: v.object({
    name: v.string(),
    /** Absolute path of the dataset folder. */
    folder: v.string(),
    /** Hash over the training and validation files' hashes (`datasetContentHash`). */
    sha256: v.string(),
    examples: v.optional(v.number()),
    preference: v.optional(v.boolean()),
  }),
  systemPrompt: v.optional(v.object({ text: v.string(), sha256: v.string() })),
  files: v.object({ training: ManifestFileSchema, validation: v.optional(ManifestFileSchema) }),
  baseModel: v.string(),
  method: v.picklist(['supervised', 'dpo'] satisfies TrainingMethod[]),
  hyperparameters: v.record(v.string(), HyperparameterValueSchema),
  suffix: v.optional(v.string()),
  seed: v.optional(v.number()),
  /** The backend's own choices as sent, by body field (Azure `trainingType`: `globalstandard`…; Together `training_type`). */
  choices: v.optional(v.record(v.string(), v.string())),
  metadata: v.record(v.string(), v.string()),
  estimatedCostUsd: v.optional(v.number()),
  /** The job this one repeats, if launched with "Re-run on…". */
  rerunOf: v.optional(v.object({ jobId: v.string(), backend: v.picklist(PROVIDER_KINDS) })),
});

export type ManifestFile = Readonly<v.InferOutput<typeof ManifestFileSchema>>;
export type JobManifest = Readonly<Omit<v.InferOutput<typeof JobManifestSchema>, 'hyperparameters'>> & { readonly hyperparameters: Hyperparameters };

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

  /** The manifest of `jobId`, or undefined when there is none or it is not a manifest (never a half-typed value). */
  async load(jobId: string): Promise<JobManifest | undefined> {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(this.file(jobId), 'utf8'));
    } catch {
      return undefined;
    }
    const m = decode(JobManifestSchema, raw);
    return m.ok ? m.value : undefined;
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
