import { constants as C, promises as fsp } from 'node:fs';
import * as path from 'node:path';

/**
 * Per-file async queue: every operation on one file runs after the previous one settled, so concurrent
 * appends from many promises can never interleave and a rewrite never races an append. Keyed by the
 * absolute path, so two store objects on the same folder share the queue.
 */
const queues = new Map<string, Promise<unknown>>();

export function serialize<T>(key: string, op: () => Promise<T>): Promise<T> {
  const k = path.resolve(key);
  const prev = queues.get(k) ?? Promise.resolve();
  const run = prev.then(op, op);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(k, tail);
  void tail.then(() => {
    if (queues.get(k) === tail) queues.delete(k);
  });
  return run;
}

/** Error with a message meant for the user (the host shows `message` as is). */
export class DatasetError extends Error {
  constructor(
    message: string,
    readonly code: 'read-only' | 'not-found' | 'invalid' | 'corrupt' | 'conflict' | 'too-large' | 'io',
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'DatasetError';
  }
}

/** Turn a node fs error into a DatasetError that says what happened and where. */
export function ioError(err: unknown, what: string, file: string): DatasetError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new DatasetError(`Cannot write ${what}: no write permission for ${file}. Nothing was written.`, 'read-only', err);
  }
  if (code === 'ENOSPC') return new DatasetError(`Cannot write ${what}: the disk is full (${file}). Nothing was written.`, 'io', err);
  if (code === 'ENOENT') return new DatasetError(`Cannot find ${file}.`, 'not-found', err);
  const msg = err instanceof Error ? err.message : String(err);
  return new DatasetError(`Cannot write ${what} (${file}): ${msg}`, 'io', err);
}

/** The durable write primitives live in core/fs/durable; the dataset code imports them under their old names. */
export { appendDurable as appendLines, writeFileDurable as writeAtomic } from '../fs/durable';

/** Throws a clear DatasetError when `dir` (which must exist) is not writable. Writes nothing. */
export async function assertWritableDir(dir: string, what: string): Promise<void> {
  try {
    await fsp.access(dir, C.W_OK);
  } catch (err) {
    throw ioError(err, what, dir);
  }
}

export async function readTextOrEmpty(file: string): Promise<string> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

export async function exists(p: string): Promise<boolean> {
  try {
    await fsp.access(p);
    return true;
  } catch {
    return false;
  }
}
