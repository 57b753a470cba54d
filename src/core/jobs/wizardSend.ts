/**
 * The launch wizard's sending side, used only after the user consented (./wizard): uploading the dataset, deleting an
 * upload no job got, and the manifest that records what was sent. Also the consent step's description of the local
 * files (nothing is read from the server for it).
 */
import { stat } from 'node:fs/promises';
import { BackendError } from '../backends/openaiShape';
import type { BackendErrorInfo } from '../backends/errors';
import type { FineTuneBackend, FineTuneJob, Hyperparameters, JobCreateSpec, TrainingMethod, UploadedFile, UploadProgress } from '../backends/types';
import type { JobManifest, ManifestFile } from './manifest';
import type { CostInfo, DatasetCheck, DatasetRef, LaunchSummary, OutgoingFile, WizardDeps, WizardPreset, WizardResult, WizardUi } from './wizard';

export function isAbort(err: unknown): boolean {
  return (
    (err instanceof BackendError && err.info.kind === 'aborted') || (err instanceof Error && (err.name === 'AbortError' || err.name === 'APIUserAbortError'))
  );
}

export function infoOf(err: unknown): BackendErrorInfo {
  if (err instanceof BackendError) return err.info;
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'unknown', title: message.slice(0, 120), message, actions: ['showLog'] };
}

/** `My Journal (v2)` → `my-journal-v2`, valid as a model suffix. */
function suffixFromName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

function percent(p: UploadProgress): string {
  return p.bytesTotal > 0 ? `${Math.floor((100 * p.bytesDone) / p.bytesTotal)}%` : '';
}

export interface ManifestParts {
  readonly deps: WizardDeps;
  readonly job: FineTuneJob;
  readonly dataset: DatasetRef;
  readonly check: DatasetCheck;
  readonly files: Uploaded;
  readonly model: string;
  readonly method: TrainingMethod;
  readonly hp: Hyperparameters;
  readonly suffix?: string;
  readonly seed?: number;
  /** The backend's own choices as sent. */
  readonly choices: Readonly<Record<string, string>>;
  readonly metadata: Record<string, string>;
  readonly dsHash: string;
  readonly promptHash?: string;
  readonly cost: CostInfo | null;
  readonly preset: WizardPreset;
}

export function buildManifest(p: ManifestParts): JobManifest {
  const { deps, job, dataset, check, files, model, method, hp, suffix, seed, choices, metadata, dsHash, promptHash, cost, preset } = p;
  const backend = deps.backend;
  const manifestFile = (path: string, f: UploadedFile): ManifestFile => ({
    path,
    sha256: f.sha256,
    bytes: f.bytes,
    fileId: f.id,
    filename: f.filename,
    reused: f.reused,
  });
  return {
    version: 1,
    jobId: job.id,
    createdAt: (deps.now?.() ?? new Date()).toISOString(),
    backend: { kind: backend.kind, label: backend.label, baseURL: backend.baseURL },
    dataset: { name: dataset.name, folder: dataset.folder, sha256: dsHash, examples: check.examples, preference: method === 'dpo' },
    systemPrompt: dataset.systemPrompt !== undefined && promptHash ? { text: dataset.systemPrompt, sha256: promptHash } : undefined,
    files: {
      training: manifestFile(dataset.trainPath, files.training),
      validation: dataset.validationPath && files.validation ? manifestFile(dataset.validationPath, files.validation) : undefined,
    },
    baseModel: model,
    method,
    hyperparameters: hp,
    suffix,
    seed,
    ...(Object.keys(choices).length > 0 ? { choices: { ...choices } } : {}),
    metadata,
    estimatedCostUsd: cost?.usd,
    rerunOf: preset.rerunOf,
  };
}

/**
 * The provider's own estimate once the files are up (Together): a job the provider would refuse stops here, and its
 * uploads are deleted again. `usd` is recorded in the manifest.
 */
export async function serverPrice(backend: FineTuneBackend, ui: WizardUi, spec: JobCreateSpec, files: Uploaded): Promise<{ usd?: number } | WizardResult> {
  if (!backend.estimatePrice) return {};
  try {
    const p = await backend.estimatePrice(spec);
    if (p.allowed) return { usd: p.usd };
    const cleanup = (await deleteUnused(backend, files)) ?? '';
    const message =
      `${backend.label} estimates this job at $${p.usd.toFixed(2)} and says it exceeds your account's limit; nothing was started. ${cleanup}`.trim();
    await ui.showMessage(message);
    return { status: 'blocked', step: 'create', message };
  } catch (err) {
    return createFailed(backend, files, ui, err);
  }
}

