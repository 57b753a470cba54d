/**
 * A local LoRA training recipe: the files that train one dataset with one trainer, under `.socratune/runs/<name>/`
 * (dataset in the form the trainer reads, its config with the wizard's hyperparameters mapped to the keys the tool
 * documents, the bound system prompt, a `run.sh` that reproduces the run outside VS Code, and `recipe.json`).
 * Pure: returns `{ path, content }` entries; writing them is the caller's job.
 */
import { trainerFiles } from './recipeTrainers';

export type LocalTrainer = 'mlx' | 'axolotl' | 'trl' | 'unsloth';

export interface LocalHyperparameters {
  epochs: number;
  batchSize: number;
  learningRate: number;
  loraRank: number;
  loraAlpha: number;
  loraDropout: number;
  maxSeqLength: number;
  /** Compute the loss on assistant turns only (not on system/user text). */
  assistantOnly: boolean;
  /** MLX-LM: how many of the last layers get LoRA adapters (its default 16; -1 = all). */
  numLayers?: number;
  /** Hugging Face trainers: gradient accumulation steps (default 1). */
  gradientAccumulation?: number;
}

export const DEFAULT_LOCAL_HYPERPARAMETERS: LocalHyperparameters = {
  epochs: 3,
  batchSize: 4,
  learningRate: 1e-4,
  loraRank: 16,
  loraAlpha: 32,
  loraDropout: 0.05,
  maxSeqLength: 2048,
  assistantOnly: true,
};

export interface RecipeInput {
  /** Run name: the folder under .socratune/runs/ (letters, digits, `.`, `_`, `-`). */
  name: string;
  trainer: LocalTrainer;
  /** Hugging Face model id or local path of the base model. */
  baseModel: string;
  /** OpenAI chat JSONL text of the training set (read as is by every trainer here). */
  trainJsonl: string;
  validationJsonl?: string;
  /** The system prompt bound to the dataset / model (recorded; chat applies it). */
  systemPrompt?: string;
  datasetName?: string;
  hyperparameters: LocalHyperparameters;
}

export interface RecipeFile {
  /** Path relative to the workspace folder, always under `.socratune/runs/<name>/`. */
  path: string;
  content: string;
  executable?: true;
}

export interface Recipe {
  dir: string;
  files: RecipeFile[];
  /** The command run.sh runs (inside the run folder). */
  command: string;
  /** Optimizer steps the run will take when the trainer counts them up front (MLX iterations; HF estimate). */
  totalSteps: number;
  /** What the mapping could not keep (per-turn weights, multi-turn masking…). */
  notes: string[];
  /** The trainer's log, as run.sh writes it (relative to the run folder). */
  logFile: string;
}

export class RecipeError extends Error {}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The number of examples (non-empty lines) in a JSONL text. */
export function countExamples(jsonl: string): number {
  return jsonl.split(/\r?\n/).filter((l) => l.trim() !== '').length;
}

