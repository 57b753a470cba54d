import * as vscode from 'vscode';
import { createBackend } from '../core/backends';
import { parseModelId } from '../core/backends/modelIds';
import type { ChatTarget, ChatTargetInfo, FineTuneBackend } from '../core/backends/types';
import { azureDeployments, fireworksAccount } from '../jobs/backendHost';
import { Services } from '../platform/services';
import { ModelEntry, ModelKind, ModelsState } from '../shared/protocol';
import { describeProfile } from './backendLabel';

/**
 * The models the picker offers: what the backend says can be chatted with (`FineTuneBackend.chatTargets`:
 * listed base models, fine-tuned models, checkpoints of recent jobs, each with the model ID a request sends)
 * plus every fine-tuned model/checkpoint the jobs capability bound a training prompt to (services.modelPrompts),
 * even when the server does not list it. `resolve` turns the picker's selection into the request's `model`.
 */
export class ModelCatalog implements vscode.Disposable {
  private state: ModelsState = { entries: [], loading: false, backend: '' };
  private listed: ChatTargetInfo[] = [];
  private generation = 0;
  private readonly changed = new vscode.EventEmitter<ModelsState>();
  readonly onDidChange = this.changed.event;
  private readonly subs: vscode.Disposable[] = [];
  private loaded = false;

  constructor(private readonly s: Services) {
    this.subs.push(
      s.modelPrompts.onDidChange(() => this.publish()),
      s.keys.onDidChange(() => void this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (['provider', 'baseUrl', 'azure', 'fireworks'].some((k) => e.affectsConfiguration(`socratune.${k}`))) void this.refresh();
      }),
    );
  }

  /** Current state; the first call starts loading in the background. */
  get current(): ModelsState {
    if (!this.loaded) {
      this.loaded = true;
      void this.refresh();
    }
    return this.state;
  }

  /** The backend for the active profile (Azure deployments read fresh), or why there is none. */
  private async backend(): Promise<{ ok: true; backend: FineTuneBackend } | { ok: false; message: string }> {
    const c = await this.s.client({ timeoutMs: 15_000, maxRetries: 1 });
    if (!c.ok) return { ok: false, message: c.message };
    const profile = this.s.profile();
    const opts = { azureDeployments: profile.provider === 'azure' ? azureDeployments() : {}, fireworksAccount: fireworksAccount() };
    return { ok: true, backend: createBackend(profile, c.client, c.baseURL, opts) };
  }

  /**
   * The `model` a chat request for the picker's selection `id` sends, or why it cannot be sent (Azure fine-tune
   * without a deployment, …). Asked of the backend on every send, so a deployment set a moment ago applies.
   */
  async resolve(id: string): Promise<ChatTarget> {
    const b = await this.backend();
    // Without a backend the request fails with the client's own explanation (no key, no URL).
    return b.ok ? b.backend.chatTarget(id) : { ok: true, model: id };
  }

  async refresh(): Promise<ModelsState> {
    this.loaded = true;
    const gen = ++this.generation;
    const backend = describeProfile(this.s.profile());
    this.state = { ...this.state, loading: true, backend };
    this.changed.fire(this.state);
    const started = Date.now();
    let error: string | undefined;
    let listed: ChatTargetInfo[] = [];
    const b = await this.backend();
    if (!b.ok) error = b.message;
    else {
      try {
        listed = await b.backend.chatTargets();
      } catch (e) {
        error = `Could not list models from ${backend}: ${e instanceof Error ? e.message : String(e)}. You can still type a model ID.`;
      }
    }
    this.s.log.info(
      `Chat: ${listed.length} models from ${backend} in ${Date.now() - started} ms${error ? ` (${error})` : ''}${gen !== this.generation ? ' (superseded)' : ''}`,
    );
    if (gen !== this.generation) return this.state;
    this.listed = listed;
    this.publish(error);
    if (error) this.s.log.warn(`Chat: ${error}`);
    return this.state;
  }

  /**
   * The model a fresh window starts with: the newest fine-tuned model that carries its training prompt, else the
   * newest fine-tune, else the first base model the backend lists. Only models that answer now are chosen.
   */
  defaultChoice(): ModelEntry | undefined {
    const ready = this.state.entries.filter((e) => !e.unavailable);
    const created = (id: string) => this.listed.find((t) => t.id === id)?.createdAt ?? 0;
    const newest = (xs: ModelEntry[]) => [...xs].sort((a, b) => created(b.id) - created(a.id))[0];
    const ft = ready.filter((e) => e.kind === 'fine-tuned');
    return newest(ft.filter((e) => e.hasBoundPrompt)) ?? newest(ft) ?? ready.find((e) => e.kind === 'base' || e.kind === 'server');
  }

  /** The base model `id` was trained from: as the backend listed it, else as its ID names it. */
  baseOf(id: string): string | undefined {
    return this.state.entries.find((e) => e.id === id)?.baseModel ?? parseModelId(id).base;
  }

  private publish(error?: string): void {
    const provider = this.s.profile().provider;
    const byId = new Map<string, ModelEntry>();
    const bound = new Map(this.s.modelPrompts.entries());
    // A checkpoint was trained in the same run as its fine-tune: it shares the bound prompt.
    const boundOf = (id: string) => bound.get(id) ?? bound.get(id.replace(/:ckpt-step-\d+$/, ''));
    for (const t of this.listed) {
      const kind: ModelKind = t.kind === 'base' && provider === 'openai-compatible' ? 'server' : t.kind;
      byId.set(t.id, {
        id: t.id,
        kind,
        hasBoundPrompt: boundOf(t.id) !== undefined,
        ...detail(t.detail, boundOf(t.id)?.datasetName),
        ...(t.baseModel ? { baseModel: t.baseModel } : {}),
        ...(t.target.ok ? (t.target.note ? { via: t.target.note } : {}) : { unavailable: t.target.message }),
      });
    }
    for (const [id, p] of bound) {
      if (!byId.has(id))
        byId.set(id, { id, kind: id.includes(':ckpt-step-') ? 'checkpoint' : 'fine-tuned', hasBoundPrompt: true, ...detail(undefined, p.datasetName) });
    }
    const order: Record<ModelKind, number> = { 'fine-tuned': 0, checkpoint: 1, server: 2, base: 3, custom: 4 };
    const entries = [...byId.values()].sort((a, b) => order[a.kind] - order[b.kind] || a.id.localeCompare(b.id));
    this.state = { entries, loading: false, backend: describeProfile(this.s.profile()), ...(error ? { error } : {}) };
    this.changed.fire(this.state);
  }

  dispose(): void {
    for (const d of this.subs.splice(0)) d.dispose();
    this.changed.dispose();
  }
}

function detail(serverDetail: string | undefined, dataset: string | undefined): { detail?: string } {
  const bits = [dataset ? `trained on ${dataset}` : undefined, serverDetail].filter((x): x is string => !!x);
  return bits.length ? { detail: bits.join(' · ') } : {};
}
