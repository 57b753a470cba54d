import * as path from 'node:path';
import * as vscode from 'vscode';
import { Views } from '../constants';
import { BackendError } from '../core/backends';
import type { FineTuneBackend, FineTuneJob } from '../core/backends/types';
import type { ArchiveReport } from '../core/jobs/archive';
import { jobLabel } from '../core/jobs/format';
import { JobsStore } from '../core/jobs/jobsStore';
import { ManifestStore } from '../core/jobs/manifest';
import { PollScheduler } from '../core/jobs/scheduler';
import { isCancellable, isPausable, isResumable, isTerminal } from '../core/jobs/status';
import type { WizardPreset, WizardResult, WizardUi } from '../core/jobs/wizard';
import { chatWith, compareModels, copyModelId } from '../models/actions';
import { PromptBinder } from '../models/promptBinder';
import type { Services } from '../platform/services';
import type { ArchiveArgs } from './archiveCommand';
import { BackendHost } from './backendHost';
import { JobCommands } from './commandIds';
import type { TrainingCurvesPanel } from './curvesPanel';
import { showBackendError } from './errorActions';
import { EventsChannel } from './eventsChannel';
import { JobsElement, JobsTreeProvider } from './jobsTree';
import { JobNotifier } from './notifications';
import type { RerunArgs } from './rerun';

/** Arguments accepted by `socratune.startFineTune` (tests and automation; the UI asks for the rest). */
export interface StartFineTuneArgs {
  readonly dataset?: string;
  readonly baseModel?: string;
  readonly hyperparameters?: WizardPreset['hyperparameters'];
  readonly suffix?: string;
  readonly seed?: number;
  /** Skip confirmations (the answers are still validated). */
  readonly yes?: boolean;
  /** Answer the final consent step (upload and start) without showing it; `false` stops there having sent nothing. */
  readonly launch?: boolean;
}

/** Handles for integration tests (via SocratuneApi.jobs). */
export interface JobsApi {
  readonly view: vscode.TreeView<JobsElement>;
  readonly tree: JobsTreeProvider;
  readonly store: JobsStore;
  readonly scheduler: PollScheduler;
  readonly backendHost: BackendHost;
  readonly manifests: ManifestStore;
  readonly notifier: JobNotifier;
  readonly events: EventsChannel;
  readonly prompts: PromptBinder;
  /** The wizard's code path with any UI (tests pass a scripted one). */
  startFineTune(ui?: WizardUi, preset?: WizardPreset): Promise<WizardResult>;
  showTrainingCurves(jobIds: readonly string[]): Promise<TrainingCurvesPanel | undefined>;
  readonly curves: () => TrainingCurvesPanel | undefined;
  archive(args?: ArchiveArgs): Promise<ArchiveReport | undefined>;
}

type JobArg = JobsElement | { jobId?: string; modelId?: string } | string | undefined;

function jobIdOf(arg: JobArg): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && 'jobId' in arg && typeof arg.jobId === 'string') return arg.jobId;
  return undefined;
}

function modelIdOf(arg: JobArg): string | undefined {
  if (!arg || typeof arg === 'string') return undefined;
  if ('kind' in arg) {
    if (arg.kind === 'checkpoint') return arg.checkpoint.modelId;
    if (arg.kind === 'resultModel') return arg.modelId;
    return undefined;
  }
  return typeof arg.modelId === 'string' ? arg.modelId : undefined;
}