export type Uploaded = { training: UploadedFile; validation?: UploadedFile };

/** Uploads the dataset's files (after consent only). */
export async function uploadFiles(backend: FineTuneBackend, ui: WizardUi, dataset: DatasetRef): Promise<Uploaded | WizardResult> {
  try {
    return await ui.withProgress(`Uploading ${dataset.name} to ${backend.label}`, async (report, signal) => {
      const one = async (file: string, role: 'train' | 'validation'): Promise<UploadedFile> => {
        let last = 0;
        const name = `${suffixFromName(dataset.name) || 'dataset'}-${role}.jsonl`;
        return backend.upload({
          path: file,
          filename: name,
          signal,
          onProgress: (p) => {
            if (p.phase === 'uploading') {
              const pct = p.bytesTotal > 0 ? (100 * p.bytesDone) / p.bytesTotal : 0;
              const inc = Math.max(0, (pct - last) / (dataset.validationPath ? 2 : 1));
              last = pct;
              report(`${role}: uploading ${percent(p)}`, inc);
            } else if (p.phase === 'reused') report(`${role}: identical file already on the server — reused`, 100 / (dataset.validationPath ? 2 : 1));
            else if (p.phase === 'hashing') report(`${role}: hashing ${percent(p)}`);
            else if (p.phase === 'checking') report(`${role}: looking for an identical uploaded file…`);
            else if (p.phase === 'processing') report(`${role}: waiting for the server to process the file…`);
          },
        });
      };
      const training = await one(dataset.trainPath, 'train');
      if (!dataset.validationPath) return { training };
      try {
        return { training, validation: await one(dataset.validationPath, 'validation') };
      } catch (err) {
        await deleteUnused(backend, { training }); // the training file alone serves no job
        throw err;
      }
    });
  } catch (err) {
    if (isAbort(err)) return { status: 'cancelled', step: 'upload' };
    const info = infoOf(err);
    await ui.showError(info);
    return { status: 'failed', step: 'upload', error: info };
  }
}

/** The local files the launch will send, with their sizes and example counts, for the consent step. */
export async function outgoingFiles(dataset: DatasetRef, check: DatasetCheck): Promise<LaunchSummary['files']> {
  const training: OutgoingFile = { path: dataset.trainPath, bytes: (await stat(dataset.trainPath)).size, examples: check.examples };
  const validation: OutgoingFile | undefined = dataset.validationPath
    ? { path: dataset.validationPath, bytes: (await stat(dataset.validationPath)).size, examples: check.validationExamples ?? 0 }
    : undefined;
  return { training, validation };
}

/** Deletes the files uploaded for a job that was not created (reused ones belong to earlier jobs); says what happened. */
export async function deleteUnused(backend: FineTuneBackend, files: Uploaded): Promise<string | undefined> {
  const fresh = [files.training, files.validation].filter((f): f is UploadedFile => f !== undefined && !f.reused);
  if (fresh.length === 0) return undefined;
  const left: string[] = [];
  for (const f of fresh) {
    try {
      if (!backend.deleteFile) throw new Error('no delete');
      await backend.deleteFile(f.id);
    } catch {
      left.push(f.id);
    }
  }
  return left.length === 0
    ? `The file(s) uploaded for it were deleted again (${fresh.map((f) => f.id).join(', ')}).`
    : `The uploaded file(s) ${left.join(', ')} could not be deleted; they stay on ${backend.label} until you delete them.`;
}

/** A job that could not be created: its unused uploads are deleted again, and the error says so. */
export async function createFailed(backend: FineTuneBackend, files: Uploaded, ui: WizardUi, err: unknown): Promise<WizardResult> {
  const info = infoOf(err);
  const cleanup = await deleteUnused(backend, files);
  const shown: BackendErrorInfo = cleanup ? { ...info, message: `${info.message} ${cleanup}` } : info;
  await ui.showError(shown);
  return { status: 'failed', step: 'create', error: shown };
}
