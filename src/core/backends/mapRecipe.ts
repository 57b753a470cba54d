/**
 * "Re-run on…" between backends: a job's recipe (hyperparameters, suffix, the backend's own choices) translated to
 * what the target backend takes, with one sentence per change, shown before the launch. OpenAI's learning-rate
 * multiplier scales a base rate OpenAI does not publish, so the translation to an absolute rate (Together, Nebius)
 * uses the target's default rate as "1×" and says it is an approximation; values the target does not take are
 * dropped, values outside its range go back to `auto`, each with the reason.
 */
import type { ProviderKind } from '../config/profile';
import { describeHyperparameter, formatHyperparameter, type HyperparameterName } from '../jobs/hyperparameters';
import { backendDescriptor } from './descriptors';
import { choiceOption, parseRuled, suffixError, suffixFor, type HyperparameterRule } from './rules';
import type { Hyperparameters, HyperparameterValue, TrainingMethod } from './types';

export interface Recipe {
  readonly hyperparameters: Hyperparameters;
  readonly suffix?: string;
  readonly method: TrainingMethod;
  /** The original backend's own choices as sent (job manifest `choices`). */
  readonly choices?: Readonly<Record<string, string>>;
}

export interface MappedRecipe {
  readonly hyperparameters: Hyperparameters;
  readonly suffix?: string;
  /** Answers to the target backend's own choices, by field (its wizard names); only those that carry over. */
  readonly choices: Readonly<Record<string, string>>;
  /** What was changed and why, one sentence each; empty when the recipe carries over as it is. */
  readonly changes: readonly string[];
}

type Mutable = { -readonly [K in keyof Hyperparameters]: Hyperparameters[K] };
const round = (v: number): number => Number(v.toPrecision(6));

export function mapRecipe(recipe: Recipe, from: ProviderKind, to: ProviderKind): MappedRecipe {
  const target = backendDescriptor(to);
  const takes = new Map(target.launchRules.hyperparameters.filter((r) => r.methods.includes(recipe.method)).map((r) => [r.name, r]));
  const changes: string[] = [];
  const src = translateLearningRate({ ...recipe.hyperparameters }, takes, from, to, changes);
  const hyperparameters = fitValues(src, takes, target.label, changes);
  const suffix = fitSuffix(recipe.suffix, to, changes);
  const choices = from === to ? { ...(recipe.choices ?? {}) } : mapChoices(recipe.choices ?? {}, from, to, changes);
  return { hyperparameters, suffix, choices, changes };
}

/** OpenAI's multiplier ↔ an absolute rate, through the backend's default rate (the "1×"), said as an approximation. */
function translateLearningRate(
  src: Mutable,
  takes: Map<HyperparameterName, HyperparameterRule>,
  from: ProviderKind,
  to: ProviderKind,
  changes: string[],
): Mutable {
  const toLabel = backendDescriptor(to).label;
  const m = src.learningRateMultiplier;
  if (m !== undefined && !takes.has('learningRateMultiplier') && takes.has('learningRate') && src.learningRate === undefined) {
    delete src.learningRateMultiplier;
    const base = backendDescriptor(to).defaultLearningRate;
    if (typeof m === 'number' && base !== undefined) {
      src.learningRate = round(base * m);
      const why = from === 'openai' || from === 'azure' ? 'OpenAI does not publish its base rate' : 'the original base rate is unknown';
      changes.push(
        `learning-rate multiplier ${formatHyperparameter(m)} → learning rate ${formatHyperparameter(src.learningRate)} ` +
          `(${toLabel}'s default ${formatHyperparameter(base)} × ${formatHyperparameter(m)}; ${why}, so this is an approximation)`,
      );
    } else if (m !== 'auto') changes.push(`learning-rate multiplier ${formatHyperparameter(m)} → learning rate auto (${toLabel}'s default)`);
  }
  const lr = src.learningRate;
  if (lr !== undefined && !takes.has('learningRate') && takes.has('learningRateMultiplier') && src.learningRateMultiplier === undefined) {
    delete src.learningRate;
    const base = backendDescriptor(from).defaultLearningRate;
    if (typeof lr === 'number' && base !== undefined) {
      src.learningRateMultiplier = Math.round((lr / base) * 1000) / 1000;
      changes.push(
        `learning rate ${formatHyperparameter(lr)} → learning-rate multiplier ${formatHyperparameter(src.learningRateMultiplier)} ` +
          `(÷ ${backendDescriptor(from).label}'s default ${formatHyperparameter(base)}; an approximation)`,
      );
    } else if (lr !== 'auto') changes.push(`learning rate ${formatHyperparameter(lr)} → learning-rate multiplier auto`);
  }
  return src;
}

/** Each value in the target's range; dropped when the target does not take it, `auto` when out of range. */
function fitValues(src: Mutable, takes: Map<HyperparameterName, HyperparameterRule>, toLabel: string, changes: string[]): Hyperparameters {
  const out: Mutable = {};
  for (const [name, v] of Object.entries(src) as [HyperparameterName, HyperparameterValue | undefined][]) {
    if (v === undefined) continue;
    const r = takes.get(name);
    if (!r) {
      if (v !== 'auto') changes.push(`${describeHyperparameter(name, v)} dropped: ${toLabel} does not take it`);
      continue;
    }
    const p = parseRuled(r, String(v));
    if (p.ok) out[name] = p.value;
    else {
      out[name] = 'auto';
      changes.push(`${describeHyperparameter(name, v)} → auto: ${p.message}`);
    }
  }
  return out;
}

function fitSuffix(suffix: string | undefined, to: ProviderKind, changes: string[]): string | undefined {
  const { label, launchRules } = backendDescriptor(to);
  const rule = launchRules.suffix;
  if (!suffix || !suffixError(rule, suffix, label)) return suffix;
  const s = suffixFor(rule, suffix);
  changes.push(`suffix "${suffix}" → "${s}" (${label} suffixes use ${rule.characters}, at most ${rule.maxLength})`);
  return s;
}

/**
 * A choice carries over to the target's choice of the same name when it offers the same answer (Together's "Lora" is
 * Nebius' "LoRA"); otherwise the target's default is used, and said.
 */
function mapChoices(given: Readonly<Record<string, string>>, from: ProviderKind, to: ProviderKind, changes: string[]): Record<string, string> {
  const source = backendDescriptor(from).launchRules.choices;
  const { label, launchRules } = backendDescriptor(to);
  const out: Record<string, string> = {};
  for (const [field, answer] of Object.entries(given)) {
    const rule = source.find((c) => c.field === field);
    const name = (rule && choiceOption(rule, answer)?.value) ?? answer;
    const there = launchRules.choices.find((c) => c.label.toLowerCase() === (rule?.label ?? field).toLowerCase());
    const same = there?.options.find((o) => o.value.toLowerCase() === name.toLowerCase());
    if (there && same) out[there.field] = same.value;
    else if (there) changes.push(`${there.label.toLowerCase()} ${name} → ${there.default} (${label} offers ${there.options.map((o) => o.value).join(', ')})`);
    else changes.push(`${(rule?.label ?? field).toLowerCase()} ${name} dropped: ${label} has no such choice`);
  }
  return out;
}
