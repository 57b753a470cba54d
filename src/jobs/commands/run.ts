import * as vscode from 'vscode';
import type { WizardPreset } from '../../core/jobs/wizard';
import type { ArchiveArgs } from '../archiveCommand';
import { JobArg, jobIdOf } from '../args';
import { JobCommands } from '../commandIds';
import type { JobsController } from '../controller';
import type { RerunArgs } from '../rerun';

/** Arguments accepted by `socratune.startFineTune` (tests and automation; the UI asks for the rest). */
export interface StartFineTuneArgs {
  readonly dataset?: string;
  readonly baseModel?: string;
  readonly hyperparameters?: WizardPreset['hyperparameters'];
  readonly suffix?: string;
  readonly seed?: number;
  /** The backend's own choices, by field: `{ trainingType: 'GlobalStandard' }` (Azure), `{ lora: 'Full' }` (Nebius). */
  readonly choices?: WizardPreset['choices'];
  /** Skip confirmations (the answers are still validated). */
  readonly yes?: boolean;
  /** Answer the final consent step (upload and start) without showing it; `false` stops there having sent nothing. */
  readonly launch?: boolean;
}

/** Commands that start, control and keep jobs: start, refresh, load more, cancel / pause / resume, re-run, archive. */
export function registerRunCommands(c: JobsController): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(JobCommands.startFineTune, (args?: StartFineTuneArgs) =>
      c.startFineTune(undefined, {
        datasetFolder: args?.dataset,
        baseModel: args?.baseModel,
        hyperparameters: args?.hyperparameters,
        suffix: args?.suffix,
        seed: args?.seed,
        choices: args?.choices,
        assumeYes: args?.yes === true,
        answerLaunch: typeof args?.launch === 'boolean' ? args.launch : undefined,
      }),
    ),
    vscode.commands.registerCommand(JobCommands.refresh, () => c.refresh()),
    vscode.commands.registerCommand(JobCommands.loadMore, () => c.loadMore()),
    vscode.commands.registerCommand(JobCommands.cancel, (arg: JobArg) => c.act(arg, 'cancel')),
    vscode.commands.registerCommand(JobCommands.pause, (arg: JobArg) => c.act(arg, 'pause')),
    vscode.commands.registerCommand(JobCommands.resume, (arg: JobArg) => c.act(arg, 'resume')),
    vscode.commands.registerCommand(JobCommands.rerun, async (arg: JobArg | RerunArgs) => {
      const id = jobIdOf(arg);
      if (!id) return undefined;
      const { rerunJob, rerunOptions } = await import('../rerun.js');
      return rerunJob(id, c.manifests, (ui, preset) => c.startFineTune(ui, preset), c.log, rerunOptions(arg));
    }),
    vscode.commands.registerCommand(JobCommands.archive, (args?: ArchiveArgs) => c.archive(args)),
  ];
}
