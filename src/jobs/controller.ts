import * as path from 'node:path';
import * as vscode from 'vscode';
import { Views } from '../constants';
import { BackendError } from '../core/backends';
import type { FineTuneBackend, FineTuneJob } from '../core/backends/types';
import type { ArchiveReport } from '../core/jobs/archive';
import { jobLabel } from '../core/jobs/format';
import { JobsStore } from '../core/jobs/jobsStore';
import { ManifestStore } from '../core/jobs/manifest';
import { JobChoice, chooseJobs } from '../core/jobs/pick';
import { PollScheduler } from '../core/jobs/scheduler';
import { isCancellable, isPausable, isResumable, statusLabel } from '../core/jobs/status';
import type { WizardPreset, WizardResult, WizardUi } from '../core/jobs/wizard';
import { chatWith, compareModels } from '../models/actions';
import { PromptBinder } from '../models/promptBinder';
import type { Services } from '../platform/services';
import type { ArchiveArgs } from './archiveCommand';
import { JobArg, jobIdOf, modelIdOf } from './args';
import { BackendHost } from './backendHost';
import type { TrainingCurvesPanel } from './curvesPanel';
import { showBackendError } from './errorActions';
import { EventsChannel } from './eventsChannel';
import { JobsElement, JobsTreeProvider } from './jobsTree';
import { JobNotifier } from './notifications';

export type JobAction = 'cancel' | 'pause' | 'resume';

/** Which jobs the Training Curves panel showed, so the serializer can restore it after a reload. */
const CURVES_STATE_KEY = 'socratune.curves.jobIds';

/**
 * The Fine-tune Jobs capability: the store, polling, the tree view and what its commands do. Commands
 * (src/jobs/commands/) and the lifecycle wiring (src/jobs/lifecycle.ts) only call in here.
 */
export class JobsController implements vscode.Disposable {
  readonly backendHost: BackendHost;
  readonly store: JobsStore;
  readonly manifests: ManifestStore;
  readonly prompts: PromptBinder;
  readonly notifier: JobNotifier;
  readonly events: EventsChannel;
  readonly scheduler: PollScheduler;
  readonly tree: JobsTreeProvider;
  readonly view: vscode.TreeView<JobsElement>;
  private curvesPanel: TrainingCurvesPanel | undefined;

  constructor(private readonly s: Services) {
    this.backendHost = new BackendHost(s);
    this.store = new JobsStore(() => this.backendHost.resolve());
    this.manifests = new ManifestStore(path.join(s.context.globalStorageUri.fsPath, 'jobs'));
    this.prompts = new PromptBinder(s.modelPrompts, this.manifests, s.datasets);
    this.notifier = new JobNotifier({
      chatWith: (jobId) => this.chatWith({ jobId }),
      compareWithBase: (jobId) => this.compareWithBase({ jobId }),
      showEvents: (jobId) => this.showEvents({ jobId }),
    });
    this.events = new EventsChannel(this.store);
    this.scheduler = new PollScheduler(async () => {
      const out = await this.store.poll();
      if (out.error) {
        const floor = out.error.retryAfterMs !== undefined ? ` at least ${out.error.retryAfterMs} ms as the server asked` : '';
        s.log.warn(`Fine-tune polling failed (${this.store.error?.title ?? 'error'}); backing off${floor}.`);
      }
      return out;
    });
    this.tree = new JobsTreeProvider(this.store, () => this.backendOrUndefined());
    this.view = s.views.treeView(Views.jobs, this.tree);
  }

  get log(): Services['log'] {
    return this.s.log;
  }

  get curves(): TrainingCurvesPanel | undefined {
    return this.curvesPanel;
  }

  syncActive(): void {
    this.scheduler.setActive(this.store.hasActive);
  }

  async backendOrUndefined(): Promise<FineTuneBackend | undefined> {
    const r = await this.backendHost.resolve();
    return r.ok ? r.backend : undefined;
  }

  /** The backend, or undefined after telling the user why there is none. */
  async requireBackend(): Promise<FineTuneBackend | undefined> {
    const r = await this.backendHost.resolve();
    if (r.ok) return r.backend;
    void showBackendError(r.error);
    return undefined;
  }

  jobOf(arg: JobArg): FineTuneJob | undefined {
    const id = jobIdOf(arg);
    return id ? this.store.job(id) : undefined;
  }

