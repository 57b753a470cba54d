import * as vscode from 'vscode';
import { createBackend } from '../core/backends';
import type { FineTuneBackend, UploadCache } from '../core/backends/types';
import type { BackendResolution } from '../core/jobs/jobsStore';
import type { Services } from '../platform/services';
import { SECTION } from '../platform/settings';

/** Setting: fine-tuned model ID → Azure deployment name (not a secret; plain settings). */
export const AZURE_DEPLOYMENTS_SETTING = 'azure.deployments';

/** Server file IDs by content hash, in global state (per base URL, see core/backends/upload.ts). */
class MementoUploadCache implements UploadCache {
  private static readonly KEY = 'socratune.uploads';
  constructor(private readonly state: vscode.Memento) {}
  private all(): Record<string, string> {
    return this.state.get<Record<string, string>>(MementoUploadCache.KEY, {});
  }
  get(key: string): string | undefined {
    return this.all()[key];
  }
  async set(key: string, fileId: string): Promise<void> {
    await this.state.update(MementoUploadCache.KEY, { ...this.all(), [key]: fileId });
  }
  async delete(key: string): Promise<void> {
    const next = { ...this.all() };
    delete next[key];
    await this.state.update(MementoUploadCache.KEY, next);
  }
}

/** Setting: the Fireworks account ID (not a secret; it is part of every Fireworks resource name). */
export const FIREWORKS_ACCOUNT_SETTING = 'fireworks.accountId';

export function fireworksAccount(): string {
  const v = vscode.workspace.getConfiguration(SECTION).get<unknown>(FIREWORKS_ACCOUNT_SETTING);
  return typeof v === 'string' ? v.trim() : '';
}

export function azureDeployments(): Record<string, string> {
  const v = vscode.workspace.getConfiguration(SECTION).get<unknown>(AZURE_DEPLOYMENTS_SETTING);
  const out: Record<string, string> = {};
  if (v && typeof v === 'object') for (const [k, d] of Object.entries(v)) if (typeof d === 'string' && d.trim()) out[k] = d.trim();
  return out;
}

/**
 * The current fine-tuning backend for the active profile, rebuilt when the provider, its URL, its key
 * or the Azure deployment map changes. The client always comes from `services.client()`.
 */
export class BackendHost implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** The backend (provider, URL or key) changed: cached state must be dropped. */
  readonly onDidChange = this.changed.event;
  private cached: { key: string; resolution: BackendResolution } | undefined;
  private extraHeaders: Record<string, string> = {};
  private readonly subs: vscode.Disposable[] = [];
  private readonly uploadCache: UploadCache;

  constructor(private readonly s: Services) {
    this.uploadCache = new MementoUploadCache(s.context.globalState);
    this.subs.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        const keys = ['provider', 'baseUrl', 'azure', 'fireworks'];
        if (keys.some((k) => e.affectsConfiguration(`${SECTION}.${k}`))) {
          this.invalidate();
        }
      }),
      s.keys.onDidChange(() => this.invalidate()),
    );
  }

  private generation = 0;

  private invalidate(): void {
    this.generation++;
    this.cached = undefined;
    this.changed.fire();
  }

  /**
   * Test hook: extra headers on every request (emulator fault injection). Same account and server, so
   * the jobs already shown stay: only the client is rebuilt.
   */
  setExtraHeaders(headers: Record<string, string>): void {
    this.extraHeaders = { ...headers };
    this.generation++;
    this.cached = undefined;
  }

  async resolve(): Promise<BackendResolution> {
    const profile = this.s.profile();
    const deployments = profile.provider === 'azure' ? azureDeployments() : {};
    const account = profile.provider === 'fireworks' ? fireworksAccount() : '';
    const key = JSON.stringify([profile.provider, profile.baseUrl, profile.azureEndpoint, deployments, account, this.extraHeaders]);
    if (this.cached?.key === key && this.cached.resolution.ok) return this.cached.resolution;
    const generation = this.generation;
    const r = await this.s.client({ headers: this.extraHeaders, maxRetries: 1, timeoutMs: 60_000 });
    let resolution: BackendResolution;
    if (r.ok) {
      const opts = { uploadCache: this.uploadCache, azureDeployments: deployments, fireworksAccount: account };
      resolution = { ok: true, backend: createBackend(profile, r.client, r.baseURL, opts) };
    } else {
      resolution = {
        ok: false,
        error: {
          kind: r.reason === 'no-key' ? 'no-key' : 'config',
          title: r.reason === 'no-key' ? 'No API key set' : 'Backend not configured',
          message: r.message,
          actions: r.reason === 'no-key' ? ['setApiKey', 'chooseBackend'] : ['openSettings', 'chooseBackend'],
        },
      };
    }
    // Only a working backend is cached: a failure (no key yet, say) is re-checked on the next call, so a
    // key stored while this call was in flight is never hidden behind a stale error.
    if (resolution.ok && generation === this.generation) this.cached = { key, resolution };
    return resolution;
  }

  /** The backend, or a thrown error explaining why there is none. */
  async backend(): Promise<FineTuneBackend> {
    const r = await this.resolve();
    if (!r.ok) throw new Error(r.error.message);
    return r.backend;
  }

  dispose(): void {
    this.changed.dispose();
    for (const d of this.subs) d.dispose();
  }
}
