/**
 * Messages between the extension host and the "Training Curves" webview: valibot schemas, the one source of the
 * types and of the run-time checks both sides apply (src/shared/decode.ts).
 * The host always sends a full snapshot (`curves/state`): simple, and correct after the panel is
 * hidden and shown again.
 */
import * as v from 'valibot';
import { decode } from './decode';

const finite = v.pipe(v.number(), v.finite());
const metric = v.optional(finite);

const CurvePointSchema = v.object({
  step: finite,
  trainLoss: metric,
  validLoss: metric,
  fullValidLoss: metric,
  trainAccuracy: metric,
  validAccuracy: metric,
  fullValidAccuracy: metric,
  learningRate: metric,
});
export type CurvePoint = Readonly<v.InferOutput<typeof CurvePointSchema>>;

const CurveSeriesSchema = v.object({
  jobId: v.string(),
  /** e.g. `journal-v2 — ftjob-…` */
  label: v.string(),
  /** Hyperparameters in one line, to compare overlaid runs. */
  hyperparameters: v.string(),
  status: v.string(),
  /** Still running: points come from metrics events and grow. */
  live: v.boolean(),
  source: v.picklist(['events', 'results', 'none']),
  points: v.array(CurvePointSchema),
  checkpoints: v.array(v.object({ step: v.number(), modelId: v.string() })),
  totalSteps: v.optional(v.number()),
  /** Why data is missing or partial, if it is. */
  note: v.optional(v.string()),
});
export type CurveSeries = Readonly<v.InferOutput<typeof CurveSeriesSchema>>;

/** The host always sends the full state; the webview checks it too (defence in depth; no `any` on message paths). */
const ToCurvesWebviewSchema = v.object({ type: v.literal('curves/state'), series: v.array(CurveSeriesSchema) });
export type ToCurvesWebview = v.InferOutput<typeof ToCurvesWebviewSchema>;

const FromCurvesWebviewSchema = v.variant('type', [
  v.strictObject({ type: v.literal('curves/ready') }),
  v.strictObject({ type: v.literal('curves/addJobs') }),
  v.strictObject({ type: v.literal('curves/removeJob'), jobId: v.pipe(v.string(), v.minLength(1), v.maxLength(200)) }),
  /** The webview's view state, so tests can check it (and the host can log it). */
  v.strictObject({
    type: v.literal('curves/rendered'),
    series: v.number(),
    points: v.number(),
    logScale: v.boolean(),
    /** Whether the learning-rate chart is shown (some job has learning-rate points). */
    learningRate: v.boolean(),
  }),
]);
export type FromCurvesWebview = v.InferOutput<typeof FromCurvesWebviewSchema>;

export const decodeFromCurvesWebview = (m: unknown) => decode(FromCurvesWebviewSchema, m);
export const decodeToCurvesWebview = (m: unknown) => decode(ToCurvesWebviewSchema, m);
