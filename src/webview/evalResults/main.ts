/**
 * Evaluation results view: the table (text only, via textContent) and a chart of each contestant's win rate with its
 * 95% interval (a floating bar from low to high, the rate as a point).
 */
import type { Chart as ChartType } from 'chart.js' with { 'resolution-mode': 'import' };
import type { ResultsRow, ToResultsWebview } from '../../shared/evalProtocol';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void };
const api = acquireVsCodeApi();
let chart: ChartType | undefined;

const pct = (x: number | undefined) => (x === undefined ? '–' : `${Math.round(x * 100)}%`);
const num = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(2));

function cell(tag: 'td' | 'th', text: string): HTMLElement {
  const e = document.createElement(tag);
  e.textContent = text;
  return e;
}

function table(rows: readonly ResultsRow[]): HTMLTableElement {
  const t = document.createElement('table');
  const head = document.createElement('tr');
  for (const h of ['Contestant', 'Model', 'Win rate (95% CI)', 'Comparisons', 'Failure rate', 'Spread (sd)', 'ROUGE-L', 'Tokens', 'Cost'])
    head.append(cell('th', h));
  t.append(head);
  for (const r of rows) {
    const tr = document.createElement('tr');
    const ci = r.low !== undefined && r.high !== undefined ? ` (${pct(r.low)}–${pct(r.high)})` : '';
    for (const v of [
      r.label,
      r.model,
      `${pct(r.winRate)}${ci}`,
      String(r.comparisons),
      pct(r.failureRate),
      num(r.spreadSd),
      num(r.rougeL),
      String(r.tokens),
      r.cost,
    ])
      tr.append(cell('td', v));
    t.append(tr);
  }
  return t;
}

async function draw(canvas: HTMLCanvasElement, rows: readonly ResultsRow[]) {
  const { Chart, BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend } = await import('chart.js');
  Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);
  chart?.destroy();
  const fg = getComputedStyle(document.body).getPropertyValue('--vscode-foreground') || '#888';
  chart = new Chart(canvas, {
    data: {
      labels: rows.map((r) => r.label),
      datasets: [
        {
          type: 'bar',
          label: '95% interval',
          data: rows.map((r) => (r.low !== undefined && r.high !== undefined ? [r.low * 100, r.high * 100] : null)) as unknown as number[],
          backgroundColor: 'rgba(90, 140, 220, 0.35)',
        },
        {
          type: 'line',
          label: 'win rate',
          data: rows.map((r) => (r.winRate === undefined ? null : r.winRate * 100)) as number[],
          showLine: false,
          pointRadius: 5,
          borderColor: fg,
          backgroundColor: fg,
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { y: { min: 0, max: 100, title: { display: true, text: 'win rate %', color: fg }, ticks: { color: fg } }, x: { ticks: { color: fg } } },
      plugins: { legend: { labels: { color: fg } } },
    },
  });
  document.body.dataset.chart = 'drawn';
}

window.addEventListener('message', (e: MessageEvent<ToResultsWebview>) => {
  const m = e.data;
  if (!m || m.type !== 'eval/results') return;
  const app = document.getElementById('app') as HTMLElement;
  const title = document.createElement('h2');
  title.textContent = m.title;
  const rater = document.createElement('p');
  rater.className = 'rater';
  rater.textContent = `Ratings: ${m.rater}. A tie counts as half a win; intervals are Wilson's.`;
  const box = document.createElement('div');
  box.className = 'chart';
  const canvas = document.createElement('canvas');
  canvas.id = 'win-chart';
  box.append(canvas);
  app.replaceChildren(title, rater, box, table(m.rows));
  void draw(canvas, m.rows);
});

api.postMessage({ type: 'eval/ready' });
