/**
 * Hyperparameter ranges and seed parsing. Each value is `auto` (the provider picks
 * from the dataset size) or a number in OpenAI's documented range:
 * n_epochs 1–50 (integer), batch_size 1–256 (integer), learning_rate_multiplier > 0, DPO beta in (0, 2].
 * Socratune caps the multiplier at 10: larger values only destroy the base model. Which of these a backend asks,
 * and in which range, is that backend's launch rule (src/core/backends/rules.ts).
 */
import type { Hyperparameters, HyperparameterValue, TrainingMethod } from '../backends/types';

export type HyperparameterName = keyof Hyperparameters;

/** A value's documented range, and how to say it (a backend's `HyperparameterRule` is one too). */
export interface HyperparameterRange {
  readonly label: string;
  readonly min: number;
  readonly minExclusive?: boolean;
  readonly max: number;
  readonly integer: boolean;
  readonly hint: string;
}

export const HYPERPARAMETER_RANGES: Readonly<Record<HyperparameterName, HyperparameterRange>> = {
  nEpochs: { label: 'Epochs', min: 1, max: 50, integer: true, hint: 'auto, or a whole number from 1 to 50' },
  batchSize: { label: 'Batch size', min: 1, max: 256, integer: true, hint: 'auto, or a whole number from 1 to 256' },
  learningRateMultiplier: {
    label: 'Learning-rate multiplier',
    min: 0,
    minExclusive: true,
    max: 10,
    integer: false,
    hint: 'auto, or a number above 0 and at most 10 (typical 0.02–2)',
  },
  beta: { label: 'DPO beta', min: 0, minExclusive: true, max: 2, integer: false, hint: 'auto, or a number above 0 and at most 2' },
  // Provider-specific names (Together); their backends' launch rules narrow these to what each one accepts.
  learningRate: { label: 'Learning rate', min: 0, minExclusive: true, max: 0.01, integer: false, hint: 'auto, or an absolute rate above 0 and at most 0.01' },
  loraRank: { label: 'LoRA rank', min: 1, max: 256, integer: true, hint: 'auto, or a whole number from 1 to 256' },
  loraAlpha: { label: 'LoRA alpha', min: 1, max: 1024, integer: true, hint: 'auto, or a whole number from 1 to 1024' },
  loraDropout: { label: 'LoRA dropout', min: 0, max: 0.99, integer: false, hint: 'auto, or a number from 0 to 0.99' },
  warmupRatio: { label: 'Warm-up ratio', min: 0, max: 1, integer: false, hint: 'auto, or a share of the steps from 0 to 1' },
  nCheckpoints: { label: 'Checkpoints', min: 1, max: 100, integer: true, hint: 'auto, or a whole number from 1 to 100' },
  nEvals: { label: 'Evaluations', min: 0, max: 100, integer: true, hint: 'auto, or a whole number from 0 to 100' },
  maxContextLength: { label: 'Max context length', min: 512, max: 262_144, integer: true, hint: 'auto, or tokens per example from 512 to 262144' },
};

export type ParseResult = { ok: true; value: HyperparameterValue } | { ok: false; message: string };

/** Check one value against a range; returns an error message or undefined. */
export function checkInRange(r: HyperparameterRange, v: HyperparameterValue): string | undefined {
  if (v === 'auto') return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) return `${r.label} must be ${r.hint}.`;
  if (r.integer && !Number.isInteger(v)) return `${r.label} must be a whole number (${r.hint}).`;
  if (r.minExclusive ? v <= r.min : v < r.min) return `${r.label} ${v} is too small: ${r.hint}.`;
  if (v > r.max) return `${r.label} ${v} is too large: ${r.hint}.`;
  return undefined;
}

