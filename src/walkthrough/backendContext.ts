import * as vscode from 'vscode';
import { keyOptional } from '../core/config/profile';
import type { Services } from '../platform/services';
import { SECTION } from '../platform/settings';

/**
 * Context keys about the backend, for `when` clauses and the walkthrough's completion events:
 * - `socratune.backendChosen`: `socratune.provider` is set (user, workspace or folder settings);
 * - `socratune.apiKeyReady`: the backend has a key in Secret Storage, or needs none (a key-less local server);
 * - `socratune.needsApiKey`: the opposite — the Jobs welcome offers "Set API Key" only then.
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
    await vscode.commands.executeCommand('setContext', 'socratune.backendChosen', chosen);
    await vscode.commands.executeCommand('setContext', 'socratune.apiKeyReady', ready);
    await vscode.commands.executeCommand('setContext', 'socratune.needsApiKey', !ready);
    s.log.info(`Backend context: ${profile.provider}, chosen ${chosen}, key ${ready ? 'ready' : 'needed'}.`);
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
