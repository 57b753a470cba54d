import * as vscode from 'vscode';
import { ProviderKind } from '../core/config/profile';
import { Log } from './log';

/** API keys, one per provider kind, kept only in VS Code SecretStorage (OS keychain on desktop). */
export class ApiKeys implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ProviderKind>();
  readonly onDidChange = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor(
    private readonly storage: vscode.SecretStorage,
    private readonly log: Log,
  ) {
    this.sub = storage.onDidChange((e) => {
      const kind = e.key.startsWith('socratune.apiKey.') ? (e.key.slice('socratune.apiKey.'.length) as ProviderKind) : undefined;
      if (kind) this.changed.fire(kind);
    });
  }

  private static storageKey(kind: ProviderKind): string {
    return `socratune.apiKey.${kind}`;
  }

  async get(kind: ProviderKind): Promise<string | undefined> {
    const v = await this.storage.get(ApiKeys.storageKey(kind));
    this.log.addSecret(v);
    return v || undefined;
  }

  async set(kind: ProviderKind, key: string): Promise<void> {
    this.log.addSecret(key);
    await this.storage.store(ApiKeys.storageKey(kind), key);
  }

  async clear(kind: ProviderKind): Promise<void> {
    await this.storage.delete(ApiKeys.storageKey(kind));
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
