import * as vscode from 'vscode';
import { BackendProfile, isProviderKind } from '../core/config/profile';
import { looksLikeApiKey } from '../core/config/redact';

export const SECTION = 'socratune';

export function readProfile(): BackendProfile {
  const c = vscode.workspace.getConfiguration(SECTION);
  const provider = c.get<string>('provider', 'openai');
  return {
    provider: isProviderKind(provider) ? provider : 'openai',
    baseUrl: c.get<string>('baseUrl', ''),
    azureEndpoint: c.get<string>('azure.endpoint', ''),
    azureApiVersion: c.get<string>('azure.apiVersion', ''),
    defaultChatModel: c.get<string>('chat.defaultModel', ''),
    defaultBaseModel: c.get<string>('training.defaultBaseModel', 'gpt-4.1-mini-2025-04-14'),
  };
}

/**
 * Where writing the window-scoped setting `key` takes effect: the workspace when it sets the value (a
 * workspace value shadows the user's, so writing user settings alone would change nothing), else user settings.
 */
export function effectiveTarget(key: string): vscode.ConfigurationTarget {
  const i = vscode.workspace.getConfiguration(SECTION).inspect(key);
  return i?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

/**
 * Settings keys where a pasted API key would end up in plain text (settings.json is synced, shared, committed).
 * `apiKey` is not a contributed setting: it is watched only so that a key typed there is refused.
 */
const KEY_LIKE_SETTINGS = ['apiKey', 'openaiApiKey', 'azure.apiKey', 'key', 'baseUrl', 'azure.endpoint'];

/** Names of Socratune settings that currently hold something that looks like an API key. */
export function settingsHoldingKeys(): string[] {
  const c = vscode.workspace.getConfiguration(SECTION);
  return KEY_LIKE_SETTINGS.filter((k) => {
    const v = c.get<unknown>(k);
    if (typeof v !== 'string' || !v) return false;
    if (k === 'baseUrl' || k === 'azure.endpoint') return /[?&](api[-_]?key|key)=/i.test(v) || /\/\/[^/@]+:[^/@]+@/.test(v);
    return looksLikeApiKey(v) || k.toLowerCase().includes('key');
  });
}
