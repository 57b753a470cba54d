/**
 * Dataset Validation report webview: verdict (what blocks the upload), errors and warnings by category
 * with jump-to-line, the token-length histogram (chart.js, theme colours), the cookbook's statistics and
 * the cost estimate. Browser code: it only talks to the host through src/shared/validationProtocol.ts,
 * and builds the DOM with createElement/textContent (nothing from the data becomes HTML).
 */
import type { Chart as ChartType } from 'chart.js' with { 'resolution-mode': 'import' };
import type { Distribution } from '../../core/validation/types';
import {
  type FromValidationWebview,
  type ReportFile,
  type ReportRestoreState,
  type ReportIssue,
  type ValidationReport,
  decodeToValidationWebview,
} from '../../shared/validationProtocol';

interface VsCodeApi {
  postMessage(message: FromValidationWebview): void;
  setState(state: ReportRestoreState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

const app = document.getElementById('app')!;
const charts: ChartType[] = [];
const drawing: Promise<void>[] = [];
let lastReport: ValidationReport | undefined;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  for (const c of children) e.append(c);
  return e;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const num = (n: number): string => (Number.isInteger(n) ? int(n) : n.toLocaleString('en-US', { maximumFractionDigits: 1 }));
const bytes = (n: number): string => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})/i.exec(color);
  if (hex) {
    const n = parseInt(hex[1]!, 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  return color;
}

function issueList(role: ReportFile['role'], issues: readonly ReportIssue[], total: number, kind: 'error' | 'warning'): HTMLElement {
  const list = el('ul', { className: `issues ${kind}` });
  for (const it of issues) {
    const where =
      it.line === 0
        ? el('span', { className: 'where' }, 'file')
        : el('a', { className: 'where', href: '#', title: 'Open at this line' }, `line ${it.line}${it.column ? `:${it.column}` : ''}`);
    if (it.line > 0) {
      where.addEventListener('click', (e) => {
        e.preventDefault();
        vscode.postMessage({ type: 'validation/open', role, line: it.line, ...(it.column ? { column: it.column } : {}) });
      });
    }
    list.append(el('li', {}, where, ' ', el('code', {}, it.code), ' ', it.message));
  }
  if (total > issues.length)
    list.append(el('li', { className: 'more' }, `… and ${int(total - issues.length)} more (see the Problems panel, or run socratune-validate --json).`));
  return list;
}

function distRow(label: string, d: Distribution | null): HTMLTableRowElement {
  const cells = d ? [d.min, d.max, d.mean, d.median, d.p10, d.p90].map((v) => el('td', { className: 'n' }, num(v))) : [el('td', { colSpan: 6 }, '–')];
  return el('tr', {}, el('th', { scope: 'row' }, label), ...cells);
}

function statsTable(f: ReportFile): HTMLTableElement {
  const head = el('tr', {}, el('th', {}, ''), ...['min', 'max', 'mean', 'median', 'p10', 'p90'].map((h) => el('th', { className: 'n' }, h)));
  return el(
    'table',
    { className: 'stats' },
    el('thead', {}, head),
    el(
      'tbody',
      {},
      distRow('messages per example', f.messagesPerExample),
      distRow('tokens per example', f.tokensPerExample),
      distRow('assistant tokens per example', f.assistantTokensPerExample),
    ),
  );
}

function histogram(f: ReportFile, limit: number): HTMLElement | undefined {
  const h = f.histogram;
  if (!h || h.counts.length === 0) return undefined;
  const canvas = el('canvas', { role: 'img', ariaLabel: `Histogram of tokens per example for ${f.name}` });
  const box = el('div', { className: 'chart' }, canvas);
  const drawn = import('chart.js').then(({ Chart, BarController, BarElement, CategoryScale, LinearScale, Tooltip }) => {
    Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);
    const fg = cssVar('--vscode-foreground', '#cccccc');
    const bar = cssVar('--vscode-charts-blue', '#3794ff');
    const over = cssVar('--vscode-charts-red', '#f14c4c');
    const labels = h.counts.map((_, i) => `${int(h.edges[i]!)}–${int(h.edges[i + 1]! - 1)}`);
    charts.push(
      new Chart(canvas, {
        type: 'bar',
        data: {
          labels,
          datasets: [
            {
              label: 'examples',
              data: [...h.counts],
              backgroundColor: h.counts.map((_, i) => (h.edges[i + 1]! - 1 > limit ? over : bar)),
              borderWidth: 0,
              barPercentage: 1,
              categoryPercentage: 0.95,
            },
          ],
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          color: fg,
          plugins: { tooltip: { callbacks: { title: (items) => `${items[0]?.label ?? ''} tokens` } } },
          scales: {
            x: { title: { display: true, text: 'tokens per example', color: fg }, ticks: { color: fg, maxRotation: 45 }, grid: { display: false } },
            y: {
              title: { display: true, text: 'examples', color: fg },
              ticks: { color: fg, precision: 0 },
              grid: { color: withAlpha(fg, 0.12) },
              beginAtZero: true,
            },
          },
        },
      }),
    );
  });
  drawing.push(drawn);
  return box;
}