/** Parse user input against a range: empty or "auto" → auto; otherwise a number in range. */
export function parseInRange(r: HyperparameterRange, input: string): ParseResult {
  const t = input.trim().toLowerCase();
  if (t === '' || t === 'auto') return { ok: true, value: 'auto' };
  if (!/^[+]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/.test(t)) return { ok: false, message: `${r.label}: "${input.trim()}" is not a number. Use ${r.hint}.` };
  const v = Number(t);
  const err = checkInRange(r, v);
  return err ? { ok: false, message: err } : { ok: true, value: v };
}

/** Check one value in Socratune's widest range for it. */
export function checkHyperparameter(name: HyperparameterName, v: HyperparameterValue): string | undefined {
  return checkInRange(HYPERPARAMETER_RANGES[name], v);
}

/** Parse user input in Socratune's widest range for the value. */
export function parseHyperparameter(name: HyperparameterName, input: string): ParseResult {
  return parseInRange(HYPERPARAMETER_RANGES[name], input);
}

/** All problems of a full set (beta only counts for DPO). */
export function validateHyperparameters(h: Hyperparameters, method: TrainingMethod): string[] {
  const errors: string[] = [];
  for (const name of Object.keys(HYPERPARAMETER_RANGES) as HyperparameterName[]) {
    const v = h[name];
    if (v === undefined) continue;
    if (name === 'beta' && method !== 'dpo') {
      errors.push('DPO beta applies only to preference (DPO) training.');
      continue;
    }
    const e = checkHyperparameter(name, v);
    if (e) errors.push(e);
  }
  return errors;
}

export type SeedResult = { ok: true; value: number | undefined } | { ok: false; message: string };

export function parseSeed(input: string): SeedResult {
  const t = input.trim();
  if (t === '') return { ok: true, value: undefined };
  if (!/^\d+$/.test(t)) return { ok: false, message: 'The seed must be a whole number from 0 to 2147483647 (or empty for a random seed).' };
  const v = Number(t);
  if (v > 2_147_483_647) return { ok: false, message: 'The seed must be at most 2147483647.' };
  return { ok: true, value: v };
}

/** `auto`, or the number as a plain decimal (0.0002, not 2e-4). */
export function formatHyperparameter(v: HyperparameterValue | undefined): string {
  if (v === undefined || v === 'auto') return 'auto';
  return Number.isInteger(v) ? String(v) : v.toLocaleString('en-US', { maximumSignificantDigits: 6, useGrouping: false });
}

/** How a value is called in a sentence: an absolute "learning rate" is not OpenAI's "learning-rate multiplier". */
const SPOKEN: Readonly<Record<HyperparameterName, string>> = {
  nEpochs: 'epochs',
  batchSize: 'batch size',
  learningRateMultiplier: 'learning-rate multiplier',
  learningRate: 'learning rate',
  beta: 'DPO beta',
  loraRank: 'LoRA rank',
  loraAlpha: 'LoRA alpha',
  loraDropout: 'LoRA dropout',
  warmupRatio: 'warm-up ratio',
  nCheckpoints: 'checkpoints',
  nEvals: 'evaluations',
  maxContextLength: 'max context length',
};

/** One value in words: "learning rate 0.0002", "learning-rate multiplier 1.8", "epochs auto". */
export function describeHyperparameter(name: HyperparameterName, v: HyperparameterValue | undefined): string {
  return `${SPOKEN[name]} ${formatHyperparameter(v)}`;
}

/**
 * The values a job was given, in words and in the order given: "epochs 3, batch size auto, learning-rate multiplier 1.8"
 * (OpenAI) or "epochs 2, learning rate 0.0002, LoRA rank 16" (Together, Nebius). Values not set are left out.
 */
export function describeHyperparameters(h: Hyperparameters, separator = ', '): string {
  const parts = (Object.entries(h) as [HyperparameterName, HyperparameterValue | undefined][])
    .filter(([k, v]) => v !== undefined && k in SPOKEN)
    .map(([k, v]) => describeHyperparameter(k, v));
  return parts.join(separator) || 'server defaults';
}
