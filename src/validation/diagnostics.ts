import * as vscode from 'vscode';
import type { ValidationIssue, ValidationResult } from '../core/validation';
import { isAbortError } from '../core/validation/abort';
import { DEFAULT_DATASETS_FOLDER, isJsonlName, isTrainingJsonl, purposeFromFileName } from '../core/validation/detect';
import { validationEngine } from './engine';
import type { Services } from '../platform/services';
import { DIAGNOSTIC_SOURCE } from './commandIds';

const EDIT_DEBOUNCE_MS = 400;
const OPEN_DEBOUNCE_MS = 100;
/** Documents already open when Socratune activates are checked this long after activation, never during it. */
const STARTUP_DELAY_MS = 1500;

export function baseModelSetting(): string {
  return vscode.workspace.getConfiguration('socratune').get<string>('training.defaultBaseModel', '') || 'gpt-4.1-mini-2025-04-14';
}

function datasetFolders(): string[] {
  const configured = vscode.workspace.getConfiguration('socratune').get<string>('dataset.folder', '');
  return [...new Set([DEFAULT_DATASETS_FOLDER, ...(configured ? [configured] : [])])];
}

/** Issue → Diagnostic. Line 0 (the whole file) is shown on the first line. */
export function toDiagnostic(it: ValidationIssue, severity: vscode.DiagnosticSeverity, lineLength: (line: number) => number): vscode.Diagnostic {
  if (it.line === 0) {
    // Whole-file issues (too few examples…): a short mark at the start, not a squiggle over line 1.
    const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, Math.min(1, lineLength(0))), it.message, severity);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = it.code;
    return d;
  }
  const line = it.line - 1;
  const len = lineLength(line);
  const start = it.column ? Math.min(it.column - 1, len) : 0;
  const end = it.endColumn ? Math.min(Math.max(it.endColumn - 1, start + 1), Math.max(len, start + 1)) : Math.max(len, 1);
  const d = new vscode.Diagnostic(new vscode.Range(line, start, line, end), it.message, severity);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = it.code;
  return d;
}

export function toDiagnostics(r: ValidationResult, lineLength: (line: number) => number): vscode.Diagnostic[] {
  return [
    ...r.errors.map((e) => toDiagnostic(e, vscode.DiagnosticSeverity.Error, lineLength)),
    ...r.warnings.map((w) => toDiagnostic(w, vscode.DiagnosticSeverity.Warning, lineLength)),
  ];
}

/**
 * Live diagnostics (Problems panel + squiggles) for training JSONL files open in editors: updated on
 * edit (debounced, the previous run cancelled), cleared on close. The tokenizer loads on the first run.
 */
export class DatasetDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('socratune-dataset');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly running = new Map<string, AbortController>();
  private readonly subs: vscode.Disposable[] = [];
  private readonly updated = new vscode.EventEmitter<{ uri: vscode.Uri; result: ValidationResult | undefined }>();
  /** Fires after a document's diagnostics were replaced (undefined: cleared). */
  readonly onDidUpdate = this.updated.event;
  private startup: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly s: Services) {
    this.subs.push(
      this.collection,
      this.updated,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, OPEN_DEBOUNCE_MS)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.schedule(e.document, EDIT_DEBOUNCE_MS);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri)),
      // A closed editor tab clears its diagnostics at once (the document itself may close much later).
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        for (const tab of e.closed) {
          const uri = tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined;
          if (uri && !this.isShownInTab(uri)) this.clear(uri);
        }
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('socratune.training.defaultBaseModel') || e.affectsConfiguration('socratune.dataset.folder')) {
          for (const d of vscode.workspace.textDocuments) this.schedule(d, OPEN_DEBOUNCE_MS);
        }
      }),
    );
    this.startup = setTimeout(() => {
      this.startup = undefined;
      for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
    }, STARTUP_DELAY_MS);
  }

  isTrainingDocument(doc: vscode.TextDocument): boolean {
    if (doc.uri.scheme === 'output' || doc.uri.scheme === 'vscode-scm' || doc.uri.scheme === 'git') return false;
    const name = doc.uri.path;
    if (!isJsonlName(name) && doc.languageId !== 'jsonl') return false;
    const head = doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount, 20), 0));
    return isTrainingJsonl(isJsonlName(name) ? name : `${name}.jsonl`, head, datasetFolders());
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    const key = doc.uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.running.get(key)?.abort();
    if (!this.isTrainingDocument(doc)) {
      if (this.collection.has(doc.uri)) this.clear(doc.uri);
      return;
    }
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.validate(doc);
      }, delay),
    );
  }

  /** Validate now (also used by tests); resolves with the result applied, or undefined if superseded. */
  async validate(doc: vscode.TextDocument): Promise<ValidationResult | undefined> {
    const key = doc.uri.toString();
    this.running.get(key)?.abort();
    const ac = new AbortController();
    this.running.set(key, ac);
    const version = doc.version;
    try {
      const { validateJsonlText } = await validationEngine();
      const result = await validateJsonlText(doc.getText(), { model: baseModelSetting(), purpose: purposeFromFileName(doc.uri.path), signal: ac.signal });
      if (ac.signal.aborted || doc.isClosed || doc.version !== version) return undefined;
      this.collection.set(
        doc.uri,
        toDiagnostics(result, (l) => (l < doc.lineCount ? doc.lineAt(l).text.length : 0)),
      );
      this.updated.fire({ uri: doc.uri, result });
      return result;
    } catch (err) {
      if (!isAbortError(err))
        this.s.log.error(`Validating ${vscode.workspace.asRelativePath(doc.uri)} failed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    } finally {
      if (this.running.get(key) === ac) this.running.delete(key);
    }
  }

  /** Diagnostics for a file validated by the command (it may not be open in an editor). */
  setFromResult(uri: vscode.Uri, result: ValidationResult): void {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    this.collection.set(
      uri,
      toDiagnostics(result, (l) => (open && l < open.lineCount ? open.lineAt(l).text.length : 10_000)),
    );
    this.updated.fire({ uri, result });
  }

  private isShownInTab(uri: vscode.Uri): boolean {
    const key = uri.toString();
    return vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === key));
  }

  private clear(uri: vscode.Uri): void {
    const key = uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
    this.running.get(key)?.abort();
    if (this.collection.has(uri)) {
      this.collection.delete(uri);
      this.updated.fire({ uri, result: undefined });
    }
  }

  dispose(): void {
    if (this.startup) clearTimeout(this.startup);
    for (const t of this.timers.values()) clearTimeout(t);
    for (const a of this.running.values()) a.abort();
    for (const d of this.subs.splice(0)) d.dispose();
  }
}
