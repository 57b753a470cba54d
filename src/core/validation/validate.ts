import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { Accumulator, DEFAULT_MAX_ISSUES, finalize, type PartialResult } from './accumulator';
import { distFile, fromSources, loadTokenCounter } from './loadTokenizer';
import { resolveModel } from './models';
import { abortError } from './abort';
import { purposeFromFileName } from './detect';
import { readRange } from './reader';
import type { TokenCounter } from './tokenizer';
import type { FileValidateOptions, Purpose, ResolvedModel, ValidateOptions, ValidationResult } from './types';

async function counterFor(model: ResolvedModel, opts: ValidateOptions): Promise<TokenCounter | undefined> {
  if (opts.countTokens === false) return undefined;
  return loadTokenCounter(model.encoding, { memoize: opts.memoize !== false });
}

function context(model: ResolvedModel, purpose: Purpose, opts: ValidateOptions) {
  return {
    model,
    purpose,
    maxIssues: opts.maxIssues ?? DEFAULT_MAX_ISSUES,
    tokensCounted: opts.countTokens !== false,
    ...(opts.epochs !== undefined ? { epochs: opts.epochs } : {}),
  };
}

const YIELD_EVERY_CHARS = 2_000_000;

/** Validate JSONL held in memory (an open editor). Lines may end in \n or \r\n. Yields to the event loop every ~2 MB. */
export async function validateJsonlText(text: string, opts: ValidateOptions = {}): Promise<ValidationResult> {
  const model = resolveModel(opts.model);
  const counter = await counterFor(model, opts);
  const ctx = context(model, opts.purpose ?? 'train', opts);
  const acc = new Accumulator({ counter, tokenLimit: model.exampleTokenLimit, maxIssues: ctx.maxIssues, atFileStart: true });
  acc.bytes = Buffer.byteLength(text, 'utf8');
  let s = 0;
  let nextYield = YIELD_EVERY_CHARS;
  for (let lineNo = 1; s < text.length; lineNo++) {
    if (s >= nextYield) {
      // Big editors: let the extension host breathe (and a newer edit cancel this run).
      nextYield = s + YIELD_EVERY_CHARS;
      await new Promise<void>((resolve) => setImmediate(resolve));
      opts.onProgress?.({ bytesRead: s, totalBytes: text.length });
    }
    if (opts.signal?.aborted) throw abortError();
    const e = text.indexOf('\n', s);
    acc.line(e < 0 ? text.slice(s) : text.slice(s, e), lineNo);
    if (e < 0) break;
    s = e + 1;
  }
  opts.onProgress?.({ bytesRead: acc.bytes, totalBytes: acc.bytes });
  return finalize([acc.partial()], ctx);
}

/**
 * Files at least this big are split across worker threads (when more than one core is available).
 * Each worker pays ~0.3 s of CPU to build its tokenizer and warms its own memo, so smaller files are
 * faster in one thread (measured: bench/validation.bench.ts, docs/performance.md).
 */
export const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;
const BYTES_PER_WORKER = 16 * 1024 * 1024;

export function defaultWorkerCount(bytes: number): number {
  if (bytes < PARALLEL_MIN_BYTES) return 0;
  const cores = availableParallelism();
  if (cores < 2) return 0;
  return Math.max(2, Math.min(cores, 8, Math.floor(bytes / BYTES_PER_WORKER)));
}

/** What a worker thread receives (structured-clone safe). */
export interface WorkerJob {
  file: string;
  start: number;
  end: number;
  model: string;
  memoize: boolean;
  countTokens: boolean;
  maxIssues: number;
  maxLineBytes?: number;
}

export type WorkerMessage = { type: 'progress'; bytes: number } | { type: 'done'; partial: PartialResult } | { type: 'error'; message: string };

/** Validate one byte range in this thread (used in-process and by each worker). */
export async function validateRange(job: WorkerJob, opts: { signal?: AbortSignal; onBytes?: (n: number) => void } = {}): Promise<PartialResult> {
  const model = resolveModel(job.model);
  const counter = job.countTokens ? await loadTokenCounter(model.encoding, { memoize: job.memoize }) : undefined;
  const acc = new Accumulator({ counter, tokenLimit: model.exampleTokenLimit, maxIssues: job.maxIssues, atFileStart: job.start === 0 });
  acc.bytes = await readRange(job.file, job.start, job.end, acc, { ...opts, ...(job.maxLineBytes ? { maxLineBytes: job.maxLineBytes } : {}) });
  return acc.partial();
}

