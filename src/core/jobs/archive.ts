/**
 * Archive every fine-tune of the account into a folder, before OpenAI's 2027-01-06 cutoff makes the
 * retrain loop impossible: per job `job.json` (the provider's raw object), `events.json` (all events,
 * oldest first), `checkpoints.json`, the training/validation files and the results CSV (decoded if it
 * came base64-encoded), plus an index for the run.
 *
 * Resumable and never overwriting: every file is created exclusively (`wx`); a file that already exists
 * is kept and counted as "kept". Rerunning after an interruption fills in only what is missing.
 * A file the server no longer serves (or refuses, e.g. 400 "Not allowed to download") is recorded in
 * the index with the reason; it does not stop the archive.
 */
import { access, mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { BackendError } from '../backends/openaiShape';
import type { FineTuneBackend, FineTuneJob, JobCheckpoint, JobEvent } from '../backends/types';
import { decodeResultsFile } from './metrics';

export interface ArchiveProgress {
  readonly jobsDone: number;
  /** Known once the listing finished. */
  readonly jobsTotal?: number;
  readonly message: string;
}

export interface ArchiveOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ArchiveProgress) => void;
  /** Timestamp for the index file names (injected for tests). */
  readonly now?: () => Date;
}

export type FileOutcome = 'written' | 'kept' | 'unavailable';

export interface ArchivedFile {
  readonly name: string;
  readonly outcome: FileOutcome;
  readonly reason?: string;
}

export interface ArchivedJob {
  readonly id: string;
  readonly status: string;
  readonly baseModel: string;
  readonly fineTunedModel?: string;
  readonly createdAt: string;
  readonly folder: string;
  readonly files: readonly ArchivedFile[];
}

export interface ArchiveReport {
  readonly root: string;
  readonly jobs: readonly ArchivedJob[];
  readonly written: number;
  readonly kept: number;
  readonly unavailable: number;
  readonly indexFiles: readonly string[];
  readonly cancelled: boolean;
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120) || 'file';
}

function reasonOf(err: unknown): string {
  if (err instanceof BackendError) return err.info.message;
  return err instanceof Error ? err.message : String(err);
}

