/**
 * Messages between the extension host and the "Training Curves" webview (types + runtime guards).
 * The host always sends a full snapshot (`curves/state`): simple, and correct after the panel is
 * hidden and shown again.
 */

export interface CurvePoint {
  readonly step: number;
  readonly trainLoss?: number;
  readonly validLoss?: number;
  readonly fullValidLoss?: number;
  readonly trainAccuracy?: number;
  readonly validAccuracy?: number;
  readonly fullValidAccuracy?: number;
}

export interface CurveCheckpoint {
  readonly step: number;
  readonly modelId: string;
}

export interface CurveSeries {
  readonly jobId: string;
  /** e.g. `journal-v2 — ftjob-…` */
  readonly label: string;
  /** Hyperparameters in one line, to compare overlaid runs. */
  readonly hyperparameters: string;
  readonly status: string;
  /** Still running: points come from metrics events and grow. */
  readonly live: boolean;
  readonly source: 'events' | 'results' | 'none';
  readonly points: readonly CurvePoint[];
  readonly checkpoints: readonly CurveCheckpoint[];
  readonly totalSteps?: number;
  /** Why data is missing or partial, if it is. */
  readonly note?: string;
}

export type ToCurvesWebview = { readonly type: 'curves/state'; readonly series: readonly CurveSeries[] };

export type FromCurvesWebview =
  | { readonly type: 'curves/ready' }
  | { readonly type: 'curves/addJobs' }
  | { readonly type: 'curves/removeJob'; readonly jobId: string }
  /** The webview's view state, so tests can check it (and the host can log it). */
  | { readonly type: 'curves/rendered'; readonly series: number; readonly points: number; readonly logScale: boolean };

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

export function isFromCurvesWebview(v: unknown): v is FromCurvesWebview {
  if (!isObj(v) || typeof v.type !== 'string') return false;
  switch (v.type) {
    case 'curves/ready':
    case 'curves/addJobs':
      return Object.keys(v).length === 1;
    case 'curves/removeJob':
      return typeof v.jobId === 'string' && v.jobId.length > 0 && v.jobId.length <= 200;
    case 'curves/rendered':
      return typeof v.series === 'number' && typeof v.points === 'number' && typeof v.logScale === 'boolean';
    default:
      return false;
  }
}

const METRIC_FIELDS = ['trainLoss', 'validLoss', 'fullValidLoss', 'trainAccuracy', 'validAccuracy', 'fullValidAccuracy'] as const;

function isPoint(v: unknown): v is CurvePoint {
  if (!isObj(v) || typeof v.step !== 'number' || !Number.isFinite(v.step)) return false;
  return METRIC_FIELDS.every((k) => v[k] === undefined || (typeof v[k] === 'number' && Number.isFinite(v[k])));
}

function isSeries(v: unknown): v is CurveSeries {
  return (
    isObj(v) &&
    typeof v.jobId === 'string' &&
    typeof v.label === 'string' &&
    typeof v.hyperparameters === 'string' &&
    typeof v.status === 'string' &&
    typeof v.live === 'boolean' &&
    (v.source === 'events' || v.source === 'results' || v.source === 'none') &&
    Array.isArray(v.points) &&
    v.points.every(isPoint) &&
    Array.isArray(v.checkpoints) &&
    v.checkpoints.every((c) => isObj(c) && typeof c.step === 'number' && typeof c.modelId === 'string') &&
    (v.totalSteps === undefined || typeof v.totalSteps === 'number') &&
    (v.note === undefined || typeof v.note === 'string')
  );
}

/** The webview checks what the host sends too (defence in depth; no `any` on message paths). */
export function isToCurvesWebview(v: unknown): v is ToCurvesWebview {
  return isObj(v) && v.type === 'curves/state' && Array.isArray(v.series) && v.series.every(isSeries);
}