  /** The model a row or argument stands for: a checkpoint, the resulting model, or the job's fine-tuned model. */
  modelForChat(arg: JobArg): string | undefined {
    return modelIdOf(arg) ?? this.jobOf(arg)?.fineTunedModel;
  }

  async refresh(): Promise<void> {
    await this.store.load();
    this.syncActive();
    if (this.store.hasActive) await this.scheduler.pollNow();
  }

  async loadMore(): Promise<void> {
    await this.store.loadMore();
    this.syncActive();
  }

  // The wizard, the curves panel, archiving and re-running are chunks loaded on first use (never at activation).
  async startFineTune(ui?: WizardUi, preset: WizardPreset = {}): Promise<WizardResult> {
    const backend = await this.requireBackend();
    if (!backend) return { status: 'blocked', step: 'dataset', message: 'No backend configured.' };
    const { coreWizardDeps, privacyScanFor, runStartFineTune, VsCodeWizardUi } = await import('./launch.js');
    const { context, log } = this.s;
    const deps = coreWizardDeps({
      backend,
      datasets: this.s.datasets,
      manifests: this.manifests,
      defaultBaseModel: this.s.profile().defaultBaseModel,
      privacyScan: privacyScanFor(),
      toolVersion: String((context.extension.packageJSON as { version?: unknown }).version ?? ''),
    });
    const result = await runStartFineTune(deps, ui ?? new VsCodeWizardUi(this.s.validationEntry), preset);
    if (result.status === 'created') {
      log.info(`Fine-tune ${result.job.id} created on ${backend.label} (${result.job.baseModel}, dataset ${result.manifest.dataset.name}).`);
      this.store.upsert(result.job);
      this.scheduler.setActive(true, { soon: true });
      void vscode.window.showInformationMessage(`Fine-tune ${jobLabel(result.job)} started on ${backend.label}. Socratune will tell you when it ends.`);
    } else if (result.status === 'failed') {
      log.warn(`Fine-tune not started (${result.step}): ${result.error.message}`);
    }
    return result;
  }

  async act(arg: JobArg, what: JobAction): Promise<FineTuneJob | undefined> {
    const job = this.jobOf(arg);
    const backend = await this.requireBackend();
    if (!job || !backend) return undefined;
    const allowed = what === 'cancel' ? isCancellable(job.status) : what === 'pause' ? isPausable(job.status) : isResumable(job.status);
    const done = what === 'cancel' ? 'cancelled' : what === 'pause' ? 'paused' : 'resumed';
    if (!allowed) {
      void vscode.window.showWarningMessage(`${jobLabel(job)} is ${job.rawStatus}: it cannot be ${done}.`);
      return undefined;
    }
    try {
      const updated = await (what === 'cancel' ? backend.cancel(job.id) : what === 'pause' ? backend.pause(job.id) : backend.resume(job.id));
      this.store.upsert(updated);
      this.scheduler.setActive(true, { soon: true });
      this.s.log.info(`Fine-tune ${job.id}: ${what} requested → ${updated.rawStatus}.`);
      return updated;
    } catch (err) {
      if (!(err instanceof BackendError)) throw err;
      void showBackendError(err.info, `Could not ${what} ${job.id}. `);
      return undefined;
    }
  }

  async archive(args?: ArchiveArgs): Promise<ArchiveReport | undefined> {
    const backend = await this.requireBackend();
    if (!backend) return undefined;
    const { runArchive } = await import('./archiveCommand.js');
    return runArchive(backend, args);
  }

  async chatWith(arg: JobArg): Promise<boolean> {
    const model = this.modelForChat(arg);
    const backend = await this.requireBackend();
    return model && backend ? chatWith(this.s.chatEntry, backend, model) : false;
  }

  async compareWithBase(arg: JobArg): Promise<boolean> {
    const job = this.jobOf(arg);
    const backend = await this.requireBackend();
    const model = this.modelForChat(arg);
    if (!job || !backend || !model) return false;
    return compareModels(this.s.chatEntry, backend, model, job.baseModel);
  }

  /** Compare a model of a job with another of its models: the final one, a checkpoint or the base model. */
  async compare(arg: JobArg): Promise<boolean> {
    const job = this.jobOf(arg);
    const backend = await this.requireBackend();
    const model = this.modelForChat(arg);
    if (!job || !backend || !model) return false;
    const others = [
      ...(job.fineTunedModel && job.fineTunedModel !== model ? [{ label: job.fineTunedModel, description: 'final model' }] : []),
      ...this.store
        .detailsOf(job.id)
        .checkpoints.filter((c) => c.modelId !== model)
        .map((c) => ({ label: c.modelId, description: `checkpoint, step ${c.step}` })),
      { label: job.baseModel, description: 'base model' },
    ];
    const pick = await vscode.window.showQuickPick(others, { title: `Compare ${model} with…` });
    return pick ? compareModels(this.s.chatEntry, backend, model, pick.label) : false;
  }