/** Create a file only if it does not exist. */
async function writeNew(file: string, data: string | Uint8Array): Promise<'written' | 'kept'> {
  try {
    await writeFile(file, data, { flag: 'wx' });
    return 'written';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return 'kept';
    throw err;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

async function allPages<T>(
  fetch: (after: string | undefined) => Promise<{ data: readonly T[]; hasMore: boolean; nextCursor?: string }>,
  signal?: AbortSignal,
): Promise<T[]> {
  const out: T[] = [];
  let after: string | undefined;
  for (let i = 0; i < 10_000; i++) {
    signal?.throwIfAborted();
    const page = await fetch(after);
    out.push(...page.data);
    if (!page.hasMore || !page.nextCursor) break;
    after = page.nextCursor;
  }
  return out;
}

export async function archiveAll(backend: FineTuneBackend, root: string, opts: ArchiveOptions = {}): Promise<ArchiveReport> {
  const { signal } = opts;
  const report = opts.onProgress ?? (() => undefined);
  await mkdir(root, { recursive: true });
  report({ jobsDone: 0, message: 'Listing fine-tune jobs…' });
  const jobs = await allPages<FineTuneJob>((after) => backend.listJobs({ after, limit: 100, signal }), signal);
  const archived: ArchivedJob[] = [];
  let cancelled = false;
  for (const job of jobs) {
    if (signal?.aborted) {
      cancelled = true;
      break;
    }
    report({ jobsDone: archived.length, jobsTotal: jobs.length, message: `${job.id} (${job.baseModel})` });
    try {
      archived.push(await archiveJob(backend, job, root, signal));
    } catch (err) {
      if (signal?.aborted) {
        cancelled = true;
        break;
      }
      throw err;
    }
  }
  report({ jobsDone: archived.length, jobsTotal: jobs.length, message: 'Writing the index…' });
  const stamp = (opts.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
  const counts = { written: 0, kept: 0, unavailable: 0 };
  for (const j of archived) for (const f of j.files) counts[f.outcome]++;
  const index = {
    archivedAt: (opts.now?.() ?? new Date()).toISOString(),
    backend: { kind: backend.kind, label: backend.label, baseURL: backend.baseURL },
    complete: !cancelled && archived.length === jobs.length,
    jobsListed: jobs.length,
    ...counts,
    jobs: archived,
  };
  const jsonName = `index-${stamp}.json`;
  const mdName = `index-${stamp}.md`;
  await writeNew(path.join(root, jsonName), JSON.stringify(index, null, 2) + '\n');
  await writeNew(path.join(root, mdName), indexMarkdown(index.archivedAt, backend, archived, index.complete));
  return { root, jobs: archived, ...counts, indexFiles: [jsonName, mdName], cancelled };
}

async function archiveJob(backend: FineTuneBackend, job: FineTuneJob, root: string, signal?: AbortSignal): Promise<ArchivedJob> {
  const folder = path.join(root, safeName(job.id));
  await mkdir(folder, { recursive: true });
  const files: ArchivedFile[] = [];
  const put = async (name: string, produce: () => Promise<string | Uint8Array>) => {
    // Resuming: a file already archived is neither downloaded again nor touched.
    if (await exists(path.join(folder, name))) {
      files.push({ name, outcome: 'kept' });
      return;
    }
    try {
      const data = await produce();
      files.push({ name, outcome: await writeNew(path.join(folder, name), data) });
    } catch (err) {
      if (signal?.aborted) throw err;
      files.push({ name, outcome: 'unavailable', reason: reasonOf(err) });
    }
  };

  await put('job.json', async () => JSON.stringify(job.raw, null, 2) + '\n');
  if (backend.capabilities.events) {
    await put('events.json', async () => {
      const events = await allPages<JobEvent>((after) => backend.listEvents(job.id, { after, limit: 100, signal }), signal);
      return (
        JSON.stringify(
          events.reverse().map((e) => e.raw),
          null,
          2,
        ) + '\n'
      );
    });
  }
  if (backend.capabilities.checkpoints) {
    await put('checkpoints.json', async () => {
      const cps = await allPages<JobCheckpoint>((after) => backend.listCheckpoints(job.id, { after, limit: 100, signal }), signal);
      return (
        JSON.stringify(
          cps.map((c) => c.raw),
          null,
          2,
        ) + '\n'
      );
    });
  }
  const serverFiles: { role: string; id: string | undefined }[] = [
    { role: 'training', id: job.trainingFile || undefined },
    { role: 'validation', id: job.validationFile },
    ...job.resultFiles.map((id) => ({ role: 'results', id })),
  ];
  for (const f of serverFiles) {
    if (!f.id) continue;
    const fileId = f.id;
    if (f.role === 'results') {
      await put(`results-${safeName(fileId)}.csv`, async () => decodeResultsFile(await backend.fileContent(fileId, signal)));
    } else {
      await put(`${f.role}-${safeName(fileId)}.jsonl`, async () => backend.fileContent(fileId, signal));
    }
  }
  return {
    id: job.id,
    status: job.rawStatus,
    baseModel: job.baseModel,
    fineTunedModel: job.fineTunedModel,
    createdAt: new Date(job.createdAt).toISOString(),
    folder: path.basename(folder),
    files,
  };
}

function indexMarkdown(at: string, backend: FineTuneBackend, jobs: readonly ArchivedJob[], complete: boolean): string {
  const lines = [
    `# Fine-tune archive — ${backend.label}`,
    '',
    `Archived ${at} from ${backend.baseURL}. ${complete ? 'Complete.' : 'Incomplete (cancelled or interrupted): run the archive again to resume.'}`,
    '',
    '| Job | Status | Base model | Fine-tuned model | Created | Files |',
    '|---|---|---|---|---|---|',
  ];
  for (const j of jobs) {
    const files = j.files
      .map((f) => (f.outcome === 'unavailable' ? `~~${f.name}~~ (${(f.reason ?? '').replace(/\|/g, '/').slice(0, 80)})` : `[${f.name}](${j.folder}/${f.name})`))
      .join('<br>');
    lines.push(`| ${j.id} | ${j.status} | ${j.baseModel} | ${j.fineTunedModel ?? '—'} | ${j.createdAt} | ${files} |`);
  }
  return lines.join('\n') + '\n';
}
