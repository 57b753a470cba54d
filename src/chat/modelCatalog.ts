import type OpenAI from 'openai';
import * as vscode from 'vscode';
import { describeProfile } from './backendLabel';
import { Services } from '../platform/services';
import { ModelEntry, ModelKind, ModelsState } from '../shared/protocol';

/** Chat-capable OpenAI base model ids (the account's list also has embeddings, audio, images…). */
const OPENAI_CHAT = /^(gpt-|o\d|chatgpt-)/;
const NOT_CHAT = /(embedding|audio|realtime|tts|transcribe|whisper|dall-e|image|search|moderation|davinci|babbage|computer-use)/;

/**
 * The models the picker offers: the backend's `GET /models` (any OpenAI-compatible server: Ollama, vLLM,
 * llama.cpp, LM Studio, the emulator, OpenAI, Azure) plus every fine-tuned model/checkpoint the jobs
 * capability bound a training prompt to (services.modelPrompts), even when the server does not list it.
 */
export class ModelCatalog implements vscode.Disposable {
  private state: ModelsState = { entries: [], loading: false, backend: '' };
  private listed: { id: string; detail?: string; fromServer: boolean }[] = [];
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
        if (e.affectsConfiguration('socratune.provider') || e.affectsConfiguration('socratune.baseUrl') || e.affectsConfiguration('socratune.azure'))
          void this.refresh();
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

  async refresh(): Promise<ModelsState> {
    this.loaded = true;
    const gen = ++this.generation;
    const backend = describeProfile(this.s.profile());
    this.state = { ...this.state, loading: true, backend };
    this.changed.fire(this.state);
    let error: string | undefined;
    const listed: { id: string; detail?: string; fromServer: boolean }[] = [];
    const started = Date.now();
    this.s.log.debug(`Chat: listing models from ${backend}…`);
    const c = await this.s.client({ timeoutMs: 15_000, maxRetries: 1 });
    this.s.log.debug(`Chat: client for ${backend} ready after ${Date.now() - started} ms (${c.ok ? 'ok' : c.reason})`);
    if (!c.ok) {
      error = c.message;
    } else {
      try {
        for await (const m of c.client.models.list()) {
          const shutdown = (m as { shutdown_date?: unknown }).shutdown_date;
          listed.push({ id: m.id, fromServer: true, ...(typeof shutdown === 'string' && shutdown ? { detail: `shuts down ${shutdown}` } : {}) });
          if (listed.length >= 2000) break;
        }
      } catch (e) {
        error = `Could not list models from ${backend}: ${e instanceof Error ? e.message : String(e)}. You can still type a model ID.`;
      }
      if (!error && this.s.profile().provider !== 'openai-compatible') listed.push(...(await this.checkpoints(c.client)));
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
   * Checkpoints are not in `GET /models`: they come from the account's recent succeeded fine-tuning jobs
   * (`jobs.list`, then `jobs.checkpoints.list` for up to 10 of them). Servers without the fine-tuning API
   * answer 404; that is not an error for chat.
   */
  private async checkpoints(client: OpenAI): Promise<{ id: string; detail?: string; fromServer: boolean }[]> {
    const out: { id: string; detail?: string; fromServer: boolean }[] = [];
    try {
      const page = await client.fineTuning.jobs.list({ limit: 20 });
      const done = page.data.filter((j) => j.status === 'succeeded' && j.fine_tuned_model).slice(0, 10);
      const lists = await Promise.all(
        done.map((j) =>
          client.fineTuning.jobs.checkpoints.list(j.id, { limit: 10 }).then(
            (p) => p.data,
            () => [],
          ),
        ),
      );
      for (const cps of lists) {
        for (const cp of cps)
          out.push({
            id: cp.fine_tuned_model_checkpoint,
            fromServer: true,
            detail: `step ${cp.step_number}${cp.metrics?.full_valid_loss != null ? ` · valid loss ${cp.metrics.full_valid_loss.toFixed(3)}` : ''}`,
          });
      }
    } catch (e) {
      this.s.log.debug(`Chat: no checkpoints from this backend (${e instanceof Error ? e.message : String(e)})`);
    }
    return out;
  }

  private publish(error?: string): void {
    const provider = this.s.profile().provider;
    const byId = new Map<string, ModelEntry>();
    const bound = new Map(this.s.modelPrompts.entries());
    // A checkpoint was trained in the same run as its fine-tune: it shares the bound prompt.
    const boundOf = (id: string) => bound.get(id) ?? bound.get(id.replace(/:ckpt-step-\d+$/, ''));
    for (const m of this.listed) {
      const kind = classify(m.id, provider);
      if (!kind) continue;
      byId.set(m.id, { id: m.id, kind, hasBoundPrompt: boundOf(m.id) !== undefined, ...detail(m.detail, boundOf(m.id)?.datasetName) });
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

function classify(id: string, provider: string): ModelKind | undefined {
  if (id.startsWith('ft:')) return id.includes(':ckpt-step-') ? 'checkpoint' : 'fine-tuned';
  if (provider === 'openai' || provider === 'emulator' || provider === 'azure') {
    if (!OPENAI_CHAT.test(id) || NOT_CHAT.test(id)) return provider === 'openai' ? undefined : 'base';
    return 'base';
  }
  return 'server';
}

function detail(serverDetail: string | undefined, dataset: string | undefined): { detail?: string } {
  const bits = [dataset ? `trained on ${dataset}` : undefined, serverDetail].filter((x): x is string => !!x);
  return bits.length ? { detail: bits.join(' · ') } : {};
}
