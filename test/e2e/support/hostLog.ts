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
const NOT_OURS: readonly RegExp[] = [/getaddrinfo (ENOTFOUND|EAI_AGAIN) [\w.-]*(microsoft\.com|visualstudio\.com|open-vsx\.org|vscode-cdn\.net|vscode-unpkg\.net)/];
/**
 * Once an extension host is shutting down (its window reloaded or closed), VS Code logs cancelled work of every
 * extension as errors (e.g. "ProxyResolver#resolveProxy … Canceled" for a request in flight, a built-in language
 * server that cannot start any more). From that line on, only entries that name Socratune count.
 */
const TERMINATING = /\[info\] Extension host terminating/;
/** Our extension's id, or a stack frame in its bundle (development path or installed). */
const OURS = /socratune\.socratune|[\\/]dist[\\/]extension\.js/;

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
      const flush = (): void => {
        if (entry) {
          const e = entry.join('\n');
          const ignored = NOT_OURS.some((re) => re.test(e)) || (terminating && !OURS.test(e));
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
