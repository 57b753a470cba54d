import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ValidationResult } from '../core/validation';
import { isAbortError } from '../core/validation/abort';
import { inDatasetFolder, purposeFromFileName } from '../core/validation/detect';
import { validationEngine } from './engine';
import type { Services } from '../platform/services';
import { decodeReportRestoreState, type FileRole, type ValidationReport } from '../shared/validationProtocol';
import { uriExists } from '../platform/fs';
import { filesOfFile, filesOfFolder, isDirectory, type DatasetFiles } from './datasetFiles';
import type { DatasetDiagnostics } from './diagnostics';
import { baseModelSetting } from './diagnostics';
import { ValidationReportPanel } from './reportPanel';
import type { DatasetStatusBar } from './statusBar';

/** Arguments for `socratune.validateDataset` (all optional): a Uri from the explorer, or an options object. */
export interface ValidateDatasetArgs {
  /** A dataset folder or a .jsonl file (Uri or absolute path). Default: the active dataset. */
  uri?: vscode.Uri | string;
  model?: string;
  /** Open the report panel (default true). */
  report?: boolean;
}

export interface DatasetValidation {
  dataset: string;
  files: { role: FileRole; uri: vscode.Uri; result: ValidationResult }[];
  report: ValidationReport;
  accepted: boolean;
}

function parseArgs(arg: unknown): ValidateDatasetArgs {
  if (arg instanceof vscode.Uri) return { uri: arg };
  if (typeof arg !== 'object' || arg === null) return {};
  const a = arg as Record<string, unknown>;
  const out: ValidateDatasetArgs = {};
  if (a.uri instanceof vscode.Uri || typeof a.uri === 'string') out.uri = a.uri;
  if (typeof a.model === 'string' && a.model.trim()) out.model = a.model.trim();
  if (typeof a.report === 'boolean') out.report = a.report;
  return out;
}

export class ValidateDatasetCommand {
  private panel: ValidationReportPanel | undefined;
  private readonly shown = new vscode.EventEmitter<ValidationReportPanel>();
  /** Fires when a report panel shows a new report (test handle). */
  readonly onDidShowReport = this.shown.event;
  last: DatasetValidation | undefined;

  constructor(
    private readonly s: Services,
    private readonly diagnostics: DatasetDiagnostics,
    private readonly statusBar: DatasetStatusBar,
  ) {
    s.context.subscriptions.push(this.shown, { dispose: () => this.panel?.dispose() });
  }

  get reportPanel(): ValidationReportPanel | undefined {
    return this.panel && !this.panel.isDisposed ? this.panel : undefined;
  }

