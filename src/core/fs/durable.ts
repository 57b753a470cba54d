/**
 * The one place Socratune writes files it must not lose (datasets, chat history, job manifests).
 *
 * - `writeFileDurable`: temp file in the same folder → fsync → rename over the target → fsync the folder.
 *   After it resolves the new content survives a killed process and a power loss; before, the old content does.
 * - `appendDurable`: one `write` on an O_APPEND descriptor, then fsync (and an fsync of the folder when the
 *   file was created). A file that does not end in a newline (a torn line, a hand edit) gets one first, in the
 *   same write. The newline check is only race-free while the caller holds `withFileLock` on the file's folder
 *   (or is the only writer).
 * - `withFileLock`: a cross-process lock (proper-lockfile: an atomic `mkdir`, kept fresh while held; a lock
 *   left by a killed process is taken over once it is `staleMs` old).
 * - `removeStaleTemps`: deletes temp files left by processes that died mid-write.
 */
import { constants as C, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as lockfile from 'proper-lockfile';

export interface AppendResult {
  /** File size before the write. */
  offset: number;
  /** Whether a newline had to be written first (the file did not end with one). */
  prefixedNewline: boolean;
  sizeAfter: number;
  mtimeMs: number;
}

const TEMP_SUFFIX = '.tmp';

/** `.<name>.<pid>.<random>.tmp` beside `file`: the pid tells `removeStaleTemps` whether its writer is alive. */
function tempName(file: string): string {
  const rand = Math.random().toString(36).slice(2, 10);
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${rand}${TEMP_SUFFIX}`);
}

/** Replace `file` durably and atomically (temp → fsync → rename → fsync folder). Keeps the old file's mode. */
export async function writeFileDurable(file: string, content: string | Buffer, opts: { mode?: number } = {}): Promise<void> {
  const dir = path.dirname(file);
  let mode = opts.mode ?? 0o644;
  if (opts.mode === undefined) {
    try {
      mode = (await fsp.stat(file)).mode & 0o777;
    } catch {
      // a new file
    }
  }
  const tmp = tempName(file);
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

/** Append complete lines to `file` with one write + fsync (see the module comment). A failed write is cut back. */
export async function appendDurable(file: string, lines: readonly string[]): Promise<AppendResult> {
  const body = lines.map((l) => (l.endsWith('\n') ? l : `${l}\n`)).join('');
  let created = false;
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(file, C.O_RDWR | C.O_APPEND | C.O_CREAT | C.O_EXCL, 0o644);
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
      // A failed or short write (disk full…) must not leave a half line behind.
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

/** fsync a folder so a rename or a new file in it survives a power loss (a no-op where unsupported, e.g. Windows). */
async function fsyncDir(dir: string): Promise<void> {
  let d: fsp.FileHandle | undefined;
  try {
    d = await fsp.open(dir, 'r');
    await d.sync();
  } catch {
    // Not supported on every platform; the rename itself is still atomic.
  } finally {
    await d?.close().catch(() => undefined);
  }
}

export interface LockOptions {
  /** A lock not refreshed for this long is taken over (its holder died). proper-lockfile's minimum is 2000. */
  staleMs?: number;
  /** Give up after about this long waiting (default 60 s). */
  waitMs?: number;
}

export const LOCK_NAME = '.socratune.lock';

/**
 * Run `fn` holding the cross-process lock of folder `dir` (`<dir>/.socratune.lock`). Waits for another
 * holder; throws when the lock cannot be had within `waitMs`, or when it was lost while held (then `fn`'s
 * result is still returned only if it finished first).
 */
export async function withFileLock<T>(dir: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const state: { compromised?: Error } = {};
  const release = await acquire(dir, opts, state);
  try {
    const out = await fn();
    if (state.compromised) throw state.compromised;
    return out;
  } finally {
    if (!state.compromised) await release().catch(() => undefined);
  }
}

async function acquire(dir: string, opts: LockOptions, state: { compromised?: Error }): Promise<() => Promise<void>> {
  const staleMs = Math.max(2000, opts.staleMs ?? 10_000);
  const waitMs = opts.waitMs ?? 60_000;
  const deadline = Date.now() + waitMs;
  const lockfilePath = path.join(dir, LOCK_NAME);
  for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
    try {
      return await lockfile.lock(dir, {
        lockfilePath,
        realpath: false,
        stale: staleMs,
        retries: 0,
        onCompromised: (err) => {
          state.compromised = err;
        },
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
      if (Date.now() > deadline) throw new Error(`Another Socratune window or process has held ${lockfilePath} for over ${Math.round(waitMs / 1000)} s.`);
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    }
  }
}

/** The pid in a temp name made by `tempName`, or undefined for other names. */
function tempPid(name: string): number | undefined {
  const m = /\.(\d+)\.[a-z0-9]+\.tmp$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Delete the temp files in `dir` left by writers that died (their pid is gone, or the file is older than
 * `maxAgeMs`, for pids reused or from another machine). Returns the names removed.
 */
export async function removeStaleTemps(dir: string, maxAgeMs = 60 * 60 * 1000): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.endsWith(TEMP_SUFFIX)) continue;
    const pid = tempPid(name);
    if (pid === undefined) continue;
    const file = path.join(dir, name);
    let old = false;
    try {
      old = (await fsp.stat(file)).mtimeMs < Date.now() - maxAgeMs;
    } catch {
      continue;
    }
    if (!old && alive(pid)) continue;
    await fsp.rm(file, { force: true }).then(
      () => removed.push(name),
      () => undefined,
    );
  }
  return removed;
}