function fileSection(f: ReportFile, report: ValidationReport): HTMLElement {
  const errorTotal = f.errorCounts.reduce((a, c) => a + c.count, 0);
  const warningTotal = f.warningCounts.filter((c) => c.code !== 'issues_truncated').reduce((a, c) => a + c.count, 0);
  // Whole-file issues are said once, in the table; the lists hold line issues only.
  const listed = (cs: ReportFile['errorCounts']) => cs.filter((c) => !c.fileLevel && c.code !== 'issues_truncated').reduce((a, c) => a + c.count, 0);
  const verdict = f.accepted
    ? el(
        'p',
        { className: 'verdict ok' },
        `✓ ${f.name} would be accepted by OpenAI${warningTotal ? ` (${warningTotal === 1 ? '1 warning does' : `${int(warningTotal)} warnings do`} not block the upload)` : ''}.`,
      )
    : el(
        'p',
        { className: 'verdict blocked' },
        `✗ ${errorTotal === 1 ? '1 error blocks' : `${int(errorTotal)} errors block`} the upload: OpenAI would reject ${f.name}. Every error below blocks it; warnings do not.`,
      );
  const section = el('section', { className: `file ${f.role}` }, el('h2', {}, `${f.name} — ${int(f.examples)} examples, ${bytes(f.bytes)}`), verdict);
  if (f.errorCounts.length) {
    const t = el('table', { className: 'counts blocking' }, el('caption', {}, 'Errors (block the upload)'));
    for (const c of f.errorCounts)
      t.append(el('tr', {}, el('td', { className: 'n' }, int(c.count)), el('td', {}, el('code', {}, c.code)), el('td', {}, c.description)));
    section.append(t, issueList(f.role, f.errors, listed(f.errorCounts), 'error'));
  }
  const warnings = f.warningCounts.filter((c) => c.code !== 'issues_truncated');
  if (warnings.length) {
    const t = el('table', { className: 'counts' }, el('caption', {}, 'Warnings (do not block the upload)'));
    for (const c of warnings)
      t.append(el('tr', {}, el('td', { className: 'n' }, int(c.count)), el('td', {}, el('code', {}, c.code)), el('td', {}, c.description)));
    section.append(
      t,
      issueList(
        f.role,
        f.warnings.filter((w) => w.code !== 'issues_truncated'),
        listed(f.warningCounts),
        'warning',
      ),
    );
  }
  section.append(
    el('h3', {}, 'Tokens'),
    el(
      'p',
      {},
      `${int(f.tokens.total)} tokens (${report.encoding}), ${int(f.tokens.assistant)} in assistant replies; ${int(f.overTokenLimit)} example(s) over the ${int(report.tokenLimit)}-token limit (truncated in training).`,
    ),
  );
  const chart = histogram(f, report.tokenLimit);
  if (chart) section.append(chart);
  section.append(
    el('h3', {}, 'Statistics'),
    statsTable(f),
    el(
      'p',
      { className: 'note' },
      `${int(f.missingSystem)} example(s) without a system message, ${int(f.missingUser)} without a user message. p10/p90 are the 0.1/0.9 quantiles (the cookbook prints them as p5/p95).`,
    ),
  );
  return section;
}

function costSection(report: ValidationReport): HTMLElement {
  const c = report.cost;
  const s = el('section', { className: 'cost' }, el('h2', {}, 'Cost estimate'));
  if (c) {
    s.append(
      el('p', { className: 'big' }, `≈ $${c.usd.toFixed(2)}`),
      el(
        'p',
        {},
        `${int(c.billableTokens)} billable tokens × ${c.epochs} epoch(s)${c.defaultEpochs ? " (OpenAI's default for this many examples)" : ''} = ${int(c.trainedTokens)} trained tokens at $${c.usdPer1MTokens.toFixed(2)} per 1M (${c.model}, prices as of ${report.pricesAsOf}).`,
      ),
    );
  }
  if (report.costNote) s.append(el('p', { className: 'note' }, report.costNote));
  return s;
}

function render(report: ValidationReport): void {
  lastReport = report;
  for (const c of charts.splice(0)) c.destroy();
  delete document.body.dataset.rendered;
  app.replaceChildren(
    el(
      'header',
      {},
      el('h1', {}, `Dataset Validation — ${report.dataset}`),
      el('p', { className: 'note' }, `Base model ${report.model} · ${report.encoding} · checked ${new Date(report.generatedAt).toLocaleString()}`),
    ),
    costSection(report),
    ...report.files.map((f) => fileSection(f, report)),
  );
  const blocking = report.files.reduce((a, f) => a + f.errorCounts.reduce((b, c) => b + c.count, 0), 0);
  const bins = report.files.reduce((a, f) => a + (f.histogram?.counts.length ?? 0), 0);
  void Promise.all(drawing.splice(0)).then(() => {
    // For tests: what was drawn (the host gets the same in validation/rendered).
    document.body.dataset.rendered = String(bins);
    document.body.dataset.blocking = String(blocking);
    vscode.postMessage({ type: 'validation/rendered', files: report.files.length, bins, blocking });
  });
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const msg = decodeToValidationWebview(event.data);
  if (!msg.ok) {
    console.warn(`Socratune: ignored a malformed message from the host (${msg.message}).`);
    return;
  }
  // Kept by VS Code across a window reload: the host's serializer validates this target again into the restored tab.
  vscode.setState(msg.value.restore);
  render(msg.value.report);
});

// Re-colour the charts when the VS Code theme changes (body class vscode-light/dark/high-contrast).
new MutationObserver(() => {
  if (lastReport) render(lastReport);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

vscode.postMessage({ type: 'validation/ready' });
