import * as vscode from 'vscode';
import { PROVIDER_KINDS, ProviderKind } from '../core/config/profile';
import { Log } from './log';

const PREFIX = 'socratune.apiKey.';

/**
 * API keys, one per provider kind, kept only in VS Code SecretStorage (OS keychain on desktop). Every stored key
 * is registered with the log for exact redaction: at start (each kind in PROVIDER_KINDS, plus every
 * `socratune.apiKey.*` entry where SecretStorage can list its keys, so a backend added later is covered without
 * a list to update), whenever a key changes (in this window or another), and on every read and write.
 */
export class ApiKeys implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ProviderKind>();
  readonly onDidChange = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor(
    private readonly storage: vscode.SecretStorage,
    private readonly log: Log,
  ) {
    this.sub = storage.onDidChange((e) => {
      const kind = e.key.startsWith(PREFIX) ? (e.key.slice(PREFIX.length) as ProviderKind) : undefined;
      if (!kind) return;
      void this.register(e.key);
      this.changed.fire(kind);
    });
    this.registered = this.registerStored();
  }

  /** Resolves once every key stored at start is registered with the log. */
  readonly registered: Promise<void>;

  private static storageKey(kind: ProviderKind): string {
    return `${PREFIX}${kind}`;
  }

  private async register(storageKey: string): Promise<void> {
    this.log.addSecret(await Promise.resolve(this.storage.get(storageKey)).catch(() => undefined));
  }

  private async registerStored(): Promise<void> {
    const names = new Set(PROVIDER_KINDS.map((k) => ApiKeys.storageKey(k)));
    // SecretStorage.keys() exists from VS Code 1.96; older hosts fall back to the known kinds.
    const lister = (this.storage as { keys?: () => Thenable<readonly string[]> }).keys;
    if (typeof lister === 'function') {
      const all = await Promise.resolve(lister.call(this.storage)).catch(() => [] as readonly string[]);
      for (const k of all) if (k.startsWith(PREFIX)) names.add(k);
    }
    await Promise.all([...names].map((k) => this.register(k)));
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
