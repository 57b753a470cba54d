/**
 * "Re-run on…" between backends: a job's recipe (hyperparameters, suffix) translated to what the target backend
 * takes, with one sentence per change. OpenAI's learning-rate multiplier scales a base rate OpenAI does not publish,
 * so the translation to an absolute rate (Together) uses the target's default rate as "1×" and says it is an
 * approximation; values the target does not take, or takes in a narrower range, go back to `auto`.
 */
import type { ProviderKind } from '../config/profile';
import { HYPERPARAMETER_RANGES, type HyperparameterName } from '../jobs/hyperparameters';
import { backendDescriptor } from './descriptors';
import { parseRuled, suffixError, suffixFor, type LaunchRules } from './rules';
import type { Hyperparameters, TrainingMethod } from './types';

const DEFAULT_LR = (kind: ProviderKind): number | undefined => backendDescriptor(kind).defaultLearningRate;
const launchRulesFor = (kind: ProviderKind): LaunchRules => backendDescriptor(kind).launchRules;

export interface MappedRecipe {
  readonly hyperparameters: Hyperparameters;
  readonly suffix?: string;
  /** What was changed and why, one sentence each; empty when the recipe carries over as it is. */
  readonly changes: readonly string[];
}

const label = (n: HyperparameterName) => HYPERPARAMETER_RANGES[n].label;
const fmt = (v: number) => (Math.abs(v) < 1e-3 ? v.toExponential(2).replace(/\.?0+e/, 'e') : String(v));

export function mapRecipe(
  hp: Hyperparameters,
  suffix: string | undefined,
  method: TrainingMethod,
  from: ProviderKind,
  to: ProviderKind,
  toLabel: string,
): MappedRecipe {
  const rules = launchRulesFor(to).hyperparameters.filter((r) => r.methods.includes(method));
  const takes = new Map(rules.map((r) => [r.name, r]));
  const out: { -readonly [K in keyof Hyperparameters]: Hyperparameters[K] } = {};
  const changes: string[] = [];
  const src = { ...hp };
  const m = src.learningRateMultiplier;
  if (m !== undefined && !takes.has('learningRateMultiplier') && takes.has('learningRate') && src.learningRate === undefined) {
    delete src.learningRateMultiplier;
    const base = DEFAULT_LR(to);
    if (typeof m === 'number' && base !== undefined) {
      src.learningRate = base * m;
      changes.push(
        `learning-rate multiplier ${m} → absolute learning rate ${fmt(base * m)} (${toLabel}'s default ${fmt(base)} × ${m}; ` +
          `${from === 'openai' || from === 'azure' ? 'OpenAI does not publish its base rate' : 'the original base rate is unknown'}, so this is an approximation)`,
      );
    } else if (m !== 'auto') changes.push(`learning-rate multiplier ${String(m)} → absolute learning rate auto (${toLabel}'s default)`);
  }
  const lr = src.learningRate;
  if (lr !== undefined && !takes.has('learningRate') && takes.has('learningRateMultiplier') && src.learningRateMultiplier === undefined) {
    delete src.learningRate;
    const base = DEFAULT_LR(from);
    if (typeof lr === 'number' && base !== undefined) {
      src.learningRateMultiplier = Math.round((lr / base) * 1000) / 1000;
      changes.push(
        `absolute learning rate ${fmt(lr)} → learning-rate multiplier ${src.learningRateMultiplier} (÷ the original default ${fmt(base)}; an approximation)`,
      );
    } else if (lr !== 'auto') changes.push(`absolute learning rate ${String(lr)} → learning-rate multiplier auto`);
  }
  for (const [name, v] of Object.entries(src) as [HyperparameterName, Hyperparameters[HyperparameterName]][]) {
    if (v === undefined) continue;
    const r = takes.get(name);
    if (!r) {
      changes.push(`${label(name)} ${String(v)} dropped: ${toLabel} does not take it`);
      continue;
    }
    const p = parseRuled(r, String(v));
    if (p.ok) out[name] = p.value;
    else {
      out[name] = 'auto';
      changes.push(`${label(name)} ${String(v)} → auto: ${p.message}`);
    }
  }
  const rule = launchRulesFor(to).suffix;
  let s = suffix;
  if (s && suffixError(rule, s, toLabel)) {
    s = suffixFor(rule, s);
    changes.push(`suffix "${suffix}" → "${s}" (${toLabel} suffixes use ${rule.characters}, at most ${rule.maxLength})`);
  }
  return { hyperparameters: out, suffix: s, changes };
}
