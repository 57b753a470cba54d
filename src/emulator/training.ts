import { gaussian, hash32, rng } from './random';

/**
 * Simulated training: how `auto` hyperparameters resolve, how long each phase lasts (in simulated OpenAI
 * seconds, divided by the time scale at run time) and what the loss curves look like. Pure functions of the
 * job's numbers and seed, so a job replays identically.
 */

export interface Resolved {
  readonly nEpochs: number;
  readonly batchSize: number;
  readonly learningRateMultiplier: number;
  readonly beta?: number;
}

/**
 * `auto` like OpenAI: epochs by the rule OpenAI's cookbook documents (3 epochs, raised so small sets see ≥100
 * examples in total, capped at 25; lowered for sets over 25,000 example-epochs); batch size ≈0.2% of the examples
 * rounded down to a power of two (1 for small sets, max 256); learning-rate multiplier 2 for batch ≤ 4, else 1.
 */
export function resolveHyperparameters(
  nTrain: number,
  req: { n_epochs?: 'auto' | number; batch_size?: 'auto' | number; learning_rate_multiplier?: 'auto' | number; beta?: 'auto' | number },
  dpo: boolean,
): Resolved {
  const n = Math.max(1, nTrain);
  let nEpochs = 3;
  if (n * 3 < 100) nEpochs = Math.min(25, Math.floor(100 / n));
  else if (n * 3 > 25_000) nEpochs = Math.max(1, Math.floor(25_000 / n));
  if (typeof req.n_epochs === 'number') nEpochs = req.n_epochs;
  let batchSize = Math.min(256, 2 ** Math.max(0, Math.floor(Math.log2(Math.max(1, n * 0.002)))));
  if (typeof req.batch_size === 'number') batchSize = req.batch_size;
  let lr = batchSize <= 4 ? 2 : 1;
  if (typeof req.learning_rate_multiplier === 'number') lr = req.learning_rate_multiplier;
  const out: Resolved = { nEpochs, batchSize, learningRateMultiplier: lr };
  return dpo ? { ...out, beta: typeof req.beta === 'number' ? req.beta : 0.1 } : out;
}

/** Simulated durations in seconds of real OpenAI time. */
export const PHASES = {
  validateBase: 12,
  queued: 25,
  warmup: 20,
  modelCreated: 20,
  policyEval: 25,
  complete: 5,
} as const;

/** Seconds one training step takes: a fixed cost plus throughput on the batch's tokens. */
export function stepSeconds(tokensPerEpoch: number, stepsPerEpoch: number): number {
  return 0.8 + tokensPerEpoch / Math.max(1, stepsPerEpoch) / 8000;
}

export function validateSeconds(tokens: number): number {
  return Math.min(60, PHASES.validateBase + tokens / 50_000);
}

/** At most this many metrics events/CSV rows per job; longer jobs report every k-th step (and every epoch end). */
export const MAX_REPORTED_STEPS = 1000;

export interface StepMetrics {
  step: number;
  train_loss: number;
  train_mean_token_accuracy: number;
  valid_loss?: number;
  valid_mean_token_accuracy?: number;
  full_valid_loss?: number;
  full_valid_mean_token_accuracy?: number;
}

const round = (x: number) => Math.round(x * 1e5) / 1e5;
const clamp01 = (x: number) => Math.min(0.999, Math.max(0.001, x));
const accuracy = (loss: number) => Math.exp(-0.45 * loss);

/**
 * Loss at `step` of `total`: starts near 1.6–2.4, decays roughly exponentially with a visible drop at each
 * epoch boundary (the model has now seen the examples), and flattens at a floor that falls with more epochs.
 * Per-step values carry batch noise (larger for small batches); validation sits above training and drifts up
 * late in long runs (overfitting); the full-validation value at epoch ends is nearly noise-free.
 */
export function stepMetrics(
  seed: number,
  step: number,
  total: number,
  stepsPerEpoch: number,
  nEpochs: number,
  batchSize: number,
  hasValidation: boolean,
): StepMetrics {
  const shape = rng(hash32(seed, 'curve'));
  const l0 = 1.6 + 0.8 * shape();
  const floor = l0 * (0.1 + 0.25 / Math.sqrt(nEpochs));
  const x = step / Math.max(1, total);
  const epochsDone = Math.floor((step - 1) / Math.max(1, stepsPerEpoch));
  const smooth = floor + (l0 - floor) * Math.exp(-3.2 * x) * Math.pow(0.88, epochsDone);
  const noise = rng(hash32(seed, 'step', step));
  const sigma = 0.22 / Math.sqrt(batchSize);
  const train = smooth * Math.exp(sigma * gaussian(noise));
  const out: StepMetrics = {
    step,
    train_loss: round(train),
    train_mean_token_accuracy: round(clamp01(accuracy(train) + 0.01 * gaussian(noise))),
  };
  if (!hasValidation) return out;
  const gap = 1.08 + 0.3 * x * x * Math.min(1, nEpochs / 4);
  const valid = smooth * gap * Math.exp(0.8 * sigma * gaussian(noise));
  out.valid_loss = round(valid);
  out.valid_mean_token_accuracy = round(clamp01(accuracy(valid) + 0.01 * gaussian(noise)));
  const epochEnd = step % stepsPerEpoch === 0 || step === total;
  if (epochEnd) {
    const full = smooth * (gap + 0.02) * Math.exp(0.02 * gaussian(noise));
    out.full_valid_loss = round(full);
    out.full_valid_mean_token_accuracy = round(clamp01(accuracy(full)));
  }
  return out;
}

export function metricsMessage(m: StepMetrics, total: number): string {
  let msg = `Step ${m.step}/${total}: training loss=${m.train_loss.toFixed(2)}`;
  if (m.valid_loss !== undefined) msg += `, validation loss=${m.valid_loss.toFixed(2)}`;
  if (m.full_valid_loss !== undefined) msg += `, full validation loss=${m.full_valid_loss.toFixed(2)}`;
  return msg;
}

/** OpenAI's results file header (legacy fine-tuning guide). */
export const CSV_HEADER = 'step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy';

export function csvRow(m: StepMetrics): string {
  const cell = (v: number | undefined) => (v === undefined ? '' : String(v));
  return [m.step, m.train_loss, m.train_mean_token_accuracy, cell(m.valid_loss), cell(m.valid_mean_token_accuracy)].join(',');
}
