/**
 * The launch wizard's settings steps — hyperparameters, the backend's own choices, suffix, seed — and its per-model
 * limit checks, all taken from the selected backend's launch rules (src/core/backends/rules.ts), never from one
 * provider's rules applied to every backend.
 */
import { choiceOption, exampleCountError, parseRuled, suffixError, suffixFor, type LaunchRules } from '../backends/rules';
import type { FineTuneBackend, Hyperparameters, TrainingMethod, TunableModel } from '../backends/types';
import { parseSeed } from './hyperparameters';
import type { DatasetCheck, WizardPreset, WizardResult, WizardStep, WizardUi } from './wizard';

export interface Settings {
  readonly hp: Hyperparameters;
  readonly suffix?: string;
  readonly seed?: number;
  /** The backend's own choices, by body field. */
  readonly extraBody: Readonly<Record<string, string>>;
}

async function stop(ui: WizardUi, step: WizardStep, message: string): Promise<WizardResult> {
  await ui.showMessage(message);
  return { status: 'blocked', step, message };
}

export async function askSettings(
  backend: FineTuneBackend,
  ui: WizardUi,
  preset: WizardPreset,
  method: TrainingMethod,
  datasetName: string,
  rules: LaunchRules = backend.launchRules,
): Promise<Settings | WizardResult> {
  const hp: { -readonly [K in keyof Hyperparameters]: Hyperparameters[K] } = {};
  for (const rule of rules.hyperparameters.filter((r) => r.methods.includes(method))) {
    const given = preset.hyperparameters?.[rule.name];
    const raw = given !== undefined ? String(given) : preset.assumeYes ? 'auto' : await ui.inputHyperparameter(rule, 'auto');
    if (raw === undefined) return { status: 'cancelled', step: 'hyperparameters' };
    const parsed = parseRuled(rule, raw);
    if (!parsed.ok) return stop(ui, 'hyperparameters', `${backend.label}: ${parsed.message}`);
    hp[rule.name] = parsed.value;
  }
  const unknown = Object.keys(preset.hyperparameters ?? {}).filter((k) => preset.hyperparameters?.[k as keyof Hyperparameters] !== undefined && !(k in hp));
  if (unknown.length > 0)
    return stop(ui, 'hyperparameters', `${backend.label} does not take ${unknown.join(', ')} for ${method === 'dpo' ? 'DPO' : 'supervised'} training.`);

  const extraBody: Record<string, string> = {};
  for (const choice of rules.choices) {
    const value = preset.choices?.[choice.field] ?? (preset.assumeYes ? choice.default : await ui.pickChoice(choice));
    if (value === undefined) return { status: 'cancelled', step: 'choices' };
    const option = choiceOption(choice, value);
    if (!option)
      return stop(ui, 'choices', `${choice.label} "${value}" is not offered by ${backend.label}: use ${choice.options.map((o) => o.value).join(', ')}.`);
    extraBody[choice.field] = option.sent ?? option.value;
  }
  const cross = rules.crossCheck?.({ hp, choices: extraBody, method });
  if (cross) return stop(ui, 'hyperparameters', cross);

  const proposed = suffixFor(rules.suffix, datasetName);
  const suffixRaw = preset.suffix ?? (preset.assumeYes ? proposed : await ui.inputSuffix(proposed, rules.suffix, backend.label));
  if (suffixRaw === undefined) return { status: 'cancelled', step: 'suffix' };
  const suffixErr = suffixError(rules.suffix, suffixRaw.trim(), backend.label);
  if (suffixErr) return stop(ui, 'suffix', suffixErr);

  const seedRaw = preset.seed !== undefined ? String(preset.seed) : preset.assumeYes ? '' : await ui.inputSeed('');
  if (seedRaw === undefined) return { status: 'cancelled', step: 'seed' };
  const seed = parseSeed(seedRaw);
  if (!seed.ok) return stop(ui, 'seed', seed.message);
  return { hp, suffix: suffixRaw.trim() || undefined, seed: seed.value, extraBody };
}

/** The backend's example-count limits and the chosen model's token limit per example, or undefined when the set fits. */
export function modelLimitError(backend: FineTuneBackend, model: TunableModel, check: DatasetCheck): string | undefined {
  const count = exampleCountError(backend.launchRules, check.examples, backend.label);
  if (count) return count;
  if (model.maxExampleTokens !== undefined && check.maxExampleTokens !== undefined && check.maxExampleTokens > model.maxExampleTokens)
    return (
      `The longest example has about ${check.maxExampleTokens.toLocaleString('en-US')} tokens; ${model.id} on ${backend.label} takes at most ` +
      `${model.maxExampleTokens.toLocaleString('en-US')} per example. Shorten or split it, or pick a model with a longer context.`
    );
  return undefined;
}
