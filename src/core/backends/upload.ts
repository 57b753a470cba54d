/**
 * Uploading training files: hash first, reuse an identical file the server already holds, otherwise
 * stream the file (never buffered whole) with byte progress and cancellation, then wait until the
 * server has processed it.
 *
 * "Identical" is decided by content: sha256 + byte size. The hash is also put into the uploaded
 * filename (`train-<12 hex>.jsonl`), so a file uploaded from another machine (no local cache) is found
 * again by listing the server's fine-tune files.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import OpenAI, { toStreamingFile } from 'openai';
import type { UploadCache, UploadedFile, UploadProgress, UploadRequest } from './types';

export interface FileHash {
  readonly sha256: string;
  readonly bytes: number;
}

export async function hashFile(file: string, signal?: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<FileHash> {
  const { size } = await stat(file);
  const hash = createHash('sha256');
  let done = 0;
  const stream = createReadStream(file, { signal });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    done += chunk.length;
    onProgress?.(done, size);
  }
  return { sha256: hash.digest('hex'), bytes: done };
}

/** `journal-train.jsonl` + hash → `journal-train-<12 hex>.jsonl` (idempotent). */
export function hashedFilename(name: string, sha256: string): string {
  const short = sha256.slice(0, 12);
  const ext = path.extname(name) || '.jsonl';
  const stem = path.basename(name, path.extname(name)).replace(new RegExp(`-${short}$`), '');
  return `${stem}-${short}${ext}`;
}

export function uploadCacheKey(baseURL: string, h: FileHash): string {
  return `${baseURL.replace(/\/+$/, '')}|${h.sha256}|${h.bytes}`;
}

type FileObject = OpenAI.Files.FileObject;

function usable(f: FileObject | undefined, bytes: number): boolean {
  if (!f) return false;
  const status = (f as { status?: string }).status;
  return f.bytes === bytes && status !== 'error' && status !== 'deleted';
}

/** Look for a server file with the same content: cached id first, then by hashed filename + size. */
export async function findIdenticalFile(
  client: OpenAI,
  cache: UploadCache | undefined,
  key: string,
  filename: string,
  bytes: number,
  signal?: AbortSignal,
): Promise<FileObject | undefined> {
  const cached = await cache?.get(key);
  if (cached) {
    try {
      const f = await client.files.retrieve(cached, { signal, maxRetries: 1 });
      if (usable(f, bytes)) return f;
    } catch (err) {
      if (err instanceof OpenAI.APIUserAbortError) throw err;
      // Gone or unreadable: forget it and look again.
    }
    await cache?.delete(key);
  }
  try {
    let page = await client.files.list({ purpose: 'fine-tune', limit: 1000 }, { signal, maxRetries: 1 });
    for (let pages = 0; pages < 10; pages++) {
      const hit = page.data.find((f) => f.filename === filename && usable(f, bytes) && (!f.purpose || f.purpose === 'fine-tune'));
      if (hit) {
        await cache?.set(key, hit.id);
        return hit;
      }
      if (!page.hasNextPage()) break;
      page = await page.getNextPage();
    }
  } catch (err) {
    if (err instanceof OpenAI.APIUserAbortError) throw err;
    // Servers that cannot list files simply get a fresh upload.
  }
  return undefined;
}

export interface UploadDeps {
  readonly client: OpenAI;
  readonly baseURL: string;
  readonly cache?: UploadCache;
  /** Injected for tests; real timers by default. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly processingPollMs?: number;
  readonly processingTimeoutMs?: number;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new OpenAI.APIUserAbortError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new OpenAI.APIUserAbortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export async function uploadFile(deps: UploadDeps, req: UploadRequest): Promise<UploadedFile> {
  const { client } = deps;
  const report = (p: UploadProgress) => req.onProgress?.(p);
  const h = await hashFile(req.path, req.signal, (done, total) => report({ phase: 'hashing', bytesDone: done, bytesTotal: total }));
  const filename = hashedFilename(req.filename ?? path.basename(req.path), h.sha256);
  const key = uploadCacheKey(deps.baseURL, h);
  report({ phase: 'checking', bytesDone: 0, bytesTotal: h.bytes });
  const existing = await findIdenticalFile(client, deps.cache, key, filename, h.bytes, req.signal);
  if (existing) {
    report({ phase: 'reused', bytesDone: h.bytes, bytesTotal: h.bytes });
    return { id: existing.id, filename: existing.filename, bytes: h.bytes, sha256: h.sha256, reused: true };
  }

  let sent = 0;
  const source = createReadStream(req.path, { signal: req.signal });
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      sent += chunk.length;
      report({ phase: 'uploading', bytesDone: Math.min(sent, h.bytes), bytesTotal: h.bytes });
      yield chunk;
    }
  }
  report({ phase: 'uploading', bytesDone: 0, bytesTotal: h.bytes });
  // A streamed body cannot be replayed, so the SDK must not retry this request on its own.
  const created = await client.files.create(
    { file: toStreamingFile(counted(), filename, { type: 'application/jsonl' }), purpose: 'fine-tune' },
    { signal: req.signal, maxRetries: 0, timeout: 30 * 60_000 },
  );
  await deps.cache?.set(key, created.id);

  if (req.waitForProcessing !== false) {
    report({ phase: 'processing', bytesDone: h.bytes, bytesTotal: h.bytes });
    await waitProcessed(deps, created, req.signal);
  }
  report({ phase: 'done', bytesDone: h.bytes, bytesTotal: h.bytes });
  return { id: created.id, filename: created.filename || filename, bytes: h.bytes, sha256: h.sha256, reused: false };
}

async function waitProcessed(deps: UploadDeps, file: FileObject, signal?: AbortSignal): Promise<void> {
  const sleep = deps.sleep ?? abortableSleep;
  const poll = deps.processingPollMs ?? 1000;
  const deadline = Date.now() + (deps.processingTimeoutMs ?? 10 * 60_000);
  let f: FileObject = file;
  for (;;) {
    const status = (f as { status?: string }).status;
    // Servers that omit the (deprecated) status field are treated as done.
    if (!status || status === 'processed') return;
    if (status === 'error') {
      const details = (f as { status_details?: string }).status_details;
      throw new FileRejectedError(f.id, details ?? 'The server could not process the file.');
    }
    if (Date.now() > deadline) return; // The job itself waits for processing; don't block the user forever.
    await sleep(poll, signal);
    f = await deps.client.files.retrieve(f.id, { signal });
  }
}

/** The server accepted the upload but refused its content. */
export class FileRejectedError extends Error {
  constructor(
    readonly fileId: string,
    readonly details: string,
  ) {
    super(`The server rejected file ${fileId}: ${details}`);
    this.name = 'FileRejectedError';
  }
}
