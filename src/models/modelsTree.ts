import * as vscode from 'vscode';
import { BackendError } from '../core/backends';
import { daysUntil, isPast } from '../core/backends/catalog';
import type { BackendErrorInfo } from '../core/backends/errors';
import { parseModelId } from '../core/backends/modelIds';
import type { AccountModel, ChatTarget, FineTuneBackend } from '../core/backends/types';
import type { JobsStore } from '../core/jobs/jobsStore';
import { ERROR_ACTIONS } from '../jobs/errorActions';
import type { ModelPrompts } from '../platform/modelPrompts';
import { ModelCommands } from './commandIds';

export type ModelsElement =
  | { readonly kind: 'group'; readonly base: string }
  | { readonly kind: 'model'; readonly id: string; readonly base: string; readonly checkpoint: boolean; readonly parent?: string }
  | { readonly kind: 'prompt'; readonly modelId: string }
  | { readonly kind: 'error'; readonly info: BackendErrorInfo }
  | { readonly kind: 'message'; readonly text: string };

/** A short "how it answers" for the model's description: serverless, through an endpoint or deployment, or what it still needs. */
function servingText(t: ChatTarget | undefined, id: string): string | undefined {
  if (!t) return undefined;
  if (!t.ok) return t.reason === 'needs-endpoint' ? 'needs a dedicated endpoint' : 'needs a deployment';
  if (t.model !== id) return `via ${t.model}`;
  return /serverless/.test(t.note ?? '') ? 'serverless' : undefined;
}

/** Days before a shutdown date from which the tree warns. */
export const SHUTDOWN_WARN_DAYS = 90;

const OTHER = 'Other models';

/**
 * Fine-tuned models and checkpoints of the account, grouped by base model, each with the system
 * prompt bound to it and shutdown warnings (fine-tunes stop working when their base model shuts down).
 * Loaded when the view is shown and after a job succeeds; never polled.
 */
