/**
 * Together's per-model fine-tuning limits (`GET /fine-tunes/models/limits?model_name=…`, schema
 * `FineTuneModelLimits` of Together's published OpenAPI description) as Socratune launch rules: the epochs,
 * learning-rate, batch-size and LoRA-rank ranges of that model, which training types (LoRA, full) and methods
 * (SFT, DPO) it allows. Pure: the backend fetches, this decides.
 */
import * as v from 'valibot';
import { decode } from '../../shared/decode';
import type { ChoiceRule, HyperparameterRule, LaunchRules } from './rules';
import type { Hyperparameters, TrainingMethod } from './types';

const int = v.pipe(v.number(), v.integer());
const batchLimits = { max_batch_size: int, max_batch_size_dpo: int, min_batch_size: int };

/** What Socratune reads of `FineTuneModelLimits` (other fields are allowed and ignored). */
const LimitsSchema = v.looseObject({
  model_name: v.string(),
  full_training: v.optional(v.nullable(v.looseObject(batchLimits))),
  lora_training: v.optional(v.nullable(v.looseObject({ ...batchLimits, max_rank: int, target_modules: v.array(v.string()) }))),
  max_num_epochs: int,
  max_num_evals: int,
  max_learning_rate: v.number(),
  min_learning_rate: v.number(),
});

export type TogetherLimits = v.InferOutput<typeof LimitsSchema>;

export type TogetherTrainingType = 'Lora' | 'Full';

export interface ModelLaunchRules {
  readonly rules: LaunchRules;
  /** Methods the model can be tuned with (DPO only where a DPO batch size is allowed). */
  readonly methods: readonly TrainingMethod[];
  readonly trainingTypes: readonly TogetherTrainingType[];
  /** One line for the base-model picker: "LoRA r ≤ 64 · ≤ 20 epochs · batch 8–32". */
  readonly summary: string;
}

export type LimitsResult = { readonly ok: true; readonly value: ModelLaunchRules } | { readonly ok: false; readonly message: string };

type BatchLimits = { max_batch_size: number; max_batch_size_dpo: number; min_batch_size: number };

const dpoAllowed = (b: BatchLimits | null | undefined) => !!b && b.max_batch_size_dpo >= Math.max(1, b.min_batch_size);

/** The batch range for a training type and method, or undefined when that combination is not offered. */
function batchRange(l: TogetherLimits, type: TogetherTrainingType, method: TrainingMethod): { min: number; max: number } | undefined {
  const b = type === 'Lora' ? l.lora_training : l.full_training;
  if (!b) return undefined;
  const max = method === 'dpo' ? b.max_batch_size_dpo : b.max_batch_size;
  return max >= b.min_batch_size && max > 0 ? { min: Math.max(1, b.min_batch_size), max } : undefined;
}

function narrow(rule: HyperparameterRule, min: number, max: number, hint: string, methods = rule.methods): HyperparameterRule {
  return { ...rule, min, max, hint, methods, minExclusive: rule.minExclusive && min <= rule.min };
}

function hyperparameters(l: TogetherLimits, base: LaunchRules, types: readonly TogetherTrainingType[]): HyperparameterRule[] {
  const first = types[0];
  const out: HyperparameterRule[] = [];
  for (const rule of base.hyperparameters) {
    if (rule.name === 'nEpochs') out.push(narrow(rule, 1, l.max_num_epochs, `auto (Together: 1), or a whole number from 1 to ${l.max_num_epochs}`));
    else if (rule.name === 'learningRate')
      out.push(
        narrow(
          rule,
          l.min_learning_rate,
          l.max_learning_rate,
          `auto (Together: 0.00001), or an absolute rate from ${l.min_learning_rate} to ${l.max_learning_rate}`,
        ),
      );
    else if (rule.name === 'batchSize') {
      for (const method of ['supervised', 'dpo'] as const) {
        const r = batchRange(l, first, method);
        if (r) out.push(narrow(rule, r.min, r.max, `auto (Together: "max"), or a whole number from ${r.min} to ${r.max}`, [method]));
      }
    } else if (rule.name === 'loraRank' || rule.name === 'loraAlpha' || rule.name === 'loraDropout') {
      if (!l.lora_training) continue;
      out.push(
        rule.name === 'loraRank' ? narrow(rule, 1, l.lora_training.max_rank, `auto (8), or a whole number from 1 to ${l.lora_training.max_rank}`) : rule,
      );
    } else out.push(rule);
  }
  return out;
}

