/**
 * Training metrics, from two sources:
 * - while a job runs: `type: "metrics"` events (`data.step`, `train_loss`, `valid_loss`, …);
 * - after it ends: the results CSV (`result_files[0]`), which some servers return base64-encoded
 *   (the cookbook decodes it with b64decode). Empty cells, `-1` (Azure) and NaN mean "no value".
 */
import type { JobCheckpoint, JobEvent } from '../backends/types';

export interface MetricPoint {
  readonly step: number;
  readonly trainLoss?: number;
  readonly trainAccuracy?: number;
  readonly validLoss?: number;
  readonly validAccuracy?: number;
  readonly fullValidLoss?: number;
  readonly fullValidAccuracy?: number;
  /** The learning rate at this step, where the trainer logs it (local trainers: MLX-LM, Hugging Face). */
  readonly learningRate?: number;
}

export type MetricKey = Exclude<keyof MetricPoint, 'step'>;

/** Column / event-field names → metric key. Covers OpenAI's CSV, event data and Azure's variants. */
const FIELD_ALIASES: Readonly<Record<string, MetricKey>> = {
  train_loss: 'trainLoss',
  training_loss: 'trainLoss',
  train_accuracy: 'trainAccuracy',
  train_mean_token_accuracy: 'trainAccuracy',
  training_accuracy: 'trainAccuracy',
  valid_loss: 'validLoss',
  validation_loss: 'validLoss',
  valid_accuracy: 'validAccuracy',
  valid_mean_token_accuracy: 'validAccuracy',
  validation_accuracy: 'validAccuracy',
  full_valid_loss: 'fullValidLoss',
  full_validation_loss: 'fullValidLoss',
  full_valid_accuracy: 'fullValidAccuracy',
  full_valid_mean_token_accuracy: 'fullValidAccuracy',
  full_validation_accuracy: 'fullValidAccuracy',
  learning_rate: 'learningRate',
  lr: 'learningRate',
};

function value(raw: unknown): number | undefined {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : NaN;
  return Number.isFinite(n) && n !== -1 ? n : undefined;
}

function pointFrom(fields: Readonly<Record<string, unknown>>): MetricPoint | undefined {
  const step = value(fields.step);
  if (step === undefined || step < 0) return undefined;
  const p: { -readonly [K in keyof MetricPoint]: MetricPoint[K] } = { step };
  for (const [name, raw] of Object.entries(fields)) {
    const key = FIELD_ALIASES[name.trim().toLowerCase()];
    if (!key) continue;
    const v = value(raw);
    if (v !== undefined) p[key] = v;
  }
  return p;
}

/** Merge points by step (later sources fill gaps and win on conflicts), sorted by step. */
export function mergePoints(...sources: readonly (readonly MetricPoint[])[]): MetricPoint[] {
  const byStep = new Map<number, MetricPoint>();
  for (const src of sources) for (const p of src) byStep.set(p.step, { ...(byStep.get(p.step) ?? {}), ...definedOnly(p) });
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

function definedOnly(p: MetricPoint): MetricPoint {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(p)) if (v !== undefined) out[k] = v as number;
  return out as unknown as MetricPoint;
}

/** Metric points from job events (any order, duplicates allowed). */
export function pointsFromEvents(events: readonly JobEvent[]): MetricPoint[] {
  const pts: MetricPoint[] = [];
  const chronological = [...events].sort((a, b) => a.createdAt - b.createdAt);
  for (const e of chronological) {
    if (!e.metrics) continue;
    const p = pointFrom(e.metrics);
    if (p) pts.push(p);
  }
  return mergePoints(pts);
}

export function pointsFromCheckpoints(cps: readonly JobCheckpoint[]): MetricPoint[] {
  return mergePoints(cps.map((c) => pointFrom({ step: c.step, ...c.metrics })).filter((p): p is MetricPoint => p !== undefined));
}

/** The total number of steps announced in metrics events (`data.total_steps`), if any. */
export function totalSteps(events: readonly JobEvent[]): number | undefined {
  for (const e of events) {
    const t = e.metrics?.total_steps;
    if (t !== undefined && t > 0) return t;
  }
  return undefined;
}

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Decode a results file that may be plain CSV or base64 of CSV. Plain text is recognised by its
 * `step` header; anything else that is valid base64 and decodes to such a header is decoded.
 */
export function decodeResultsFile(content: Uint8Array | string): string {
  const text = (typeof content === 'string' ? content : Buffer.from(content).toString('utf8')).replace(/^\uFEFF/, '');
  if (/^\s*"?step"?\s*,/i.test(text)) return text;
  const compact = text.replace(/\s+/g, '');
  if (compact.length > 0 && BASE64.test(compact)) {
    const decoded = Buffer.from(compact, 'base64')
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    if (/^\s*"?step"?\s*,/i.test(decoded)) return decoded;
  }
  return text;
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

export interface ParsedResults {
  readonly points: MetricPoint[];
  readonly columns: string[];
  /** 1-based line numbers that could not be read (wrong column count, no step). */
  readonly skippedLines: number[];
}

/** Parse a results CSV (plain or base64). Unknown columns are ignored; bad rows are reported, not fatal. */
export function parseResultsCsv(content: Uint8Array | string): ParsedResults {
  const text = decodeResultsFile(content);
  const lines = text.split(/\r?\n/);
  const header = lines.findIndex((l) => l.trim() !== '');
  if (header < 0) return { points: [], columns: [], skippedLines: [] };
  const columns = splitCsvLine(lines[header]).map((c) => c.trim().toLowerCase());
  if (!columns.includes('step')) return { points: [], columns, skippedLines: [header + 1] };
  const points: MetricPoint[] = [];
  const skipped: number[] = [];
  for (let i = header + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = splitCsvLine(lines[i]);
    if (cells.length !== columns.length) {
      skipped.push(i + 1);
      continue;
    }
    const row: Record<string, string> = {};
    columns.forEach((c, j) => (row[c] = cells[j]));
    const p = pointFrom(row);
    if (p) points.push(p);
    else skipped.push(i + 1);
  }
  return { points: mergePoints(points), columns, skippedLines: skipped };
}
