import * as vscode from 'vscode';
import type { Services } from '../platform/services';
import type { ImportedLog, ImportLogArgs } from './importLog';

/** Command ids of the local-training capability; package.json contributes the same ids. */
export const LocalCommands = {
  importTrainingLog: 'socratune.importTrainingLog',
} as const;

/**
 * Local training (issue 12), VS Code side. So far: **Import Training Log…** — a log written by MLX-LM or a Hugging Face
 * Trainer-based tool drawn as training curves. The parser loads on first use (a chunk), not at activation.
 */
export function registerLocal(services: Services): void {
  services.context.subscriptions.push(
    vscode.commands.registerCommand(LocalCommands.importTrainingLog, async (args?: ImportLogArgs): Promise<ImportedLog | undefined> => {
      const { importTrainingLog } = await import('./importLog.js');
      return importTrainingLog(services, args);
    }),
  );
}