  async showEvents(arg: JobArg): Promise<void> {
    const id = jobIdOf(arg) ?? (await this.pickJob('Show events of…'));
    if (id) await this.events.show(id);
  }

  async showCurves(jobIds: readonly string[], restored?: vscode.WebviewPanel): Promise<TrainingCurvesPanel | undefined> {
    if (jobIds.length === 0 && !restored) return undefined;
    // Loaded before the check, so two quick calls cannot both find no panel across the await and open two.
    const { TrainingCurvesPanel } = await import('./curvesPanel.js');
    if (!this.curvesPanel || restored) {
      this.curvesPanel?.dispose();
      const panel = new TrainingCurvesPanel(
        this.s.context.extensionUri,
        this.store,
        () => this.backendOrUndefined(),
        this.s.log,
        (shown) => this.pickJobs('Overlay which jobs?', shown),
        (ids) => void this.s.context.workspaceState.update(CURVES_STATE_KEY, [...ids]),
        restored,
      );
      panel.onDidDispose(() => {
        if (this.curvesPanel === panel) this.curvesPanel = undefined;
      });
      this.curvesPanel = panel;
    }
    this.curvesPanel.add(jobIds);
    if (!restored) this.curvesPanel.reveal();
    this.syncActive();
    return this.curvesPanel;
  }

  /** The webview panel serializer's half: VS Code restored the Training Curves tab after a reload. */
  async restoreCurves(panel: vscode.WebviewPanel): Promise<void> {
    // Not filtered by the store: right after a reload the backend may not be ready (the key arrives a moment later);
    // the panel draws each job once the store knows it.
    const ids = this.s.context.workspaceState.get<string[]>(CURVES_STATE_KEY, []).filter((id) => typeof id === 'string');
    await this.showCurves(ids, panel);
    if (!this.store.loaded) await this.store.load();
  }

  /** One job for a palette command: no question when there is only one; the current job first otherwise. */
  async pickJob(title: string): Promise<string | undefined> {
    const choice = await this.choice();
    if (choice.kind !== 'ask') return choice.kind === 'one' ? choice.jobId : undefined;
    const pick = await vscode.window.showQuickPick(
      choice.jobIds.map((id) => this.pickItem(id)),
      { title, matchOnDescription: true },
    );
    return pick?.id;
  }

  /** Several jobs (overlaid curves): the current one — or the ones already shown — checked, so Enter means them. */
  async pickJobs(title: string, checked?: readonly string[]): Promise<string[]> {
    const choice = await this.choice();
    if (choice.kind === 'none') return [];
    if (choice.kind === 'one') return checked?.includes(choice.jobId) ? [] : [choice.jobId];
    const picked = new Set(checked?.length ? checked : [choice.current]);
    const picks = await vscode.window.showQuickPick(
      choice.jobIds.map((id) => ({ ...this.pickItem(id), picked: picked.has(id) })),
      { title, canPickMany: true, matchOnDescription: true },
    );
    return (picks ?? []).map((p) => p.id);
  }

  private async choice(): Promise<JobChoice> {
    if (!this.store.loaded) await this.store.load();
    const selected = this.view.selection.find((e) => 'jobId' in e && typeof e.jobId === 'string') as { jobId: string } | undefined;
    const choice = chooseJobs(this.store.jobs, selected?.jobId);
    if (choice.kind === 'none') void vscode.window.showInformationMessage('There are no fine-tune jobs yet: start one with "Socratune: Start Fine-tune…".');
    return choice;
  }

  private pickItem(id: string): vscode.QuickPickItem & { id: string } {
    const j = this.store.job(id);
    return { label: j ? jobLabel(j) : id, description: j ? `${statusLabel(j.status, j.rawStatus)} · ${j.baseModel}` : undefined, id };
  }

  dispose(): void {
    this.curvesPanel?.dispose();
    this.store.dispose();
    for (const d of [this.backendHost, this.tree, this.view, this.events, this.scheduler]) d.dispose();
  }
}
