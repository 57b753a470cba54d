import * as vscode from 'vscode';
import { Services } from '../platform/services';
import { SECTION } from '../platform/settings';

/** Set by `npm start` and the test launchers when they run the local emulator. */
export const EMULATOR_KEY_ENV = 'SOCRATUNE_EMULATOR_KEY';

/**
 * When the backend is the local emulator and the process that started VS Code passed the emulator's
 * demo key (`SOCRATUNE_EMULATOR_KEY`), store it in SecretStorage unless a key is already stored, so
 * `npm start` works without typing a key. The demo key is not a credential: the emulator binds to
 * 127.0.0.1 and only ever answers from local data. Keys for real providers are never taken from the
 * environment.
 */
export function registerDemoKey(s: Services): DemoKey {
  /** True when the demo key was stored by this call. */
  const sync = async (): Promise<boolean> => {
    const demoKey = process.env[EMULATOR_KEY_ENV]?.trim();
    if (!demoKey || s.profile().provider !== 'emulator') return false;
    if (await s.keys.get('emulator')) return false;
    await s.keys.set('emulator', demoKey);
    s.log.info(`Stored the local emulator's demo key from ${EMULATOR_KEY_ENV} (not a real credential).`);
    return true;
  };
  const run = (): void => {
    sync().catch((err: unknown) => s.log.error('Could not store the emulator demo key', err));
  };
  s.context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.provider`)) run();
    }),
  );
  run();
  return { syncNow: sync };
}

export interface DemoKey {
  /** Applies the rule now (it also runs at activation and when `socratune.provider` changes); true if it stored the key. */
  syncNow(): Promise<boolean>;
}
