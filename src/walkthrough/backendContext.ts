import * as vscode from 'vscode';
import { keyOptional } from '../core/config/profile';
import type { Services } from '../platform/services';
import { SECTION } from '../platform/settings';

/**
 * The backend's onboarding context keys (src/platform/onboarding.ts), kept current on settings and key changes:
 * `socratune.backendChosen` when `socratune.provider` is set; `socratune.apiKeyReady` when the key is in Secret Storage
 * or none is needed; `socratune.needsApiKey` otherwise — the Jobs welcome offers "Set API Key" only then (a key-less
 * local server, or the emulator with its demo key, needs none).
 */
export function registerBackendContext(s: Services): void {
  let generation = 0;
  const update = async (): Promise<void> => {
    const mine = ++generation;
    const profile = s.profile();
    const inspected = vscode.workspace.getConfiguration(SECTION).inspect('provider');
    const chosen = [inspected?.globalValue, inspected?.workspaceValue, inspected?.workspaceFolderValue].some((v) => v !== undefined);
    const ready = keyOptional(profile) || (await s.keys.get(profile.provider)) !== undefined;
    if (mine !== generation) return; // a newer update is under way
    await s.onboarding.set('socratune.needsApiKey', !ready);
    await s.onboarding.set('socratune.backendChosen', chosen);
    await s.onboarding.set('socratune.apiKeyReady', ready);
    s.log.info(`Backend context: ${profile.provider}, key ${ready ? 'ready' : 'needed'}.`);
  };
  const refresh = (): void => {
    update().catch((err: unknown) => s.log.warn(`Could not update the backend context keys: ${err instanceof Error ? err.message : String(err)}`));
  };
  s.context.subscriptions.push(
    s.keys.onDidChange(refresh),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.provider`) || e.affectsConfiguration(`${SECTION}.baseUrl`)) refresh();
    }),
  );
  refresh();
}
