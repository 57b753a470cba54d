/**
 * Errors in the extension host logs written by the VS Code server, for scenarios that must fail on any
 * unhandled error or rejection: `<logsDir>/<session>/exthost<N>/remoteexthost.log` (VS Code's own log of
 * the extension host: uncaught errors, "rejected promise not handled", extension activation failures)
 * and `…/socratune.socratune/Socratune.log` (our LogOutputChannel).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { e2eEnv } from './env';

/** Noise VS Code itself logs as errors on a machine without internet (telemetry, extension gallery). */
const NOT_OURS: readonly RegExp[] = [
  /getaddrinfo (ENOTFOUND|EAI_AGAIN) [\w.-]*(microsoft\.com|visualstudio\.com|open-vsx\.org|vscode-cdn\.net|vscode-unpkg\.net)/,
];
/**
 * Once an extension host is shutting down (its window reloaded or closed), VS Code logs cancelled work of every
 * extension as errors (e.g. "ProxyResolver#resolveProxy … Canceled" for a request in flight, a built-in language
 * server that cannot start any more). From that line on, only entries that name Socratune count.
 */
const TERMINATING = /\[info\] Extension host terminating/;
/** Our extension's id, or a stack frame in its bundle or chunks (development path or installed). */
const OURS = /socratune\.socratune|[\\/]dist[\\/](extension|chunks[\\/][^\\/]+|vendor[\\/][^\\/]+)\.js/;
/**
 * VS Code's extension host locks its workspace storage folder (`workspaceStorage/<id>/vscode.lock`). When a window
 * of the same workspace opens while the previous one's host still holds the lock (a reload, the next scenario's
 * window), it logs EEXIST for the lock and then a JSON parse error reading the half-written lock file, and uses
 * another storage folder. Both come from VS Code's own code (every stack frame in its extensionHostProcess.js).
 */
const STORAGE_LOCK = /EEXIST: file already exists, open '[^']*[\\/]workspaceStorage[\\/][^']*[\\/]vscode\.lock'/;
const LOCK_READ =
  /^[^\n]*\[error\] SyntaxError: Unexpected end of JSON input(\n\s+at (JSON\.parse \(<anonymous>\)|(async )?\S+ \([^)]*[\\/]extensionHostProcess\.js:\d+:\d+\)))+$/;

/** The extension hosts that existed at one moment: only hosts started later (this scenario's windows) are examined. */
export interface LogMark {
  readonly hosts: ReadonlySet<string>;
}

async function hostDirs(): Promise<string[]> {
  const dirs: string[] = [];
  for (const session of await readdir(e2eEnv.logsDir).catch(() => [] as string[])) {
    for (const host of await readdir(join(e2eEnv.logsDir, session)).catch(() => [] as string[])) {
      if (host.startsWith('exthost')) dirs.push(join(e2eEnv.logsDir, session, host));
    }
  }
  return dirs;
}

/** Call before opening the scenario's window: extension hosts of earlier scenarios (still shutting down) are left out. */
export async function markHostLogs(): Promise<LogMark> {
  return { hosts: new Set(await hostDirs()) };
}

/**
 * `[error]` entries (with their continuation lines: stacks) in the logs of every extension host started after
 * `mark` — the scenario's window and the windows it reloaded into: VS Code's `remoteexthost.log` (uncaught
 * errors, unhandled rejections, failed activations) and our `Socratune.log`. VS Code's offline network noise
 * and, after a host began shutting down, entries not about Socratune are ignored.
 */
export async function hostLogErrors(mark: LogMark): Promise<string[]> {
  const errors: string[] = [];
  for (const dir of (await hostDirs()).filter((d) => !mark.hosts.has(d))) {
    for (const f of [join(dir, 'remoteexthost.log'), join(dir, 'socratune.socratune', 'Socratune.log')]) {
      const text = await readFile(f, 'utf8').catch(() => '');
      let entry: string[] | undefined;
      let terminating = false;
      let lockRace = false;
      const flush = (): void => {
        if (entry) {
          const e = entry.join('\n');
          if (STORAGE_LOCK.test(e)) lockRace = true;
          const storageLock = STORAGE_LOCK.test(e) || (lockRace && LOCK_READ.test(e));
          const ignored = NOT_OURS.some((re) => re.test(e)) || storageLock || (terminating && !OURS.test(e));
          if (!ignored) errors.push(`${f.slice(e2eEnv.logsDir.length + 1)}: ${e}`);
        }
        entry = undefined;
      };
      for (const line of text.split('\n')) {
        const head = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \[(\w+)\]/.exec(line);
        if (head) {
          flush();
          if (TERMINATING.test(line)) terminating = true;
          if (head[1] === 'error') entry = [line];
        } else if (entry) entry.push(line);
      }
      flush();
    }
  }
  return errors;
}
