/**
 * Helpers for integration tests (they run inside the real extension host; see docs/testing.md).
 * Waiting is event- or condition-based with a deadline that fails the test with a message — never a
 * timing assertion.
 */
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { ActivationApi, SocratuneApi } from '../../../src/extension';

export const EXTENSION_ID = 'socratune.socratune';

/** Activates Socratune (if it isn't yet) and returns the handles `activate()` exposes. */
export async function activateSocratune(): Promise<SocratuneApi> {
  const ext = vscode.extensions.getExtension<ActivationApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded (is extensionDevelopmentPath the repo root?)`);
  const activation = ext.isActive ? ext.exports : await ext.activate();
  return activation.load();
}

/**
 * Points Socratune at the emulator the launcher started (workspace settings, as in the demo workspace) and waits
 * for its demo key in SecretStorage. Returns the emulator's base URL. Tests restore `provider` and `baseUrl`.
 */
export async function useEmulatorBackend(api: SocratuneApi): Promise<string> {
  const url = process.env.SOCRATUNE_EMULATOR_URL;
  if (!url) throw new Error('SOCRATUNE_EMULATOR_URL is not set: build the emulator (npm run build) so the launcher starts it');
  const config = vscode.workspace.getConfiguration('socratune');
  await config.update('provider', 'emulator', vscode.ConfigurationTarget.Workspace);
  await config.update('baseUrl', url, vscode.ConfigurationTarget.Workspace);
  await api.demoKey.syncNow();
  await waitFor('the emulator key in SecretStorage', () => api.services.keys.get('emulator'));
  return url;
}

/** Polls `condition` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await condition();
      if (v) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Resolves with the first event fired by `event` (optionally matching `filter`), or fails after `timeoutMs`. */
export function nextEvent<T>(what: string, event: vscode.Event<T>, filter: (e: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const sub = event((e) => {
      if (!filter(e)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

/** Path of the "Socratune" LogOutputChannel file (VS Code writes it to `<context.logUri>/Socratune.log`). */
export function logFilePath(api: SocratuneApi): string {
  return vscode.Uri.joinPath(api.services.context.logUri, 'Socratune.log').fsPath;
}

/** Logs a unique marker and waits until the log file contains it (log writes are asynchronous), then returns the file's text. */
export async function flushedLog(api: SocratuneApi, timeoutMs = 10_000): Promise<string> {
  const marker = `log-flush-marker-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  api.services.log.info(marker);
  return waitFor(
    `"${marker}" in ${logFilePath(api)}`,
    async () => {
      const text = await readFile(logFilePath(api), 'utf8').catch(() => '');
      return text.includes(marker) ? text : undefined;
    },
    timeoutMs,
    100,
  );
}

/** The root folder of the test workspace (a fresh temp copy of samples/journal). */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open (the launcher opens a temp copy of samples/journal)');
  return folder.uri;
}