function trainingTypeChoice(base: LaunchRules, types: readonly TogetherTrainingType[]): ChoiceRule[] {
  return base.choices.map((c) => {
    if (c.field !== 'training_type') return c;
    const options = c.options.filter((o) => types.includes(o.value as TogetherTrainingType));
    return { ...c, options, default: options.some((o) => o.value === c.default) ? c.default : (options[0]?.value ?? c.default) };
  });
}

/**
 * The batch size is limited per training type, and the type is chosen after the hyperparameters: this checks the
 * pair once both are known.
 */
function crossCheck(l: TogetherLimits) {
  return (s: { hp: Hyperparameters; choices: Readonly<Record<string, string>>; method: TrainingMethod }): string | undefined => {
    const type: TogetherTrainingType = s.choices.training_type === 'Full' ? 'Full' : 'Lora';
    const r = batchRange(l, type, s.method);
    const what = `${type === 'Full' ? 'full' : 'LoRA'} ${s.method === 'dpo' ? 'DPO' : 'SFT'} training`;
    if (!r) return `${l.model_name} does not offer ${what} on Together AI.`;
    const b = s.hp.batchSize;
    if (typeof b === 'number' && (b < r.min || b > r.max)) return `Batch size ${b} is outside ${r.min}–${r.max}, the range of ${l.model_name} for ${what}.`;
    return undefined;
  };
}

/** Together's `FineTuneModelLimits` for one model → its launch rules, narrowed from Together's general ones (`base`). */
export function togetherLimitsToRules(raw: unknown, base: LaunchRules): LimitsResult {
  const d = decode(LimitsSchema, raw);
  if (!d.ok) return { ok: false, message: `Together sent model limits Socratune cannot read: ${d.message}.` };
  const l = d.value;
  if (l.min_learning_rate > l.max_learning_rate || l.max_num_epochs < 1)
    return {
      ok: false,
      message: `Together's limits for ${l.model_name} allow no job (epochs ≤ ${l.max_num_epochs}, learning rate ${l.min_learning_rate}–${l.max_learning_rate}).`,
    };
  const types: TogetherTrainingType[] = [];
  if (l.lora_training && batchRange(l, 'Lora', 'supervised')) types.push('Lora');
  if (l.full_training && batchRange(l, 'Full', 'supervised')) types.push('Full');
  if (types.length === 0) return { ok: false, message: `Together lists no LoRA or full training for ${l.model_name}.` };
  const methods: TrainingMethod[] = ['supervised'];
  if (dpoAllowed(types.includes('Lora') ? l.lora_training : undefined) || dpoAllowed(types.includes('Full') ? l.full_training : undefined)) methods.push('dpo');
  const batch = batchRange(l, types[0], 'supervised');
  const summary = [
    l.lora_training ? `LoRA r ≤ ${l.lora_training.max_rank}` : 'full training only',
    types.includes('Full') && types.includes('Lora') ? 'or full' : undefined,
    `≤ ${l.max_num_epochs} epochs`,
    batch ? `batch ${batch.min}–${batch.max}` : undefined,
    methods.includes('dpo') ? 'SFT + DPO' : 'SFT only',
  ]
    .filter(Boolean)
    .join(' · ');
  const rules: LaunchRules = { ...base, hyperparameters: hyperparameters(l, base, types), choices: trainingTypeChoice(base, types), crossCheck: crossCheck(l) };
  return { ok: true, value: { rules, methods, trainingTypes: types, summary } };
}

/** `fn` over `items` with at most `n` running at once, results in order. */
export async function mapLimited<T, R>(items: readonly T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}
