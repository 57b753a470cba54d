/**
 * Import Training Log…: parse a trainer log (MLX-LM or Hugging Face Trainer dicts) and draw it in a Training Curves
 * panel (the same webview as cloud jobs, one series). Problems (nan, crash, restart) are shown with their log lines.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { logToMetricPoints } from '../core/local/curves';
import { parseTrainerLog, type LogProblem, type TrainerLogFormat, type TrainerLogResult } from '../core/local/trainerLog';
import type { Services } from '../platform/services';
import { webviewHtml, webviewOptions } from '../platform/webviewHtml';
import { decodeFromCurvesWebview, type CurveSeries, type FromCurvesWebview, type ToCurvesWebview } from '../shared/curvesProtocol';

export interface ImportLogArgs {
  /** The log file (skips the file picker). */
  uri?: vscode.Uri;
  format?: TrainerLogFormat | 'auto';
}

type Rendered = Extract<FromCurvesWebview, { type: 'curves/rendered' }>;

export interface ImportedLog {
  result: TrainerLogResult;
  /** The series drawn; undefined when the log had no loss line (nothing is opened then). */
  series?: CurveSeries;
  panel?: ImportedLogPanel;
}

export class ImportedLogPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly renderedEmitter = new vscode.EventEmitter<Rendered>();
  readonly onDidRender = this.renderedEmitter.event;
  /** Test handle: the webview's last render report. */
  lastRendered: Rendered | undefined;

  constructor(
    services: Services,
    private readonly series: CurveSeries,
  ) {
    const uri = services.context.extensionUri;
    this.panel = vscode.window.createWebviewPanel('socratune.importedTrainingLog', `Training Curves — ${series.label}`, vscode.ViewColumn.Active, {
      ...webviewOptions(uri),
      retainContextWhenHidden: false,
    });
    this.panel.webview.html = webviewHtml(this.panel.webview, uri, { script: 'charts.js', styles: ['media/charts.css'], title: 'Training Curves' });
    this.panel.webview.onDidReceiveMessage((raw: unknown) => {
      const d = decodeFromCurvesWebview(raw);
      if (!d.ok) return services.log.warn(`Imported training log: ignored a malformed message from the webview (${d.message}).`);
      const m = d.value;
      if (m.type === 'curves/ready') void this.panel.webview.postMessage({ type: 'curves/state', series: [this.series] } satisfies ToCurvesWebview);
      else if (m.type === 'curves/rendered') {
        this.lastRendered = m;
        this.renderedEmitter.fire(m);
      }
    });
    this.panel.onDidDispose(() => this.renderedEmitter.dispose());
  }

  dispose(): void {
    this.panel.dispose();
  }
}

function problemNote(problems: readonly LogProblem[]): string | undefined {
  if (problems.length === 0) return undefined;
  return problems.map((p) => `${p.kind} at log line ${p.line}: ${p.message}${p.lines.length ? ` — ${p.lines.at(-1)!.trim()}` : ''}`).join(' · ');
}

export function seriesFromLog(name: string, r: TrainerLogResult): CurveSeries {
  const ordinal = r.train.some((p) => p.ordinal) || r.eval.some((p) => p.ordinal);
  const tool = r.format === 'mlx' ? 'MLX-LM log' : 'Hugging Face Trainer log';
  return {
    jobId: `log:${name}`,
    label: name,
    hyperparameters: `${tool} · ${r.train.length} train / ${r.eval.length} validation points${ordinal ? ' · steps are the order of the loss lines (the log prints none)' : ''}`,
    status: r.problems.some((p) => p.kind === 'crash') ? 'crashed' : 'imported',
    live: false,
    source: 'results',
    points: logToMetricPoints(r),
    checkpoints: [],
    ...(r.progress?.total !== undefined ? { totalSteps: r.progress.total } : {}),
    ...(problemNote(r.problems) ? { note: problemNote(r.problems) } : {}),
  };
}

export async function importTrainingLog(services: Services, args: ImportLogArgs = {}): Promise<ImportedLog | undefined> {
  const uri =
    args.uri ??
    (
      await vscode.window.showOpenDialog({
        title: 'Import Training Log',
        canSelectMany: false,
        openLabel: 'Import',
        filters: { 'Training logs': ['log', 'txt', 'out', 'jsonl'], 'All files': ['*'] },
      })
    )?.[0];
  if (!uri) return undefined;
  const name = path.basename(uri.path);
  const text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
  const result = parseTrainerLog(text, args.format ?? 'auto');
  for (const p of result.problems) services.log.warn(`Training log ${name}: ${p.kind} at line ${p.line}: ${p.message}`);
  if (result.train.length + result.eval.length === 0) {
    void vscode.window.showWarningMessage(`${name}: no MLX-LM or Hugging Face Trainer loss line found, so there is nothing to draw.`);
    return { result };
  }
  const series = seriesFromLog(name, result);
  const crash = result.problems.find((p) => p.kind === 'crash' || p.kind === 'nan' || p.kind === 'inf');
  if (crash) void vscode.window.showWarningMessage(`${name}: ${crash.kind} at log line ${crash.line} — ${crash.message}`);
  return { result, series, panel: new ImportedLogPanel(services, series) };
}
