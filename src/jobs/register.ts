import * as vscode from 'vscode';
import type { ArchiveReport } from '../core/jobs/archive';
import type { JobsStore } from '../core/jobs/jobsStore';
import type { ManifestStore } from '../core/jobs/manifest';
import type { PollScheduler } from '../core/jobs/scheduler';
import type { WizardPreset, WizardResult, WizardUi } from '../core/jobs/wizard';
import type { PromptBinder } from '../models/promptBinder';
import type { Services } from '../platform/services';
import type { ArchiveArgs } from './archiveCommand';
import type { BackendHost } from './backendHost';
import { registerInspectCommands } from './commands/inspect';
import { registerJobModelCommands } from './commands/models';
import { registerRunCommands } from './commands/run';
import { CURVES_VIEW_TYPE } from './commandIds';
import { JobsController } from './controller';
import type { TrainingCurvesPanel } from './curvesPanel';
import type { EventsChannel } from './eventsChannel';
import type { JobsElement, JobsTreeProvider } from './jobsTree';
import { wireJobsLifecycle } from './lifecycle';
import type { JobNotifier } from './notifications';

/** Handles for integration tests (via SocratuneApi.jobs) and for the Models capability. */
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

/** Wiring only: the controller (src/jobs/controller.ts) holds what the commands do. */
export function registerJobs(s: Services): JobsApi {
  const c = new JobsController(s);
  s.context.subscriptions.push(
    c,
    ...wireJobsLifecycle(c, s),
    ...registerRunCommands(c),
    ...registerJobModelCommands(c),
    ...registerInspectCommands(c),
    // The Training Curves tab comes back after a reload (activation event onWebviewPanel:socratune.trainingCurves).
    s.views.panelSerializer(CURVES_VIEW_TYPE, { deserializeWebviewPanel: (panel) => c.restoreCurves(panel) }),
  );
  return {
    view: c.view,
    tree: c.tree,
    store: c.store,
    scheduler: c.scheduler,
    backendHost: c.backendHost,
    manifests: c.manifests,
    notifier: c.notifier,
    events: c.events,
    prompts: c.prompts,
    startFineTune: (ui, preset) => c.startFineTune(ui, preset),
    showTrainingCurves: (ids) => c.showCurves(ids),
    curves: () => c.curves,
    archive: (args) => c.archive(args),
  };
}
