import * as vscode from 'vscode';
import type { Services } from '../platform/services';
import { REPORT_VIEW_TYPE, ValidationCommands } from './commandIds';
import { DatasetDiagnostics } from './diagnostics';
import { DatasetStatusBar } from './statusBar';
import { ValidateDatasetCommand } from './validateCommand';

/** Handles for integration tests. */
export interface ValidationApi {
  readonly diagnostics: DatasetDiagnostics;
  readonly statusBar: DatasetStatusBar;
  readonly command: ValidateDatasetCommand;
}

/**
 * Dataset validation in VS Code: live diagnostics for training JSONL files, "Socratune: Validate
 * Dataset" with its report, and the active dataset's status bar item. Nothing is counted (and the
 * tokenizer is not loaded) during activation.
 */
export function registerValidation(s: Services): ValidationApi {
  const diagnostics = new DatasetDiagnostics(s);
  const statusBar = new DatasetStatusBar(s);
  const command = new ValidateDatasetCommand(s, diagnostics, statusBar);
  s.context.subscriptions.push(
    diagnostics,
    statusBar,
    vscode.commands.registerCommand(ValidationCommands.validateDataset, (arg?: unknown) => command.run(arg)),
    s.validationEntry.provide({
      showReport: async (datasetFolder) => {
        await command.run({ uri: datasetFolder });
      },
    }),
    s.views.panelSerializer(REPORT_VIEW_TYPE, { deserializeWebviewPanel: (panel, state) => command.restore(panel, state) }),
  );
  return { diagnostics, statusBar, command };
}
