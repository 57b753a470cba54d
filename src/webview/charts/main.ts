/**
 * Training Curves webview: loss and token-accuracy charts (chart.js) for one or more fine-tune jobs,
 * raw and smoothed, checkpoint markers, a log-scale toggle, theme colours. Browser code: it only talks
 * to the host through the typed messages in src/shared/curvesProtocol.ts.
 */
// chart.js is ESM-only; this bundle is CommonJS-typed, so its types are imported in ESM mode and the
// code with a dynamic import (esbuild inlines it into the one browser bundle).
import type { Chart as ChartType, ChartDataset } from 'chart.js' with { 'resolution-mode': 'import' };
import { type CurvePoint, type CurveSeries, type FromCurvesWebview, decodeToCurvesWebview } from '../../shared/curvesProtocol';
import { smoothEma } from './smoothing';

interface VsCodeApi {
  postMessage(message: FromCurvesWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

type MetricKey = Exclude<keyof CurvePoint, 'step'>;
type Split = 'train' | 'valid' | 'full';

interface ViewState {
  logScale: boolean;
  smoothing: number;
  splits: Record<Split, boolean>;
}

function loadState(): ViewState {
  const s = vscode.getState() as Partial<ViewState> | undefined;
  return {
    logScale: s?.logScale === true,
    smoothing: typeof s?.smoothing === 'number' ? s.smoothing : 0.6,
    splits: { train: s?.splits?.train ?? true, valid: s?.splits?.valid ?? true, full: s?.splits?.full ?? true },
  };
}

const state = loadState();
let series: readonly CurveSeries[] = [];

const SPLITS: readonly { split: Split; label: string; loss: MetricKey; acc: MetricKey; dash: number[]; radius: number }[] = [
  { split: 'train', label: 'train', loss: 'trainLoss', acc: 'trainAccuracy', dash: [], radius: 0 },
  { split: 'valid', label: 'valid', loss: 'validLoss', acc: 'validAccuracy', dash: [6, 4], radius: 0 },
  { split: 'full', label: 'full valid', loss: 'fullValidLoss', acc: 'fullValidAccuracy', dash: [2, 3], radius: 3 },
];

const PALETTE_VARS = [
  '--vscode-charts-blue',
  '--vscode-charts-orange',
  '--vscode-charts-green',
  '--vscode-charts-purple',
  '--vscode-charts-red',
  '--vscode-charts-yellow',
];
const FALLBACK = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'];

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (hex) {
    const n = parseInt(hex[1], 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  const rgb = /^rgba?\(([^)]+)\)$/i.exec(color);
  if (rgb) {
    const [r, g, b] = rgb[1].split(',').map((x) => x.trim());
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  return color;
}

function theme() {
  return {
    fg: cssVar('--vscode-foreground', '#cccccc'),
    grid: withAlpha(cssVar('--vscode-foreground', '#cccccc'), 0.12),
    palette: PALETTE_VARS.map((v, i) => cssVar(v, FALLBACK[i])),
    font: cssVar('--vscode-font-family', 'sans-serif'),
  };
}

// ---- DOM (built with createElement/textContent only: nothing from data becomes HTML) ----
function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  for (const c of children) e.append(c);
  return e;
}

const app = document.getElementById('app') ?? document.body;
const logBox = el('input', { type: 'checkbox', id: 'log-scale', checked: state.logScale });
const smoothRange = el('input', { type: 'range', id: 'smoothing', min: '0', max: '0.95', step: '0.05', value: String(state.smoothing) });
const smoothValue = el('span', { className: 'value' }, state.smoothing.toFixed(2));
const splitBoxes = SPLITS.map((s) => ({ s, box: el('input', { type: 'checkbox', id: `split-${s.split}`, checked: state.splits[s.split] }) }));
const addButton = el('button', { type: 'button', id: 'add-jobs', title: 'Overlay other jobs to compare hyperparameters' }, 'Add jobs…');
const toolbar = el(
  'div',
  { className: 'toolbar' },
  el('label', {}, logBox, ' Log scale'),
  el('label', {}, 'Smoothing ', smoothRange, smoothValue),
  ...splitBoxes.map(({ s, box }) => el('label', {}, box, ` ${s.label}`)),
  addButton,
);
const chips = el('div', { className: 'chips', id: 'series' });
const notes = el('div', { className: 'notes', id: 'notes' });
const lossCanvas = el('canvas', { id: 'loss-chart' });
const accCanvas = el('canvas', { id: 'accuracy-chart' });
const lrCanvas = el('canvas', { id: 'learning-rate-chart' });
// The learning rate, where a trainer logs it (local runs): its chart shows only then.
const lrBox = el('div', { className: 'chart' }, lrCanvas);
lrBox.hidden = true;
// Token accuracy only where some job reports it (OpenAI-style servers; trainer logs do not).
const accBox = el('div', { className: 'chart' }, accCanvas);
app.append(toolbar, chips, el('div', { className: 'chart' }, lossCanvas), accBox, lrBox, notes);

function baseOptions(title: string, yTitle: string, log: boolean) {
  const t = theme();
  return {
    animation: false as const,
    responsive: true,
    maintainAspectRatio: false,
    parsing: false as const,
    normalized: true,
    interaction: { mode: 'nearest' as const, axis: 'x' as const, intersect: false },
    plugins: {
      title: { display: true, text: title, color: t.fg, font: { family: t.font, size: 13 } },
      legend: { labels: { color: t.fg, font: { family: t.font }, filter: (item: { text: string }) => !item.text.endsWith('(raw)') } },
      tooltip: { callbacks: {} },
    },
    scales: {
      x: { type: 'linear' as const, title: { display: true, text: 'step', color: t.fg }, ticks: { color: t.fg }, grid: { color: t.grid } },
      y: {
        type: log ? ('logarithmic' as const) : ('linear' as const),
        title: { display: true, text: yTitle, color: t.fg },
        ticks: { color: t.fg },
        grid: { color: t.grid },
      },
    },
  };
}

let lossChart: ChartType<'line', XY[]> | undefined;
let accChart: ChartType<'line', XY[]> | undefined;
let lrChart: ChartType<'line', XY[]> | undefined;

/** One line per job with learning-rate points (never smoothed: it is a schedule, not a noisy measurement). */
function learningRateDatasets(): ChartDataset<'line', XY[]>[] {
  const t = theme();
  return series.flatMap((s, i) => {
    const data = s.points.filter((p) => p.learningRate !== undefined).map((p) => ({ x: p.step, y: p.learningRate as number }));
    if (data.length === 0) return [];
    const color = t.palette[i % t.palette.length];
    return [
      {
        type: 'line' as const,
        label: series.length > 1 ? `${s.label} learning rate` : 'learning rate',
        data,
        borderColor: color,
        backgroundColor: color,
        pointRadius: 0,
        borderWidth: 2,
      },
    ];
  });
}

type XY = { x: number; y: number };

function xy(points: readonly CurvePoint[], key: MetricKey, smoothing: number, positiveOnly: boolean): { raw: XY[]; smooth: XY[] } {
  const pts = points.filter((p) => p[key] !== undefined && (!positiveOnly || (p[key] as number) > 0));
  const raw = pts.map((p) => ({ x: p.step, y: p[key] as number }));
  const sm = smoothEma(
    raw.map((p) => p.y),
    smoothing,
  );
  return { raw, smooth: raw.map((p, i) => ({ x: p.x, y: sm[i] ?? p.y })) };
}

function datasetsFor(metric: 'loss' | 'acc'): ChartDataset<'line', XY[]>[] {
  const t = theme();
  const out: ChartDataset<'line', XY[]>[] = [];
  const log = metric === 'loss' && state.logScale;
  series.forEach((s, i) => {
    const color = t.palette[i % t.palette.length];
    const name = series.length > 1 ? `${s.label} ` : '';
    for (const sp of SPLITS) {
      if (!state.splits[sp.split]) continue;
      const key = metric === 'loss' ? sp.loss : sp.acc;
      const { raw, smooth } = xy(s.points, key, sp.split === 'full' ? 0 : state.smoothing, log);
      if (raw.length === 0) continue;
      const smoothed = state.smoothing > 0 && sp.split !== 'full';
      if (smoothed) {
        out.push({
          type: 'line',
          label: `${name}${sp.label} (raw)`,
          data: raw,
          borderColor: withAlpha(color, 0.25),
          backgroundColor: withAlpha(color, 0.25),
          borderWidth: 1,
          borderDash: sp.dash,
          pointRadius: 0,
          spanGaps: true,
        });
      }
      out.push({
        type: 'line',
        label: `${name}${sp.label}`,
        data: smoothed ? smooth : raw,
        borderColor: color,
        backgroundColor: color,
        borderWidth: 2,
        borderDash: sp.dash,
        pointRadius: sp.radius,
        spanGaps: true,
      });
    }
    if (metric === 'loss' && s.checkpoints.length) {
      const train = s.points.filter((p) => p.trainLoss !== undefined && (!log || (p.trainLoss as number) > 0));
      const at = (step: number) => {
        let best: CurvePoint | undefined;
        for (const p of train) if (!best || Math.abs(p.step - step) < Math.abs(best.step - step)) best = p;
        return best?.trainLoss;
      };
      const marks = s.checkpoints.map((c) => ({ x: c.step, y: at(c.step) })).filter((p): p is XY => p.y !== undefined);
      if (marks.length)
        out.push({
          type: 'line',
          showLine: false,
          label: `${name}checkpoints`,
          data: marks,
          borderColor: color,
          backgroundColor: cssVar('--vscode-editor-background', '#1e1e1e'),
          pointStyle: 'triangle',
          pointRadius: 7,
          borderWidth: 2,
        });
    }
  });
  return out;
}

function render(): void {
  if (!lossChart || !accChart) return;
  lossChart.options = baseOptions('Loss', 'loss', state.logScale);
  accChart.options = baseOptions('Token accuracy', 'mean token accuracy', false);
  lossChart.data.datasets = datasetsFor('loss');
  accChart.data.datasets = datasetsFor('acc');
  lossChart.update();
  accChart.update();
  accBox.hidden =
    series.length > 0 &&
    !series.some((x) => x.points.some((p) => p.trainAccuracy !== undefined || p.validAccuracy !== undefined || p.fullValidAccuracy !== undefined));
  const lr = learningRateDatasets();
  lrBox.hidden = lr.length === 0;
  if (lrChart) {
    lrChart.options = baseOptions('Learning rate', 'learning rate', false);
    lrChart.data.datasets = lr;
    lrChart.update();
  }
  const t = theme();
  chips.replaceChildren(
    ...series.map((s, i) => {
      const remove = el('button', { type: 'button', className: 'remove', title: `Remove ${s.jobId}` }, '×');
      remove.addEventListener('click', () => vscode.postMessage({ type: 'curves/removeJob', jobId: s.jobId }));
      const swatch = el('span', { className: 'swatch' });
      swatch.style.backgroundColor = t.palette[i % t.palette.length];
      const statusText = s.live ? `${s.status} · live` : s.status;
      return el('span', { className: 'chip', title: s.hyperparameters }, swatch, `${s.label} — ${statusText} — ${s.hyperparameters}`, remove);
    }),
  );
  // A split's toggle shows only when some job has its metrics: no validation file, no "valid" / "full valid".
  for (const { s, box } of splitBoxes) {
    const label = box.parentElement;
    if (label) label.hidden = s.split !== 'train' && !series.some((x) => x.points.some((p) => p[s.loss] !== undefined || p[s.acc] !== undefined));
  }
  const messages = series.filter((s) => s.note).map((s) => `${s.label}: ${s.note}`);
  if (series.length === 0) messages.push('No job selected. Use "Add jobs…".');
  notes.replaceChildren(...messages.map((m) => el('div', {}, m)));
  const points = series.reduce((n, s) => n + s.points.length, 0);
  document.body.dataset.rendered = String(points);
  vscode.postMessage({ type: 'curves/rendered', series: series.length, points, logScale: state.logScale, learningRate: !lrBox.hidden });
}

function save(): void {
  vscode.setState(state);
}

logBox.addEventListener('change', () => {
  state.logScale = logBox.checked;
  save();
  render();
});
smoothRange.addEventListener('input', () => {
  state.smoothing = Number(smoothRange.value);
  smoothValue.textContent = state.smoothing.toFixed(2);
  save();
  render();
});
for (const { s, box } of splitBoxes) {
  box.addEventListener('change', () => {
    state.splits[s.split] = box.checked;
    save();
    render();
  });
}
addButton.addEventListener('click', () => vscode.postMessage({ type: 'curves/addJobs' }));

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const msg = decodeToCurvesWebview(event.data);
  if (!msg.ok) {
    console.warn(`Socratune: ignored a malformed message from the host (${msg.message}).`);
    return;
  }
  series = msg.value.series;
  render();
});

async function main(): Promise<void> {
  const { Chart, LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip, Title } = await import('chart.js');
  Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip, Title);
  lossChart = new Chart<'line', XY[]>(lossCanvas, { type: 'line', data: { datasets: [] }, options: baseOptions('Loss', 'loss', state.logScale) });
  accChart = new Chart<'line', XY[]>(accCanvas, { type: 'line', data: { datasets: [] }, options: baseOptions('Token accuracy', 'mean token accuracy', false) });
  lrChart = new Chart<'line', XY[]>(lrCanvas, { type: 'line', data: { datasets: [] }, options: baseOptions('Learning rate', 'learning rate', false) });
  // Theme switches change the CSS variables: redraw with the new colours.
  new MutationObserver(() => render()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  vscode.postMessage({ type: 'curves/ready' });
}

void main();
