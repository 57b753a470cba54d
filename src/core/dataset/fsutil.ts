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

export interface AppendResult {
  /** File size before the write. */
  offset: number;
  /** Whether a newline had to be written first (the file did not end with one). */
  prefixedNewline: boolean;
  sizeAfter: number;
  mtimeMs: number;
}

/**
 * Append one or more complete lines to `file` durably:
 * one `write` call on an O_APPEND descriptor (the kernel places it at the end atomically), then fsync.
 * If the file does not end in a newline (a hand edit, or a torn line from a crash), a newline is written
 * first in the same call so the new line always starts on its own line.
 */
export async function appendLines(file: string, lines: string[]): Promise<AppendResult> {
  const body = lines.map((l) => (l.endsWith('\n') ? l : `${l}\n`)).join('');
  let created = false;
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(file, C.O_WRONLY | C.O_APPEND | C.O_CREAT | C.O_EXCL, 0o644);
    created = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    fh = await fsp.open(file, C.O_RDWR | C.O_APPEND);
  }
  try {
    const { size } = await fh.stat();
    let prefixedNewline = false;
    if (size > 0) {
      const last = Buffer.alloc(1);
      await fh.read(last, 0, 1, size - 1);
      prefixedNewline = last[0] !== 0x0a;
    }
    const buf = Buffer.from(prefixedNewline ? `\n${body}` : body, 'utf8');
    try {
      const { bytesWritten } = await fh.write(buf, 0, buf.length);
      if (bytesWritten !== buf.length) throw new Error(`short write (${bytesWritten} of ${buf.length} bytes)`);
      await fh.sync();
    } catch (err) {
      // A failed or short write (disk full…) must not leave a half line behind: cut the file back.
      await fh.truncate(size).catch(() => undefined);
      throw err;
    }
    const after = await fh.stat();
    return { offset: size, prefixedNewline, sizeAfter: after.size, mtimeMs: after.mtimeMs };
  } finally {
    await fh.close();
    if (created) await fsyncDir(path.dirname(file));
  }
}

/** Replace `file` atomically: write a temp file in the same folder, fsync, rename over, fsync the folder. */
export async function writeAtomic(file: string, content: string | Buffer): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`);
  let mode = 0o644;
  try {
    mode = (await fsp.stat(file)).mode & 0o777;
  } catch {
    // new file
  }
  const fh = await fsp.open(tmp, 'wx', mode);
  try {
    await fh.writeFile(content);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  try {
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(dir);
}

async function fsyncDir(dir: string): Promise<void> {
  try {
    const d = await fsp.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Not supported on every platform (Windows); the rename itself is still atomic.
  }
}

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
