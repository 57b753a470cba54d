import * as vscode from 'vscode';
import { copyModelId } from '../../models/actions';
import { JobArg, jobIdOf } from '../args';
import { JobCommands } from '../commandIds';
import type { JobsController } from '../controller';

/** Commands on the IDs and models of a job row: copy, chat with, compare. */
export function registerJobModelCommands(c: JobsController): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(JobCommands.copyJobId, async (arg: JobArg) => {
      const id = jobIdOf(arg);
      if (id) await copyModelId(id);
    }),
    vscode.commands.registerCommand(JobCommands.copyModelId, async (arg: JobArg) => {
      const id = c.modelForChat(arg);
      if (id) await copyModelId(id);
    }),
    vscode.commands.registerCommand(JobCommands.copyValue, async (arg: JobArg) => {
      if (arg && typeof arg !== 'string' && 'kind' in arg && arg.kind === 'detail') await copyModelId(arg.value);
    }),
    vscode.commands.registerCommand(JobCommands.chatWith, (arg: JobArg) => c.chatWith(arg)),
    vscode.commands.registerCommand(JobCommands.compareWithBase, (arg: JobArg) => c.compareWithBase(arg)),
    vscode.commands.registerCommand(JobCommands.compare, (arg: JobArg) => c.compare(arg)),
    vscode.commands.registerCommand(JobCommands.evaluate, (arg: JobArg) => c.evaluate(arg)),
  ];
}
