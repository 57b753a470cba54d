/** "Show Evaluation Results": the table and a win-rate chart for one rater (a chunk loaded on first use). */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { HUMAN, isJudge } from '../core/eval/schema';
import type { ContestantStats } from '../core/eval/stats';
import { webviewHtml, webviewOptions } from '../platform/webviewHtml';
import type { ResultsRow, ToResultsWebview } from '../shared/evalProtocol';
import { loadStats } from './results';

function cost(s: ContestantStats): string {
  if (s.replies === 0) return '–';
  if (s.costComplete) return `$${s.costUsd.toFixed(4)}`;
  return s.costUsd > 0 ? `≥ $${s.costUsd.toFixed(4)}` : 'price unknown';
}

export async function resultsMessage(dir: string, rater = HUMAN): Promise<ToResultsWebview> {
  const { plan, stats } = await loadStats(dir, rater);
  const model = new Map(plan.contestants.map((c) => [c.id, c.model]));
  const rows: ResultsRow[] = stats.map((s) => ({
    label: s.label,
    model: model.get(s.id) ?? '',
    ...(s.winRate !== undefined ? { winRate: s.winRate } : {}),
    ...(s.ci ? { low: s.ci.low, high: s.ci.high } : {}),
    comparisons: s.comparisons,
    ...(s.failureRate !== undefined ? { failureRate: s.failureRate } : {}),
    ...(s.spreadSd !== undefined ? { spreadSd: s.spreadSd } : {}),
    ...(s.rougeL !== undefined ? { rougeL: s.rougeL } : {}),
    tokens: s.tokens.prompt + s.tokens.completion,
    cost: cost(s),
  }));
  return {
    type: 'eval/results',
    title: `Evaluation “${plan.name}”`,
    rater: isJudge(rater) ? `a model's opinion (${rater.slice('judge:'.length)})` : 'yours (blind)',
    rows,
  };
}

export async function showResults(extensionUri: vscode.Uri, dir: string, rater = HUMAN): Promise<{ panel: vscode.WebviewPanel; sent: ToResultsWebview }> {
  const sent = await resultsMessage(dir, rater);
  const panel = vscode.window.createWebviewPanel(
    'socratune.evalResults',
    `Results — ${path.basename(dir)}`,
    vscode.ViewColumn.Active,
    webviewOptions(extensionUri),
  );
  panel.webview.html = webviewHtml(panel.webview, extensionUri, { script: 'evalResults.js', styles: ['media/eval.css'], title: 'Evaluation results' });
  const sub = panel.webview.onDidReceiveMessage((m: unknown) => {
    if (typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'eval/ready') void panel.webview.postMessage(sent);
  });
  panel.onDidDispose(() => sub.dispose());
  return { panel, sent };
}