function check(input: RecipeInput): void {
  const h = input.hyperparameters;
  if (!NAME.test(input.name)) throw new RecipeError(`Run name "${input.name}" must be 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit.`);
  if (!input.baseModel.trim()) throw new RecipeError('A base model (Hugging Face id or local path) is required.');
  const positiveInt = (label: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new RecipeError(`${label} must be a whole number ≥ 1, got ${v}.`);
  };
  positiveInt('Epochs', h.epochs);
  positiveInt('Batch size', h.batchSize);
  positiveInt('LoRA rank', h.loraRank);
  positiveInt('Max sequence length', h.maxSeqLength);
  if (h.gradientAccumulation !== undefined) positiveInt('Gradient accumulation', h.gradientAccumulation);
  if (!(h.learningRate > 0 && h.learningRate < 1)) throw new RecipeError(`Learning rate must be between 0 and 1, got ${h.learningRate}.`);
  if (!(h.loraAlpha > 0)) throw new RecipeError(`LoRA alpha must be > 0, got ${h.loraAlpha}.`);
  if (!(h.loraDropout >= 0 && h.loraDropout < 1)) throw new RecipeError(`LoRA dropout must be in [0, 1), got ${h.loraDropout}.`);
  const n = countExamples(input.trainJsonl);
  if (n === 0) throw new RecipeError('The training set is empty.');
  if (n < h.batchSize) throw new RecipeError(`The training set has ${n} examples, fewer than the batch size ${h.batchSize}: lower the batch size.`);
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function runSh(input: RecipeInput, command: string, logFile: string): string {
  return [
    '#!/usr/bin/env bash',
    `# Socratune recipe ${shellQuote(input.name)}: ${input.trainer} LoRA on ${input.baseModel}.`,
    '# Reproduces the run outside VS Code: run it from anywhere; it works inside this folder.',
    '# The trainer output is also appended to ' + logFile + ' (Socratune follows that file).',
    'set -euo pipefail',
    'cd "$(dirname "$0")"',
    'export PYTHONUNBUFFERED=1',
    `${command} 2>&1 | tee -a ${logFile}`,
    '',
  ].join('\n');
}

/** Build the recipe's files. Throws RecipeError (with a message for the user) on bad input; nothing is written. */
export function buildRecipe(input: RecipeInput): Recipe {
  check(input);
  const dir = `.socratune/runs/${input.name}`;
  const examples = countExamples(input.trainJsonl);
  const t = trainerFiles(input, examples);
  const logFile = 'train.log';
  const files: RecipeFile[] = [
    { path: 'data/train.jsonl', content: ensureNewline(input.trainJsonl) },
    ...(input.validationJsonl !== undefined && countExamples(input.validationJsonl) > 0
      ? [{ path: 'data/valid.jsonl', content: ensureNewline(input.validationJsonl) }]
      : []),
    ...t.files,
    { path: 'system_prompt.txt', content: input.systemPrompt ?? '' },
    { path: 'run.sh', content: runSh(input, t.command, logFile), executable: true },
  ];
  const manifest = {
    name: input.name,
    trainer: input.trainer,
    baseModel: input.baseModel,
    dataset: input.datasetName ?? null,
    examples,
    validationExamples: input.validationJsonl ? countExamples(input.validationJsonl) : 0,
    hyperparameters: input.hyperparameters,
    totalSteps: t.totalSteps,
    systemPrompt: input.systemPrompt ?? null,
    command: t.command,
    logFile,
    adapterDir: t.adapterDir,
    notes: t.notes,
  };
  files.push({ path: 'recipe.json', content: JSON.stringify(manifest, null, 2) + '\n' });
  return { dir, files: files.map((f) => ({ ...f, path: `${dir}/${f.path}` })), command: t.command, totalSteps: t.totalSteps, notes: t.notes, logFile };
}

function ensureNewline(s: string): string {
  return s.endsWith('\n') ? s : `${s}\n`;
}

const HP_KEYS: Readonly<Record<string, keyof LocalHyperparameters>> = {
  epochs: 'epochs',
  batch: 'batchSize',
  lr: 'learningRate',
  rank: 'loraRank',
  alpha: 'loraAlpha',
  dropout: 'loraDropout',
  maxlen: 'maxSeqLength',
  'assistant-only': 'assistantOnly',
};

/** The hyperparameters as one editable line: `epochs=3 batch=4 lr=0.0001 rank=16 alpha=32 dropout=0.05 maxlen=2048 assistant-only=yes`. */
export function formatLocalHyperparameters(h: LocalHyperparameters): string {
  return Object.entries(HP_KEYS)
    .map(([k, f]) => `${k}=${typeof h[f] === 'boolean' ? (h[f] ? 'yes' : 'no') : String(h[f])}`)
    .join(' ');
}

/**
 * Read that line back over `base`: unknown keys, non-numbers and a yes/no that is neither are refused with a message
 * (RecipeError); ranges are checked when the recipe is built. Keys left out keep `base`.
 */
export function parseLocalHyperparameters(text: string, base: LocalHyperparameters = DEFAULT_LOCAL_HYPERPARAMETERS): LocalHyperparameters {
  const out: LocalHyperparameters = { ...base };
  for (const part of text
    .trim()
    .split(/[\s,]+/)
    .filter(Boolean)) {
    const m = /^([a-z-]+)=(.+)$/.exec(part);
    const field = m ? HP_KEYS[m[1]!] : undefined;
    if (!m || !field) throw new RecipeError(`"${part}" is not one of ${Object.keys(HP_KEYS).join(', ')} as key=value.`);
    const raw = m[2]!;
    if (field === 'assistantOnly') {
      if (!/^(yes|no|true|false)$/i.test(raw)) throw new RecipeError(`assistant-only is yes or no, got "${raw}".`);
      out.assistantOnly = /^(yes|true)$/i.test(raw);
      continue;
    }
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new RecipeError(`${m[1]} needs a number, got "${raw}".`);
    out[field] = n;
  }
  return out;
}
