import * as vscode from 'vscode';
import { DatasetCommands } from './commandIds';
import type { ExportArgs } from './exportDataset';
import type { ImportArgs } from './importJournal';
import type { ScanArgs } from './scan';
import { DatasetService, messageOf } from './service';
import type { SplitArgs } from './split';

/**
 * Commands whose implementation is loaded on first use: journal import (markdown-it, the passage splitter, question
 * proposals), the privacy scan, split and export are each a chunk of their own (dist/chunks/), required when the
 * command first runs — registering them costs activation nothing but the handler below.
 *
 * A command run with arguments (tests, automation) rethrows errors; run from the UI it shows them.
 */
export function register(svc: DatasetService): void {
  const diags = vscode.languages.createDiagnosticCollection('socratune-privacy');
  svc.s.context.subscriptions.push(
    diags,
    vscode.commands.registerCommand(DatasetCommands.importJournal, (arg?: ImportArgs | vscode.Uri, multi?: vscode.Uri[]) =>
      shown(!!arg && !(arg instanceof vscode.Uri), async () => {
        const { importJournal } = await import('./importJournal.js');
        // From the explorer context menu: the clicked file/folder (or the multi-selection), then interactive.
        if (arg instanceof vscode.Uri) return importJournal(svc, undefined, multi?.length ? multi : [arg]);
        const args = arg && typeof arg === 'object' && Array.isArray((arg as ImportArgs).uris) ? (arg as ImportArgs) : undefined;
        return importJournal(svc, args);
      }),
    ),
    vscode.commands.registerCommand(DatasetCommands.scanDataset, async (args?: ScanArgs) => {
      const { scanDataset } = await import('./scan.js');
      return scanDataset(svc, diags, args && typeof args === 'object' && !(args instanceof vscode.Uri) ? args : undefined);
    }),
    // Privacy findings go stale when the file changes; the next scan recomputes them.
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (diags.has(e.document.uri) && e.contentChanges.length) diags.delete(e.document.uri);
    }),
    vscode.commands.registerCommand(DatasetCommands.splitDataset, (args?: SplitArgs) => {
      const a = args && typeof args === 'object' && typeof args.ratio === 'number' ? args : undefined;
      return shown(!!a, async () => (await import('./split.js')).splitDataset(svc, a));
    }),
    vscode.commands.registerCommand(DatasetCommands.exportDataset, (args?: ExportArgs) => {
      const a = args && typeof args === 'object' && typeof args.format === 'string' ? args : undefined;
      return shown(!!a, async () => (await import('./exportDataset.js')).exportDataset(svc, a));
    }),
  );
}

/** Runs a command's body: run with arguments (tests, automation) its errors are rethrown; from the UI they are shown. */
async function shown<T>(scripted: boolean, body: () => Promise<T>): Promise<T | undefined> {
  try {
    return await body();
  } catch (err) {
    if (scripted) throw err;
    void vscode.window.showErrorMessage(`Socratune: ${messageOf(err)}`);
    return undefined;
  }
}