function spawnWorker(job: WorkerJob): Worker {
  // Workers inherit the parent's execArgv; `--input-type` (node --input-type=module -e …) is refused there.
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
  if (fromSources) {
    // Unit tests run the TypeScript sources through tsx; register it inside the worker too.
    const entry = path.join(__dirname, 'worker.ts');
    return new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true, workerData: job, execArgv });
  }
  return new Worker(distFile('validationWorker.js'), { workerData: job, execArgv });
}

async function validateParallel(job: Omit<WorkerJob, 'start' | 'end'>, size: number, workers: number, opts: FileValidateOptions): Promise<PartialResult[]> {
  const bounds = Array.from({ length: workers + 1 }, (_, i) => Math.floor((size * i) / workers));
  const threads: Worker[] = [];
  let read = 0;
  let lastReport = 0;
  const report = (): void => {
    const now = Date.now();
    if (now - lastReport < 100) return;
    lastReport = now;
    opts.onProgress?.({ bytesRead: Math.min(read, size), totalBytes: size });
  };
  const onAbort = (): void => {
    for (const t of threads) void t.terminate();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const results = await Promise.all(
      bounds.slice(0, -1).map(
        (start, i) =>
          new Promise<PartialResult>((resolve, reject) => {
            const t = spawnWorker({ ...job, start, end: bounds[i + 1]! });
            threads.push(t);
            let settled = false;
            t.on('message', (m: WorkerMessage) => {
              if (m.type === 'progress') {
                read += m.bytes;
                report();
              } else if (m.type === 'done') {
                settled = true;
                resolve(m.partial);
                void t.terminate();
              } else {
                settled = true;
                reject(new Error(m.message));
              }
            });
            t.on('error', (err) => {
              settled = true;
              reject(err);
            });
            t.on('exit', () => {
              if (!settled) reject(opts.signal?.aborted ? abortError() : new Error('Validation worker stopped unexpectedly.'));
            });
          }),
      ),
    );
    if (opts.signal?.aborted) throw abortError();
    return results;
  } catch (err) {
    onAbort();
    if (opts.signal?.aborted) throw abortError();
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Validate a JSONL file by streaming it (flat memory; 500 MB files are fine), in worker threads when
 * the file is big and there is more than one core. Rejects with an AbortError when `signal` aborts,
 * and with the fs error when the file cannot be read.
 */
export async function validateJsonlFile(file: string, opts: FileValidateOptions = {}): Promise<ValidationResult> {
  const st = await stat(file);
  if (!st.isFile()) throw new Error(`${file} is not a file.`);
  const size = st.size;
  const model = resolveModel(opts.model);
  const ctx = context(model, opts.purpose ?? purposeFromFileName(file), opts);
  const job = {
    file,
    model: model.requested,
    memoize: opts.memoize !== false,
    countTokens: opts.countTokens !== false,
    maxIssues: ctx.maxIssues,
    ...(opts.maxLineBytes ? { maxLineBytes: opts.maxLineBytes } : {}),
  };
  const workers = Math.min(opts.workers ?? defaultWorkerCount(size), Math.max(1, Math.floor(size / 4096)));
  let partials: PartialResult[];
  if (workers >= 2) {
    partials = await validateParallel(job, size, workers, opts);
  } else {
    let read = 0;
    let lastReport = 0;
    partials = [
      await validateRange(
        { ...job, start: 0, end: size },
        {
          ...(opts.signal ? { signal: opts.signal } : {}),
          onBytes: (n) => {
            read += n;
            const now = Date.now();
            if (now - lastReport >= 100) {
              lastReport = now;
              opts.onProgress?.({ bytesRead: read, totalBytes: size });
            }
          },
        },
      ),
    ];
  }
  opts.onProgress?.({ bytesRead: size, totalBytes: size });
  return finalize(partials, ctx);
}
