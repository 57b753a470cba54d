/**
 * What a backend accepts when a job is launched — its hyperparameters and their ranges, its suffix rule, its example
 * limits, its extra choices (Azure's training type) and whether it can estimate the cost. Each backend owns one of
 * these (`FineTuneBackend.launchRules`); the launch wizard asks and checks only what the selected backend describes,
 * instead of applying OpenAI's rules everywhere.
 */
import { HYPERPARAMETER_RANGES, parseInRange, type HyperparameterName, type HyperparameterRange, type ParseResult } from '../jobs/hyperparameters';
import type { Hyperparameters, TrainingMethod } from './types';

export interface HyperparameterRule extends HyperparameterRange {
  readonly name: HyperparameterName;
  /** Training methods the value applies to. */
  readonly methods: readonly TrainingMethod[];
}

export interface SuffixRule {
  readonly maxLength: number;
  readonly pattern: RegExp;
  /** Allowed characters, in words ("letters, digits, "_" and "-""). */
  readonly characters: string;
  /** Where the suffix shows up, e.g. `ft:<base>:<org>:<suffix>:<id>`. */
  readonly modelIdShape: string;
}

/** One answer to a `ChoiceRule`: `value` is its name in the wizard; `sent` is how the API spells it, when that differs. */
export interface ChoiceOption {
  readonly value: string;
  readonly detail: string;
  readonly sent?: string;
}

/** An extra choice the backend needs (sent as a body field), e.g. Azure's `trainingType`. */
export interface ChoiceRule {
  readonly field: string;
  readonly label: string;
  readonly options: readonly ChoiceOption[];
  readonly default: string;
}

/** The option an answer names (by its wizard name or as the API spells it), or undefined. */
export function choiceOption(rule: ChoiceRule, answer: string): ChoiceOption | undefined {
  return rule.options.find((o) => o.value === answer || (o.sent !== undefined && o.sent === answer));
}

/**
 * How the launch estimates the cost: `token-table` = the validator's OpenAI price table (trained tokens × price per
 * 1M); `none` = this backend cannot estimate, and `message` says so and where to look.
 */
export type CostModel = { readonly kind: 'token-table'; readonly note?: string } | { readonly kind: 'none'; readonly message: string };

export interface LaunchRules {
  readonly hyperparameters: readonly HyperparameterRule[];
  readonly suffix: SuffixRule;
  readonly minExamples: number;
  readonly maxExamples?: number;
  readonly choices: readonly ChoiceRule[];
  readonly cost: CostModel;
  /**
   * A check across answers, run once hyperparameters and choices are all known (e.g. Together's batch-size range
   * depends on the training type chosen after it); returns why the combination is refused.
   */
  readonly crossCheck?: (s: {
    readonly hp: Hyperparameters;
    readonly choices: Readonly<Record<string, string>>;
    readonly method: TrainingMethod;
  }) => string | undefined;
}

const fromRange = (name: HyperparameterName, methods: readonly TrainingMethod[]): HyperparameterRule => ({ name, methods, ...HYPERPARAMETER_RANGES[name] });

/** OpenAI's documented ranges (n_epochs 1–50, batch_size 1–256, LR multiplier (0, 10] by Socratune's cap, DPO β (0, 2]). */
export const OPENAI_HYPERPARAMETERS: readonly HyperparameterRule[] = [
  fromRange('nEpochs', ['supervised', 'dpo']),
  fromRange('batchSize', ['supervised', 'dpo']),
  fromRange('learningRateMultiplier', ['supervised', 'dpo']),
  fromRange('beta', ['dpo']),
];

export const OPENAI_SUFFIX: SuffixRule = {
  maxLength: 64,
  pattern: /^[A-Za-z0-9._-]+$/,
  characters: 'letters, digits, ".", "_" and "-"',
  modelIdShape: 'ft:<base>:<org>:<suffix>:<id>',
};

export const OPENAI_RULES: LaunchRules = {
  hyperparameters: OPENAI_HYPERPARAMETERS,
  suffix: OPENAI_SUFFIX,
  minExamples: 10,
  choices: [],
  cost: { kind: 'token-table' },
};

/**
 * Azure OpenAI: suffix ≤ 40 of a-z A-Z 0-9 - _ (no "."), and the training type (where the run trains), sent as the body
 * field `trainingType` spelled as Microsoft's fine-tuning REST reference does (`globalstandard`, `developerTier`).
 */
export const AZURE_RULES: LaunchRules = {
  hyperparameters: OPENAI_HYPERPARAMETERS,
  suffix: { maxLength: 40, pattern: /^[A-Za-z0-9_-]+$/, characters: 'letters, digits, "_" and "-" (no ".")', modelIdShape: '<base>.ft-<id>-<suffix>' },
  minExamples: 10,
  choices: [
    {
      field: 'trainingType',
      label: 'Training type',
      default: 'Standard',
      options: [
        { value: 'Standard', sent: 'standard', detail: 'trains in your resource’s region (data residency)' },
        { value: 'GlobalStandard', sent: 'globalstandard', detail: 'trains wherever capacity is free, usually cheaper; data may leave the region' },
        { value: 'Developer', sent: 'developerTier', detail: 'lowest price on spare (preemptible) capacity, no guarantees; for trying things out' },
      ],
    },
  ],
  cost: {
    kind: 'none',
    message: 'Azure bills training at its own per-token prices (by training type) and hosting hourly once deployed; see Azure OpenAI pricing.',
  },
};

export const COMPATIBLE_RULES: LaunchRules = {
  ...OPENAI_RULES,
  cost: { kind: 'none', message: 'Socratune does not know this server’s prices: it cannot estimate the cost. Check the provider’s pricing.' },
};

export const EMULATOR_RULES: LaunchRules = {
  ...OPENAI_RULES,
  cost: { kind: 'token-table', note: 'The emulator charges nothing; the estimate shows what OpenAI would charge.' },
};

/** Empty or "auto" → auto; otherwise a number in the rule's range. */
export const parseRuled = (rule: HyperparameterRule, input: string): ParseResult => parseInRange(rule, input);

/** Why `s` (trimmed by the caller) is not a valid suffix on this backend, or undefined. Empty = no suffix. */
export function suffixError(rule: SuffixRule, s: string, backend: string): string | undefined {
  if (s === '') return undefined;
  if (s.length > rule.maxLength) return `The suffix is ${s.length} characters; ${backend} allows at most ${rule.maxLength}.`;
  if (!rule.pattern.test(s)) return `${backend} suffixes use only ${rule.characters} (the suffix becomes part of the model ID ${rule.modelIdShape}).`;
  return undefined;
}

/** A suffix proposed from a dataset name that this backend accepts (`My Journal (v2)` → `my-journal-v2`). */
export function suffixFor(rule: SuffixRule, name: string): string {
  const allowed = rule.pattern.test('.') ? /[^a-z0-9._-]+/g : /[^a-z0-9_-]+/g;
  return name
    .toLowerCase()
    .replace(allowed, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, rule.maxLength)
    .replace(/-+$/, '');
}

/** Why `examples` is outside the backend's limits, or undefined. */
export function exampleCountError(rules: LaunchRules, examples: number, backend: string): string | undefined {
  if (examples < rules.minExamples) return `${backend} needs at least ${rules.minExamples} training examples; the dataset has ${examples}.`;
  if (rules.maxExamples !== undefined && examples > rules.maxExamples)
    return `${backend} accepts at most ${rules.maxExamples.toLocaleString('en-US')} training examples; the dataset has ${examples.toLocaleString('en-US')}.`;
  return undefined;
}