export function registerJobs(s: Services): JobsApi {
  const { context, log } = s;
  const backendHost = new BackendHost(s);
  const store = new JobsStore(() => backendHost.resolve());
  const manifests = new ManifestStore(path.join(context.globalStorageUri.fsPath, 'jobs'));
  const prompts = new PromptBinder(s.modelPrompts, manifests, s.datasets);
  const notifier = new JobNotifier();
  const events = new EventsChannel(store);
  const scheduler = new PollScheduler(async () => {
    const out = await store.poll();
    if (out.error)
      log.warn(
        `Fine-tune polling failed (${store.error?.title ?? 'error'}); backing off${out.error.retryAfterMs !== undefined ? ` at least ${out.error.retryAfterMs} ms as the server asked` : ''}.`,
      );
    return out;
  });
  const backendOrUndefined = async (): Promise<FineTuneBackend | undefined> => {
    const r = await backendHost.resolve();
    return r.ok ? r.backend : undefined;
  };
  const tree = new JobsTreeProvider(store, backendOrUndefined);
  const view = vscode.window.createTreeView(Views.jobs, { treeDataProvider: tree, showCollapseAll: true });
  let curvesPanel: TrainingCurvesPanel | undefined;
  const expanded = new Map<string, { dispose(): void }>();

  /** The backend, or undefined after telling the user why there is none. */
  const requireBackend = async (): Promise<FineTuneBackend | undefined> => {
    const r = await backendHost.resolve();
    if (r.ok) return r.backend;
    void showBackendError(r.error);
    return undefined;
  };

  const syncActive = () => scheduler.setActive(store.hasActive);
  const jobOf = (arg: JobArg): FineTuneJob | undefined => {
    const id = jobIdOf(arg);
    return id ? store.job(id) : undefined;
  };

  // The wizard, the curves panel, archiving and re-running are chunks loaded on first use (never at activation).
  const startFineTune = async (ui?: WizardUi, preset: WizardPreset = {}): Promise<WizardResult> => {
    const backend = await requireBackend();
    if (!backend) return { status: 'blocked', step: 'dataset', message: 'No backend configured.' };
    const { coreWizardDeps, privacyScanFor, runStartFineTune, VsCodeWizardUi } = await import('./launch.js');
    const deps = coreWizardDeps({
      backend,
      datasets: s.datasets,
      manifests,
      defaultBaseModel: s.profile().defaultBaseModel,
      privacyScan: privacyScanFor(),
      toolVersion: String((context.extension.packageJSON as { version?: unknown }).version ?? ''),
    });
    const result = await runStartFineTune(deps, ui ?? new VsCodeWizardUi(), preset);
    if (result.status === 'created') {
      log.info(`Fine-tune ${result.job.id} created on ${backend.label} (${result.job.baseModel}, dataset ${result.manifest.dataset.name}).`);
      store.upsert(result.job);
      scheduler.setActive(true, { soon: true });
      void vscode.window.showInformationMessage(`Fine-tune ${jobLabel(result.job)} started on ${backend.label}. Socratune will tell you when it ends.`);
    } else if (result.status === 'failed') {
      log.warn(`Fine-tune not started (${result.step}): ${result.error.message}`);
    }
    return result;
  };

  const showCurves = async (jobIds: readonly string[]): Promise<TrainingCurvesPanel | undefined> => {
    if (jobIds.length === 0) return undefined;
    // Loaded before the check, so two quick calls cannot both find no panel across the await and open two.
    const { TrainingCurvesPanel } = await import('./curvesPanel.js');
    if (!curvesPanel) {
      const panel = new TrainingCurvesPanel(context.extensionUri, store, backendOrUndefined, log, () => pickJobs('Overlay which jobs?'));
      panel.onDidDispose(() => {
        if (curvesPanel === panel) curvesPanel = undefined;
      });
      curvesPanel = panel;
    }
    curvesPanel.add(jobIds);
    curvesPanel.reveal();
    syncActive();
    return curvesPanel;
  };

  const pickJobs = async (title: string): Promise<string[]> => {
    if (!store.loaded) await store.load();
    const picks = await vscode.window.showQuickPick(
      store.jobs.map((j) => ({ label: jobLabel(j), description: `${j.rawStatus} · ${j.baseModel}`, id: j.id })),
      { title, canPickMany: true },
    );
    return (picks ?? []).map((p) => p.id);
  };

  const act = async (arg: JobArg, what: 'cancel' | 'pause' | 'resume'): Promise<FineTuneJob | undefined> => {
    const job = jobOf(arg);
    const backend = await requireBackend();
    if (!job || !backend) return undefined;
    const allowed = what === 'cancel' ? isCancellable(job.status) : what === 'pause' ? isPausable(job.status) : isResumable(job.status);
    if (!allowed) {
      void vscode.window.showWarningMessage(
        `${jobLabel(job)} is ${job.rawStatus}: it cannot be ${what === 'cancel' ? 'cancelled' : what === 'pause' ? 'paused' : 'resumed'}.`,
      );
      return undefined;
    }
    try {
      const updated = await (what === 'cancel' ? backend.cancel(job.id) : what === 'pause' ? backend.pause(job.id) : backend.resume(job.id));
      store.upsert(updated);
      scheduler.setActive(true, { soon: true });
      log.info(`Fine-tune ${job.id}: ${what} requested → ${updated.rawStatus}.`);
      return updated;
    } catch (err) {
      if (err instanceof BackendError) void showBackendError(err.info, `Could not ${what} ${job.id}. `);
      else throw err;
      return undefined;
    }
  };

  const archive = async (args?: ArchiveArgs): Promise<ArchiveReport | undefined> => {
    const backend = await requireBackend();
    if (!backend) return undefined;
    const { runArchive } = await import('./archiveCommand.js');
    return runArchive(backend, args);
  };

  const modelForChat = (arg: JobArg): string | undefined => modelIdOf(arg) ?? jobOf(arg)?.fineTunedModel;

  context.subscriptions.push(
    backendHost,
    tree,
    view,
    events,
    scheduler,
    { dispose: () => store.dispose() },
    { dispose: () => curvesPanel?.dispose() },
    { dispose: () => expanded.forEach((w) => w.dispose()) },
    backendHost.onDidChange(() => {
      store.reset();
      scheduler.setActive(false);
      for (const w of expanded.values()) w.dispose();
      expanded.clear();
      if (view.visible) void store.load().then(syncActive);
    }),
    view.onDidChangeVisibility((e) => {
      scheduler.setVisible(e.visible);
      if (e.visible && !store.loaded) void store.load().then(syncActive);
    }),
    view.onDidExpandElement((e) => {
      if (e.element.kind === 'job' && !expanded.has(e.element.jobId)) expanded.set(e.element.jobId, store.watch(e.element.jobId));
    }),
    view.onDidCollapseElement((e) => {
      if (e.element.kind === 'job') {
        expanded.get(e.element.jobId)?.dispose();
        expanded.delete(e.element.jobId);
      }
    }),
    vscode.window.onDidChangeWindowState((st) => scheduler.setFocused(st.focused)),
    (() => {
      const onEnded = (job: FineTuneJob) => {
        notifier.notify(job);
        if (job.status === 'succeeded') {
          void store
            .fetchCheckpoints(job.id)
            .then(() => prompts.bindJob(job, store.detailsOf(job.id).checkpoints))
            .then((ids) => ids.length && log.info(`Bound the training system prompt to ${ids.join(', ')}.`))
            .catch((err: unknown) => log.warn(`Could not bind the training system prompt of ${job.id}: ${err instanceof Error ? err.message : String(err)}`));
        }
      };
      // Jobs seen running are remembered across sessions, so a job that ended while VS Code was closed
      // still gets its notification (and its prompt binding) on the next load.
      const SEEN_KEY = 'socratune.jobs.seenActive';
      const seen = new Set(context.globalState.get<string[]>(SEEN_KEY, []));
      const endedHere = new Set<string>();
      const a = store.onDidTransition(({ job }) => {
        endedHere.add(job.id);
        onEnded(job);
      });
      const b = store.onDidChange(() => {
        if (!store.loaded) return;
        syncActive();
        let dirty = false;
        for (const j of store.jobs) {
          if (!isTerminal(j.status) && !seen.has(j.id)) {
            seen.add(j.id);
            dirty = true;
          } else if (isTerminal(j.status) && seen.delete(j.id)) {
            dirty = true;
            if (!endedHere.has(j.id)) onEnded(j);
          }
        }
        if (dirty) void context.globalState.update(SEEN_KEY, [...seen].slice(-200));
      });
      return { dispose: () => (a.dispose(), b.dispose()) };
    })(),
    vscode.commands.registerCommand(JobCommands.startFineTune, (args?: StartFineTuneArgs) =>
      startFineTune(undefined, {
        datasetFolder: args?.dataset,
        baseModel: args?.baseModel,
        hyperparameters: args?.hyperparameters,
        suffix: args?.suffix,
        seed: args?.seed,
        assumeYes: args?.yes === true,
        answerLaunch: typeof args?.launch === 'boolean' ? args.launch : undefined,
      }),
    ),
    vscode.commands.registerCommand(JobCommands.refresh, async () => {
      await store.load();
      syncActive();
      if (store.hasActive) await scheduler.pollNow();
    }),
    vscode.commands.registerCommand(JobCommands.loadMore, async () => {
      await store.loadMore();
      syncActive();
    }),
    vscode.commands.registerCommand(JobCommands.cancel, (arg: JobArg) => act(arg, 'cancel')),
    vscode.commands.registerCommand(JobCommands.pause, (arg: JobArg) => act(arg, 'pause')),
    vscode.commands.registerCommand(JobCommands.resume, (arg: JobArg) => act(arg, 'resume')),
    vscode.commands.registerCommand(JobCommands.copyJobId, async (arg: JobArg) => {
      const id = jobIdOf(arg);
      if (id) await copyModelId(id);
    }),
    vscode.commands.registerCommand(JobCommands.copyModelId, async (arg: JobArg) => {
      const id = modelForChat(arg);
      if (id) await copyModelId(id);
    }),
    vscode.commands.registerCommand(JobCommands.copyValue, async (arg: JobArg) => {
      if (arg && typeof arg !== 'string' && 'kind' in arg && arg.kind === 'detail') await copyModelId(arg.value);
    }),
    vscode.commands.registerCommand(JobCommands.chatWith, async (arg: JobArg) => {
      const model = modelForChat(arg);
      const backend = await requireBackend();
      if (model && backend) return chatWith(backend, model);
      return false;
    }),
    vscode.commands.registerCommand(JobCommands.compareWithBase, async (arg: JobArg) => {
      const job = jobOf(arg);
      const backend = await requireBackend();
      const model = modelForChat(arg);
      if (!job || !backend || !model) return false;
      return compareModels(backend, model, job.baseModel);
    }),
    vscode.commands.registerCommand(JobCommands.compare, async (arg: JobArg) => {
      const job = jobOf(arg);
      const backend = await requireBackend();
      const model = modelForChat(arg);
      if (!job || !backend || !model) return false;
      const others = [
        ...(job.fineTunedModel && job.fineTunedModel !== model ? [{ label: job.fineTunedModel, description: 'final model' }] : []),
        ...store
          .detailsOf(job.id)
          .checkpoints.filter((c) => c.modelId !== model)
          .map((c) => ({ label: c.modelId, description: `checkpoint, step ${c.step}` })),
        { label: job.baseModel, description: 'base model' },
      ];
      const pick = await vscode.window.showQuickPick(others, { title: `Compare ${model} with…` });
      return pick ? compareModels(backend, model, pick.label) : false;
    }),
    vscode.commands.registerCommand(JobCommands.rerun, async (arg: JobArg | RerunArgs) => {
      const id = jobIdOf(arg);
      if (!id) return undefined;
      const { rerunJob, rerunOptions } = await import('./rerun.js');
      return rerunJob(id, manifests, startFineTune, log, rerunOptions(arg));
    }),
    vscode.commands.registerCommand(JobCommands.showTrainingCurves, async (arg?: JobArg | { jobIds?: string[] }) => {
      const ids =
        arg && typeof arg === 'object' && 'jobIds' in arg && Array.isArray(arg.jobIds)
          ? arg.jobIds
          : jobIdOf(arg as JobArg)
            ? [jobIdOf(arg as JobArg) as string]
            : await pickJobs('Show training curves of…');
      return showCurves(ids);
    }),
    vscode.commands.registerCommand(JobCommands.showJobEvents, async (arg: JobArg) => {
      const id = jobIdOf(arg) ?? (await pickJobs('Show events of…'))[0];
      if (id) await events.show(id);
    }),
    vscode.commands.registerCommand(JobCommands.archive, async (args?: ArchiveArgs) => {
      return archive(args);
    }),
  );
  scheduler.setVisible(view.visible);
  scheduler.setFocused(vscode.window.state.focused);

  return {
    view,
    tree,
    store,
    scheduler,
    backendHost,
    manifests,
    notifier,
    events,
    prompts,
    startFineTune,
    showTrainingCurves: showCurves,
    curves: () => curvesPanel,
    archive,
  };
}
