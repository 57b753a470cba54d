/**
 * Errors in the extension host logs written by the VS Code server, for scenarios that must fail on any
 * unhandled error or rejection: `<logsDir>/<session>/exthost<N>/remoteexthost.log` (VS Code's own log of
 * the extension host: uncaught errors, "rejected promise not handled", extension activation failures)
 * and `…/socratune.socratune/Socratune.log` (our LogOutputChannel).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { e2eEnv } from './env';

/** Noise VS Code itself logs as errors on a machine without internet (telemetry, extension gallery). */
const NOT_OURS: readonly RegExp[] = [/getaddrinfo (ENOTFOUND|EAI_AGAIN) [\w.-]*(microsoft\.com|visualstudio\.com|open-vsx\.org|vscode-cdn\.net|vscode-unpkg\.net)/];
/**
 * Logged by VS Code while an extension host shuts down (window reload or close) for an HTTP request still
 * resolving its proxy: the request is cancelled with the host, nothing was left unhandled.
 */
const AT_SHUTDOWN: readonly RegExp[] = [/ProxyResolver#resolveProxy .*Canceled: Canceled/];
const TERMINATING = /\[info\] Extension host terminating/;

/** Byte offsets of the log files at one moment: only what is written after it is examined. */
export type LogMark = ReadonlyMap<string, number>;

async function hostLogFiles(): Promise<string[]> {
  const files: string[] = [];
  for (const session of await readdir(e2eEnv.logsDir).catch(() => [] as string[])) {
    for (const host of await readdir(join(e2eEnv.logsDir, session)).catch(() => [] as string[])) {
      if (!host.startsWith('exthost')) continue;
      files.push(join(e2eEnv.logsDir, session, host, 'remoteexthost.log'), join(e2eEnv.logsDir, session, host, 'socratune.socratune', 'Socratune.log'));
    }
  }
  return files;
}

/** Remembers how far every extension host log has been written (call before a scenario). */
export async function markHostLogs(): Promise<LogMark> {
  const mark = new Map<string, number>();
  for (const f of await hostLogFiles()) mark.set(f, (await stat(f).catch(() => undefined))?.size ?? 0);
  return mark;
}

/**
 * `[error]` entries (with their continuation lines: stacks) written since `mark` to any extension host log,
 * including logs of extension hosts started later (a reloaded window). VS Code's offline network noise is ignored.
 */
export async function hostLogErrors(mark: LogMark): Promise<string[]> {
  const errors: string[] = [];
  for (const f of await hostLogFiles()) {
    const text = (await readFile(f).catch(() => Buffer.alloc(0))).subarray(mark.get(f) ?? 0).toString('utf8');
    let entry: string[] | undefined;
    let terminating = false;
    const flush = (): void => {
      if (entry) {
        const e = entry.join('\n');
        const ignored = NOT_OURS.some((re) => re.test(e)) || (terminating && AT_SHUTDOWN.some((re) => re.test(e)));
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
  return errors;
}