export class ModelsTreeProvider implements vscode.TreeDataProvider<ModelsElement>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ModelsElement | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private models: AccountModel[] = [];
  /** How each listed model answers chat (the backend's `chatTarget`, taken at load). */
  private serving = new Map<string, ChatTarget>();
  private shutdown = new Map<string, string>();
  private loadedOnce = false;
  private error: BackendErrorInfo | undefined;
  private loading: Promise<void> | undefined;
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly backend: () => Promise<{ ok: true; backend: FineTuneBackend } | { ok: false; error: BackendErrorInfo }>,
    private readonly jobs: JobsStore,
    private readonly prompts: ModelPrompts,
    private readonly now: () => number = Date.now,
  ) {
    this.subs.push(prompts.onDidChange(() => this.changed.fire(undefined)));
  }

  get loaded(): boolean {
    return this.loadedOnce;
  }

  /** Fine-tuned models currently listed (test handle). */
  get fineTuned(): readonly AccountModel[] {
    return this.models;
  }

  private generation = 0;

  reset(): void {
    this.generation++;
    this.loading = undefined;
    this.models = [];
    this.serving.clear();
    this.shutdown.clear();
    this.loadedOnce = false;
    this.error = undefined;
    this.changed.fire(undefined);
  }

  load(): Promise<void> {
    const gen = this.generation;
    this.loading ??= (async () => {
      try {
        const r = await this.backend();
        if (!r.ok) throw new BackendError(r.error);
        const all = await r.backend.listModels();
        // The backend (or its key) changed while this call was in flight: a newer load owns the tree.
        if (gen !== this.generation) return;
        this.models = all.filter((m) => m.fineTuned).sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
        this.shutdown = new Map(all.filter((m) => m.shutdownDate).map((m) => [m.id, m.shutdownDate as string]));
        this.serving = new Map(this.models.map((m) => [m.id, r.backend.chatTarget(m.id)]));
        this.error = undefined;
      } catch (err) {
        if (gen !== this.generation) return;
        this.error = err instanceof BackendError ? err.info : { kind: 'unknown', title: String(err), message: String(err), actions: ['showLog'] };
      } finally {
        if (gen === this.generation) {
          this.loadedOnce = true;
          this.loading = undefined;
          this.changed.fire(undefined);
        }
      }
    })();
    return this.loading;
  }

  /** Base model of a fine-tune: from its ID, else from the job that produced it. */
  baseOf(id: string): string {
    const parsed = parseModelId(id).base;
    if (parsed) return parsed;
    const job = this.jobs.jobs.find((j) => j.fineTunedModel === id || this.jobs.detailsOf(j.id).checkpoints.some((c) => c.modelId === id));
    return job?.baseModel || OTHER;
  }

  private parentOf(id: string): string | undefined {
    const p = parseModelId(id);
    if (!p.checkpoint) return undefined;
    const parent = id.replace(/:ckpt-step-\d+$/, '');
    return parent !== id && this.models.some((m) => m.id === parent) ? parent : undefined;
  }

  async getChildren(el?: ModelsElement): Promise<ModelsElement[]> {
    if (!el) {
      if (!this.loadedOnce) await this.load();
      const out: ModelsElement[] = [];
      if (this.error) out.push({ kind: 'error', info: this.error });
      const bases = [...new Set(this.models.map((m) => this.baseOf(m.id)))].sort((a, b) => (a === OTHER ? 1 : b === OTHER ? -1 : a.localeCompare(b)));
      out.push(...bases.map((base): ModelsElement => ({ kind: 'group', base })));
      return out;
    }
    if (el.kind === 'group') {
      return this.models
        .filter((m) => this.baseOf(m.id) === el.base && !this.parentOf(m.id))
        .map((m): ModelsElement => ({ kind: 'model', id: m.id, base: el.base, checkpoint: parseModelId(m.id).checkpoint }));
    }
    if (el.kind === 'model' && !el.checkpoint) {
      const out: ModelsElement[] = [{ kind: 'prompt', modelId: el.id }];
      const listed = this.models.filter((m) => this.parentOf(m.id) === el.id).map((m) => m.id);
      const job = this.jobs.jobs.find((j) => j.fineTunedModel === el.id);
      if (job) {
        const d = this.jobs.detailsOf(job.id);
        if (!d.checkpointsLoaded) await this.jobs.fetchCheckpoints(job.id);
        for (const c of d.checkpoints) if (!listed.includes(c.modelId) && c.modelId !== el.id) listed.push(c.modelId);
      }
      const step = (id: string) => parseModelId(id).step ?? 0;
      out.push(...listed.sort((a, b) => step(b) - step(a)).map((id): ModelsElement => ({ kind: 'model', id, base: el.base, checkpoint: true, parent: el.id })));
      return out;
    }
    if (el.kind === 'model' && el.checkpoint) return [{ kind: 'prompt', modelId: el.id }];
    return [];
  }

  private shutdownNote(base: string, own?: string): { text: string; warn: boolean } | undefined {
    const date = own ?? this.shutdown.get(base);
    if (!date) return undefined;
    const days = daysUntil(date, this.now());
    if (isPast(date, this.now())) return { text: `shut down on ${date}`, warn: true };
    return { text: `shuts down ${date} (${days} days)`, warn: days <= SHUTDOWN_WARN_DAYS };
  }

  getTreeItem(el: ModelsElement): vscode.TreeItem {
    switch (el.kind) {
      case 'group': {
        const it = new vscode.TreeItem(el.base, vscode.TreeItemCollapsibleState.Expanded);
        const sd = this.shutdownNote(el.base);
        const n = this.models.filter((m) => this.baseOf(m.id) === el.base).length;
        it.description = [`${n} model${n === 1 ? '' : 's'}`, sd?.text].filter(Boolean).join(' · ');
        it.iconPath = new vscode.ThemeIcon(sd?.warn ? 'warning' : 'library', sd?.warn ? new vscode.ThemeColor('list.warningForeground') : undefined);
        it.tooltip = sd ? `${el.base} ${sd.text}. Its fine-tunes stop answering on that date too.` : el.base;
        it.contextValue = 'modelGroup';
        it.id = `models:group:${el.base}`;
        return it;
      }
      case 'model': {
        const m = this.models.find((x) => x.id === el.id);
        const it = new vscode.TreeItem(el.id, vscode.TreeItemCollapsibleState.Collapsed);
        const bound = this.prompts.get(el.id);
        const sd = this.shutdownNote(el.base, m?.shutdownDate);
        const step = parseModelId(el.id).step;
        it.description = [
          el.checkpoint ? `checkpoint${step !== undefined ? ` · step ${step}` : ''}` : undefined,
          bound ? 'prompt bound' : 'no bound prompt',
          servingText(this.serving.get(el.id), el.id),
          sd?.warn ? sd.text : undefined,
        ]
          .filter(Boolean)
          .join(' · ');
        const md = new vscode.MarkdownString();
        md.appendCodeblock(el.id, 'text');
        md.appendMarkdown(`\n${el.checkpoint ? 'Checkpoint' : 'Fine-tuned model'} of `).appendText(el.base);
        if (sd) md.appendMarkdown('\n\n').appendText(`⚠ ${el.base} ${sd.text}; this model stops answering then.`);
        const serving = this.serving.get(el.id);
        if (serving) md.appendMarkdown('\n\n').appendText(serving.ok ? (serving.note ?? 'Answers chat by its ID.') : serving.message);
        md.appendMarkdown('\n\n').appendText(
          bound
            ? `Bound system prompt (${bound.source === 'user' ? 'set by you' : `from training${bound.datasetName ? ` on ${bound.datasetName}` : ''}`}).`
            : 'No system prompt bound: chat sends none unless you set one.',
        );
        it.tooltip = md;
        it.iconPath = new vscode.ThemeIcon(
          el.checkpoint ? 'milestone' : sd?.warn ? 'warning' : 'sparkle',
          sd?.warn ? new vscode.ThemeColor('list.warningForeground') : undefined,
        );
        it.contextValue = el.checkpoint ? 'model.checkpoint' : 'model.fineTuned';
        it.id = `models:model:${el.parent ?? ''}:${el.id}`;
        return it;
      }
      case 'prompt': {
        const bound = this.prompts.get(el.modelId);
        const text = bound?.systemPrompt ?? '';
        const it = new vscode.TreeItem(
          bound ? (text.length > 80 ? `${text.slice(0, 80)}…` : text || '(empty system prompt)') : 'No bound system prompt — set one…',
          vscode.TreeItemCollapsibleState.None,
        );
        it.description = bound ? (bound.source === 'user' ? 'set by you' : `from training${bound.datasetName ? ` · ${bound.datasetName}` : ''}`) : undefined;
        it.tooltip = bound
          ? new vscode.MarkdownString().appendMarkdown('**Training system prompt**\n\n').appendText(text)
          : 'Chat sends this system prompt to the model, as it was during training.';
        it.iconPath = new vscode.ThemeIcon('comment-discussion');
        it.command = { title: 'Set Bound System Prompt…', command: ModelCommands.setBoundPrompt, arguments: [{ modelId: el.modelId }] };
        it.contextValue = 'boundPrompt';
        it.id = `models:prompt:${el.modelId}`;
        return it;
      }
      case 'error': {
        const it = new vscode.TreeItem(el.info.title, vscode.TreeItemCollapsibleState.None);
        const primary = el.info.actions[0];
        it.description = primary ? ERROR_ACTIONS[primary].title : undefined;
        it.tooltip = el.info.message;
        it.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('errorForeground'));
        if (primary) it.command = primary === 'retry' ? { title: 'Retry', command: ModelCommands.refresh } : ERROR_ACTIONS[primary].command;
        it.contextValue = `error.${el.info.kind}`;
        return it;
      }
      case 'message':
        return new vscode.TreeItem(el.text);
    }
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.changed.dispose();
    for (const s of this.subs) s.dispose();
  }
}
