import * as vscode from 'vscode';
import type { Log } from '../platform/log';
import { webviewHtml, webviewOptions } from '../platform/webviewHtml';
import {
  type FileRole,
  type FromValidationWebview,
  type ReportRestoreState,
  type ToValidationWebview,
  type ValidationReport,
  decodeFromValidationWebview,
} from '../shared/validationProtocol';
import { REPORT_VIEW_TYPE } from './commandIds';

type Rendered = Extract<FromValidationWebview, { type: 'validation/rendered' }>;

/** The "Dataset Validation" report: one panel, reused; the host sends the whole report when the webview is ready. */
export class ValidationReportPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly subs: vscode.Disposable[] = [];
  private ready = false;
  private report: ValidationReport | undefined;
  private restore: ReportRestoreState | undefined;
  private files: Partial<Record<FileRole, vscode.Uri>> = {};
  private readonly renderedEmitter = new vscode.EventEmitter<Rendered>();
  /** Fires when the webview has drawn a report (test handle). */
  readonly onDidRender = this.renderedEmitter.event;
  lastRendered: Rendered | undefined;
  private readonly disposedEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposedEmitter.event;
  private disposed = false;

  constructor(
    extensionUri: vscode.Uri,
    private readonly log: Log,
    /** A tab VS Code restored after a reload (the webview panel serializer); otherwise a new one opens. */
    restored?: vscode.WebviewPanel,
  ) {
    if (restored) restored.webview.options = webviewOptions(extensionUri);
    this.panel =
      restored ??
      vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, 'Dataset Validation', vscode.ViewColumn.Active, {
        ...webviewOptions(extensionUri),
        retainContextWhenHidden: false,
      });
    this.panel.webview.html = webviewHtml(this.panel.webview, extensionUri, {
      script: 'validation.js',
      styles: ['media/validation.css'],
      title: 'Dataset Validation',
    });
    this.subs.push(
      this.renderedEmitter,
      this.panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.onDidChangeViewState(() => {
        if (!this.panel.visible) this.ready = false;
      }),
    );
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  get current(): ValidationReport | undefined {
    return this.report;
  }

  show(report: ValidationReport, files: Partial<Record<FileRole, vscode.Uri>>, restore: ReportRestoreState): void {
    this.report = report;
    this.files = files;
    this.restore = restore;
    this.panel.title = `Validation: ${report.dataset}`;
    this.panel.reveal(undefined, false);
    this.post();
  }

  private post(): void {
    if (!this.ready || !this.report || !this.restore) return;
    const m: ToValidationWebview = { type: 'validation/report', report: this.report, restore: this.restore };
    void this.panel.webview.postMessage(m);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const d = decodeFromValidationWebview(raw);
    if (!d.ok) {
      this.log.warn(`Validation report: ignored a malformed message from the webview (${d.message}).`);
      return;
    }
    const m = d.value;
    switch (m.type) {
      case 'validation/ready':
        this.ready = true;
        this.post();
        break;
      case 'validation/rendered':
        this.lastRendered = m;
        this.renderedEmitter.fire(m);
        break;
      case 'validation/open': {
        const uri = this.files[m.role];
        if (!uri) return;
        const doc = await vscode.workspace.openTextDocument(uri);
        const line = Math.min(m.line - 1, Math.max(0, doc.lineCount - 1));
        const col = m.column ? m.column - 1 : 0;
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(line, col, line, col) });
        break;
      }
      default: {
        const never: never = m;
        return never;
      }
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposedEmitter.fire();
    this.disposedEmitter.dispose();
    for (const d of this.subs.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
