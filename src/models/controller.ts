import * as vscode from 'vscode';
import { Views } from '../constants';
import type { FineTuneBackend } from '../core/backends/types';
import { showBackendError } from '../jobs/errorActions';
import type { JobsApi } from '../jobs/register';
import type { Services } from '../platform/services';
import { ModelsElement, ModelsTreeProvider } from './modelsTree';

/** What Models commands receive: a tree element, or `{ modelId, … }` from code and tests. */
export type ModelArg = ModelsElement | { modelId?: string; systemPrompt?: string; deployment?: string; confirm?: boolean; other?: string } | undefined;

export function modelIdOf(arg: ModelArg): string | undefined {
  if (!arg) return undefined;
  if ('kind' in arg) return arg.kind === 'model' ? arg.id : arg.kind === 'prompt' ? arg.modelId : undefined;
  return typeof arg.modelId === 'string' ? arg.modelId : undefined;
}

/** A string option passed as an argument (tests and automation), never from a tree element. */
export function opt<K extends 'systemPrompt' | 'deployment' | 'other'>(arg: ModelArg, key: K): string | undefined {
  if (!arg || 'kind' in arg) return undefined;
  const v = arg[key];
  return typeof v === 'string' ? v : undefined;
}

/** The Models capability: the tree of the account's fine-tunes, reloaded when a job succeeds. */
export class ModelsController implements vscode.Disposable {
  readonly tree: ModelsTreeProvider;
  readonly view: vscode.TreeView<ModelsElement>;
  private readonly subs: vscode.Disposable[];

  constructor(
    readonly s: Services,
    readonly jobs: JobsApi,
  ) {
    this.tree = new ModelsTreeProvider(() => jobs.backendHost.resolve(), jobs.store, s.modelPrompts);
    this.view = s.views.treeView(Views.models, this.tree);
    const transitions = jobs.store.onDidTransition(({ job }) => {
      if (job.status === 'succeeded' && this.tree.loaded) void this.reload();
    });
    this.subs = [
      { dispose: () => transitions.dispose() },
      jobs.backendHost.onDidChange(() => this.tree.reset()),
      this.view.onDidChangeVisibility((e) => {
        if (e.visible && !this.tree.loaded) void this.reload();
      }),
    ];
  }

  /** The backend, or undefined after telling the user why there is none. */
  async requireBackend(): Promise<FineTuneBackend | undefined> {
    const r = await this.jobs.backendHost.resolve();
    if (r.ok) return r.backend;
    void showBackendError(r.error);
    return undefined;
  }

  async reload(): Promise<void> {
    await this.tree.load();
    // Bind prompts of models whose job is known (jobs started elsewhere get theirs via metadata hashes).
    for (const m of this.tree.fineTuned) {
      if (this.s.modelPrompts.get(m.id)) continue;
      const job = this.jobs.store.jobs.find((j) => j.fineTunedModel === m.id);
      if (job) await this.jobs.prompts.bindJob(job, this.jobs.store.detailsOf(job.id).checkpoints);
    }
  }

  dispose(): void {
    for (const d of [...this.subs, this.tree, this.view]) d.dispose();
  }
}
