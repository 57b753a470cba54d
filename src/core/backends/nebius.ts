/**
 * Nebius Token Factory (formerly Nebius AI Studio) at https://api.tokenfactory.nebius.com/v1/: OpenAI's fine-tuning
 * paths and job states through the `openai` SDK (providers.md §1.5), with Nebius' own hyperparameters — an absolute
 * `learning_rate` instead of OpenAI's multiplier, and LoRA flags (`lora`, `lora_r`, `lora_alpha`, `lora_dropout`) —
 * sent under `hyperparameters`. Supervised training only.
 *
 * Serving: a finished job's result does not answer chat requests by itself. It is deployed as a custom model
 * (`POST /v0/models {source: "<job>:<checkpoint>", base_model, name}`), served serverless and billed per token
 * (no hosting fee); chat then names the deployed model, which `GET /models` lists. Socratune does not deploy on its own.
 */
import { OPENAI_API_CAPABILITIES, OpenAIShapeBackend, OpenAIShapeOptions } from './openaiShape';
import { normalizeModel } from './normalize';
import type { HyperparameterRule, LaunchRules } from './rules';
import type { BackendCapabilities, ChatTarget, ChatTargetInfo, JobCreateSpec, TunableModel } from './types';

export const NEBIUS_DEPLOY_DOC = 'https://docs.tokenfactory.nebius.com/post-training/how-to-fine-tune';

/** The rate Nebius uses when none is given: the "1×" when an OpenAI multiplier is translated. */
export const NEBIUS_DEFAULT_LEARNING_RATE = 1e-5;

const rule = (
  name: HyperparameterRule['name'],
  label: string,
  min: number,
  max: number,
  integer: boolean,
  hint: string,
  minExclusive = false,
): HyperparameterRule => ({ name, label, min, max, integer, hint, methods: ['supervised'], ...(minExclusive ? { minExclusive } : {}) });

/** Nebius' create-job reference: names, defaults and ranges. LoRA values apply only when the LoRA choice is taken. */
export const NEBIUS_RULES: LaunchRules = {
  hyperparameters: [
    rule('nEpochs', 'Epochs (n_epochs)', 1, 20, true, 'auto (Nebius: 3), or a whole number from 1 to 20'),
    rule('batchSize', 'Batch size (batch_size)', 8, 32, true, 'auto (Nebius: 8), or a whole number from 8 to 32'),
    rule('learningRate', 'Learning rate (absolute)', 0, 0.01, false, 'auto (Nebius: 0.00001), or an absolute rate above 0 and at most 0.01', true),
    rule('warmupRatio', 'Warm-up ratio (warmup_ratio)', 0, 1, false, 'auto (0), or a share of the steps from 0 to 1'),
    rule('loraRank', 'LoRA rank (lora_r)', 8, 128, true, 'auto (8), or a whole number from 8 to 128; LoRA only'),
    rule('loraAlpha', 'LoRA alpha (lora_alpha)', 8, 1024, true, 'auto (8), or a whole number of at least 8; LoRA only'),
    rule('loraDropout', 'LoRA dropout (lora_dropout)', 0, 0.99, false, 'auto (0), or a number from 0 to 0.99; LoRA only'),
  ],
  suffix: { maxLength: 40, pattern: /^[A-Za-z0-9_-]+$/, characters: 'letters, digits, "_" and "-"', modelIdShape: '<base>-<suffix>-<id>' },
  minExamples: 1,
  choices: [
    {
      field: 'lora',
      label: 'Training type',
      default: 'LoRA',
      options: [
        { value: 'LoRA', detail: 'a LoRA adapter (lora: true): cheaper; Llama 3.1 8B and 3.3 70B adapters deploy serverless' },
        { value: 'Full', detail: 'every weight (lora: false): only some bases, costs more; the LoRA values are not sent' },
      ],
    },
  ],
  cost: {
    kind: 'none',
    message:
      'Nebius prices training per token by model size, and serving a deployed fine-tune per token; Socratune has no table of its prices, so it cannot estimate the cost. See Nebius Token Factory pricing.',
  },
};

