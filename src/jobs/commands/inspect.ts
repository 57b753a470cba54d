import * as vscode from 'vscode';
import { JobArg, jobIdOf } from '../args';
import { JobCommands } from '../commandIds';
import type { JobsController } from '../controller';

type CurvesArg = JobArg | { jobIds?: string[] };

/** Commands that look into jobs: Show Training Curves, Show Job Events (from a row, or the palette with a picker). */
export function registerInspectCommands(c: JobsController): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(JobCommands.showTrainingCurves, async (arg?: CurvesArg) => {
      if (arg && typeof arg === 'object' && 'jobIds' in arg && Array.isArray(arg.jobIds)) return c.showCurves(arg.jobIds);
      const id = jobIdOf(arg as JobArg);
      return c.showCurves(id ? [id] : await c.pickJobs('Show training curves of…'));
    }),
    vscode.commands.registerCommand(JobCommands.showJobEvents, (arg: JobArg) => c.showEvents(arg)),
  ];
}