  /**
   * Which files to validate: the argument; else the .jsonl in the active editor (its whole dataset when
   * it is a dataset's train/validation file); else the active dataset; else ask.
   */
  private async target(args: ValidateDatasetArgs): Promise<DatasetFiles | undefined> {
    let uri = typeof args.uri === 'string' ? vscode.Uri.file(args.uri) : args.uri;
    if (!uri) {
      const doc = vscode.window.activeTextEditor?.document;
      if (doc && /\.jsonl$/i.test(doc.uri.path) && doc.uri.scheme === 'file') {
        const folder = vscode.Uri.joinPath(doc.uri, '..');
        const isDatasetFile =
          /^(train|validation)\.jsonl$/i.test(path.basename(doc.uri.path)) &&
          (inDatasetFolder(doc.uri.path) || (await uriExists(vscode.Uri.joinPath(folder, 'dataset.json'))));
        uri = isDatasetFile ? folder : doc.uri;
      }
    }
    if (!uri) uri = this.s.activeDataset.uri;
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({
        title: 'Validate a fine-tuning dataset',
        canSelectFiles: true,
        canSelectFolders: true,
        canSelectMany: false,
        filters: { 'JSON Lines': ['jsonl'] },
        openLabel: 'Validate',
      });
      uri = picked?.[0];
      if (!uri) return undefined;
    }
    return (await isDirectory(uri)) ? filesOfFolder(uri) : filesOfFile(uri);
  }

  /**
   * The webview panel serializer's half: VS Code restored the report tab after a reload with the state its webview
   * kept (what was validated, for which model). The files are validated again, so the report matches them now.
   */
  async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const d = decodeReportRestoreState(state);
    if (!d.ok) {
      this.s.log.warn(`Validation report: not restored, its saved state is unreadable (${d.message}).`);
      panel.dispose();
      return;
    }
    this.panel?.dispose();
    const restored = new ValidationReportPanel(this.s.context.extensionUri, this.s.log, panel);
    this.panel = restored;
    const r = await this.run({ uri: vscode.Uri.parse(d.value.target), model: d.value.model });
    if (!r) restored.dispose();
    else this.s.log.info(`Validation report of ${r.dataset} restored after a reload.`);
  }

  async run(arg?: unknown): Promise<DatasetValidation | undefined> {
    const args = parseArgs(arg);
    const ds = await this.target(args);
    if (!ds) return undefined;
    if (!(await uriExists(ds.train))) {
      void vscode.window.showErrorMessage(
        `${ds.name} has no ${path.basename(ds.train.path)} yet. Add examples from your journal first ("Socratune: Add Selection as Training Example").`,
      );
      return undefined;
    }
    if (ds.train.scheme !== 'file') {
      void vscode.window.showErrorMessage('Socratune validates files on disk; save the file first.');
      return undefined;
    }
    const model = args.model ?? baseModelSetting();
    const todo: { role: FileRole; uri: vscode.Uri }[] = [
      { role: ds.folder ? 'train' : purposeFromFileName(ds.train.path) === 'validation' ? 'validation' : 'train', uri: ds.train },
      ...(ds.validation ? [{ role: 'validation' as const, uri: ds.validation }] : []),
    ];
    let files: DatasetValidation['files'];
    const { buildReport, validateJsonlFile } = await validationEngine();
    try {
      files = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Validating ${ds.name}`, cancellable: true },
        async (progress, token) => {
          const ac = new AbortController();
          const sub = token.onCancellationRequested(() => ac.abort());
          try {
            const out: DatasetValidation['files'] = [];
            for (const [i, f] of todo.entries()) {
              let reported = 0;
              const share = 100 / todo.length;
              const result = await validateJsonlFile(f.uri.fsPath, {
                model,
                purpose: f.role,
                signal: ac.signal,
                onProgress: (p) => {
                  const pct = (p.bytesRead / Math.max(1, p.totalBytes)) * share;
                  progress.report({ message: `${path.basename(f.uri.path)} (${i + 1}/${todo.length})`, increment: pct - reported });
                  reported = pct;
                },
              });
              out.push({ ...f, result });
            }
            return out;
          } finally {
            sub.dispose();
          }
        },
      );
    } catch (err) {
      if (isAbortError(err)) {
        void vscode.window.showInformationMessage(`Validation of ${ds.name} cancelled.`);
        return undefined;
      }
      const msg = err instanceof Error ? err.message : String(err);
      this.s.log.error(`Validate Dataset failed for ${ds.name}: ${msg}`);
      void vscode.window.showErrorMessage(`Could not validate ${ds.name}: ${msg}`);
      return undefined;
    }
    for (const f of files) this.diagnostics.setFromResult(f.uri, f.result);
    const report = buildReport(
      ds.name,
      files.map((f) => ({ role: f.role, name: path.basename(f.uri.path), result: f.result })),
    );
    const train = files.find((f) => f.role === 'train');
    const active = this.s.activeDataset.uri;
    if (train && ds.folder && active && active.toString() === ds.folder.toString() && model === baseModelSetting())
      await this.statusBar.apply(ds.name, train.result);
    const accepted = files.every((f) => f.result.accepted);
    this.last = { dataset: ds.name, files, report, accepted };
    this.s.log.info(`Validated ${ds.name}: ${files.map((f) => `${f.role} ${f.result.examples} examples, ${f.result.errors.length} errors`).join('; ')}`);
    if (args.report !== false) {
      if (!this.panel || this.panel.isDisposed) this.panel = new ValidationReportPanel(this.s.context.extensionUri, this.s.log);
      const restore = { target: (ds.folder ?? ds.train).toString(), model };
      this.panel.show(report, Object.fromEntries(files.map((f) => [f.role, f.uri])), restore);
      this.shown.fire(this.panel);
    }
    return this.last;
  }
}
