import * as vscode from 'vscode';
import { Commands } from '../constants';
import { PROVIDER_KINDS, ProviderKind, isProviderKind } from '../core/config/profile';
import { BACKEND_DESCRIPTORS, backendDescriptor } from '../core/backends/descriptors';
import { looksLikeApiKey } from '../core/config/redact';
import { Services } from '../platform/services';
import { SECTION, effectiveTarget, readProfile, settingsHoldingKeys } from '../platform/settings';

const label = (k: ProviderKind): string => backendDescriptor(k).label;

/** API key commands, provider choice and the guard that refuses keys pasted into settings. */
export function registerSettings(s: Services): void {
  const { context, keys, log } = s;
  // From activation and setting changes (no caller to report to): a failure (e.g. SecretStorage) is logged.
  const checkSettingsForKeys = () =>
    void refuseKeysInSettings(s).catch((err: unknown) =>
      log.error(`Could not move an API key out of settings: ${err instanceof Error ? err.message : String(err)}`),
    );
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.setApiKey, async (arg?: { provider?: ProviderKind; key?: string }) => {
      const provider = arg?.provider ?? readProfile().provider;
      const key =
        arg?.key ??
        (await vscode.window.showInputBox({
          title: `Socratune: API key for ${label(provider)}`,
          prompt: 'Stored in VS Code SecretStorage (your OS keychain). Never written to settings or logs.',
          password: true,
          ignoreFocusOut: true,
          validateInput: (v) => (v.trim() ? (/\s/.test(v.trim()) ? 'An API key has no spaces.' : undefined) : 'Enter a key, or press Escape.'),
        }));
      if (!key?.trim()) return false;
      await keys.set(provider, key.trim());
      log.info(`API key for ${provider} saved to SecretStorage.`);
      if (!arg?.key) void vscode.window.showInformationMessage(`Socratune: API key for ${label(provider)} saved securely.`);
      return true;
    }),
    vscode.commands.registerCommand(Commands.clearApiKey, async (arg?: { provider?: ProviderKind; silent?: boolean }) => {
      const provider = arg?.provider ?? readProfile().provider;
      await keys.clear(provider);
      log.info(`API key for ${provider} removed from SecretStorage.`);
      if (!arg?.silent) void vscode.window.showInformationMessage(`Socratune: API key for ${label(provider)} cleared.`);
      return true;
    }),
    vscode.commands.registerCommand(Commands.showLog, () => log.show()),
    // Interactive (a picker), or `{ provider }` from automation and tests. Written where it takes effect: a workspace
    // that sets socratune.provider shadows the user setting, so writing user settings alone would change nothing.
    vscode.commands.registerCommand(Commands.selectProvider, async (arg?: { provider?: unknown }): Promise<ProviderKind | undefined> => {
      const current = readProfile().provider;
      let provider: ProviderKind;
      if (arg && typeof arg === 'object' && 'provider' in arg) {
        if (!isProviderKind(arg.provider)) {
          void vscode.window.showErrorMessage(`Socratune: unknown backend ${JSON.stringify(arg.provider)}; choose one of ${PROVIDER_KINDS.join(', ')}.`);
          return undefined;
        }
        provider = arg.provider;
      } else {
        const pick = await vscode.window.showQuickPick(
          BACKEND_DESCRIPTORS.map((d) => ({
            label: d.label,
            description: d.kind === current ? 'current' : undefined,
            detail: d.differs,
            provider: d.kind,
          })),
          { title: 'Socratune: choose a backend', placeHolder: 'Where should Socratune train and chat?' },
        );
        if (!pick) return undefined;
        provider = pick.provider;
        // Most backends need only a key (Set API Key); the descriptor names the endpoint or base URL setting of the others.
        const setting = backendDescriptor(provider).setting;
        if (setting) void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.${setting}`);
      }
      await vscode.workspace.getConfiguration(SECTION).update('provider', provider, effectiveTarget('provider'));
      log.info(`Backend set to ${provider}.`);
      return provider;
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) checkSettingsForKeys();
    }),
  );
  checkSettingsForKeys();
}

/** A key found in settings is refused: the user is told, and offered to move it into SecretStorage. */
async function refuseKeysInSettings(s: Services): Promise<void> {
  const offending = settingsHoldingKeys();
  if (offending.length === 0) return;
  s.log.warn(`Refused: settings ${offending.map((k) => `${SECTION}.${k}`).join(', ')} appear to contain an API key. Keys are read only from SecretStorage.`);
  const move = 'Move to Secret Storage';
  const choice = await vscode.window.showErrorMessage(
    `Socratune does not read API keys from settings (settings files are plain text and often synced). Remove the key from "${SECTION}.${offending[0]}" and use "Socratune: Set API Key".`,
    move,
  );
  if (choice !== move) return;
  const c = vscode.workspace.getConfiguration(SECTION);
  const value = c.get<string>(offending[0]);
  if (typeof value === 'string' && looksLikeApiKey(value)) {
    await s.keys.set(readProfile().provider, value.trim());
    for (const target of [vscode.ConfigurationTarget.Global, vscode.ConfigurationTarget.Workspace]) {
      await c.update(offending[0], undefined, target).then(undefined, () => undefined);
    }
    void vscode.window.showInformationMessage('Socratune: the key is now in Secret Storage and was removed from settings.');
  } else {
    void vscode.commands.executeCommand('workbench.action.openSettingsJson');
  }
}