const auto = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Nebius' `hyperparameters` object for a spec (numbers only: `auto` leaves Nebius' default). */
export function nebiusHyperparameters(spec: JobCreateSpec): Record<string, number | boolean> {
  const h = spec.hyperparameters;
  const lora = spec.extraBody?.lora !== 'Full';
  const out: Record<string, number | boolean> = {};
  const set = (k: string, v: unknown) => {
    const n = auto(v);
    if (n !== undefined) out[k] = n;
  };
  set('n_epochs', h.nEpochs);
  set('batch_size', h.batchSize);
  set('learning_rate', h.learningRate);
  set('warmup_ratio', h.warmupRatio);
  out.lora = lora;
  if (lora) {
    set('lora_r', h.loraRank);
    set('lora_alpha', h.loraAlpha);
    set('lora_dropout', h.loraDropout);
  }
  return out;
}

export class NebiusBackend extends OpenAIShapeBackend {
  readonly kind = 'nebius' as const;
  readonly capabilities: BackendCapabilities = {
    ...OPENAI_API_CAPABILITIES,
    pauseResume: false,
    dpo: false,
    // Not in Nebius' create-job body: the local job manifest keeps the dataset facts.
    metadata: false,
    needsDeployment: true,
    deleteModels: false,
    openaiHyperparameters: false,
  };
  readonly launchRules: LaunchRules = NEBIUS_RULES;

  constructor(opts: OpenAIShapeOptions) {
    super(opts, 'Nebius Token Factory');
  }

  protected override createBody(spec: JobCreateSpec): Record<string, unknown> {
    const body: Record<string, unknown> = {
      model: spec.baseModel,
      training_file: spec.trainingFileId,
      hyperparameters: nebiusHyperparameters(spec),
      method: { type: 'supervised' },
    };
    if (spec.validationFileId) body.validation_file = spec.validationFileId;
    if (spec.suffix) body.suffix = spec.suffix;
    if (spec.seed !== undefined) body.seed = spec.seed;
    return body;
  }

  /** The server's base models (Nebius lists the ones it serves); fine-tuned and deployed custom models are left out. */
  async tunableModels(signal?: AbortSignal): Promise<TunableModel[]> {
    const raw = await this.rawModels(signal);
    const listed = (raw ?? []).map((r) => normalizeModel(r)).filter((m) => !m.fineTuned);
    if (listed.length === 0) return NEBIUS_TUNABLE.map((m) => ({ ...m, listed: false }));
    const rank = (id: string) => {
      const i = NEBIUS_TUNABLE.findIndex((m) => m.id === id);
      return i < 0 ? NEBIUS_TUNABLE.length : i;
    };
    return listed
      .map((m) => ({ id: m.id, label: NEBIUS_TUNABLE.find((t) => t.id === m.id)?.label ?? m.id, methods: ['supervised' as const], listed: true }))
      .sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
  }

  /**
   * What `GET /models` lists answers (base models, and fine-tunes once deployed under a name); a job's result or
   * checkpoint that has not been deployed does not.
   */
  chatTarget(modelId: string): ChatTarget {
    if (!isJobOutput(modelId)) return { ok: true, model: modelId };
    return {
      ok: false,
      reason: 'needs-deployment',
      message:
        `Nebius serves a fine-tune only once it is deployed as a custom model (serverless, billed per token, no hosting fee); "${modelId}" is not deployed. ` +
        `Deploy it in the Nebius Token Factory console (or POST /v0/models with source "<job id>:<checkpoint id>"), then choose the deployed model's name. ${NEBIUS_DEPLOY_DOC}`,
    };
  }

  /** As for every OpenAI-shaped backend, but a listed model is served: only job outputs missing from the list need deploying. */
  override async chatTargets(signal?: AbortSignal): Promise<ChatTargetInfo[]> {
    const listed = new Set((await this.listModels(signal)).map((m) => m.id));
    return (await super.chatTargets(signal)).map((t) => (listed.has(t.id) ? { ...t, target: { ok: true as const, model: t.id } } : t));
  }
}

/** Job results and checkpoints as the fine-tuning API names them (`ft:…`, `…:ckpt-step-N`, `ftckpt…`). */
function isJobOutput(id: string): boolean {
  return id.startsWith('ft:') || /ckpt/i.test(id);
}

/** Bases Nebius documents for fine-tuning (both LoRA-deployable serverless); the server's list wins when it answers. */
const NEBIUS_TUNABLE: readonly Omit<TunableModel, 'listed'>[] = [
  { id: 'meta-llama/Meta-Llama-3.1-8B-Instruct', label: 'Llama 3.1 8B Instruct (LoRA or full)', methods: ['supervised'] },
  { id: 'meta-llama/Llama-3.3-70B-Instruct', label: 'Llama 3.3 70B Instruct (LoRA)', methods: ['supervised'] },
];
