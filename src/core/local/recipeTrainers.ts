/**
 * Per-trainer recipe files. Every config key written here is one the tool documents (the unit tests keep the lists and
 * their sources): MLX-LM `mlx_lm/lora.py` CONFIG_DEFAULTS, Axolotl `docs/config-reference.qmd` +
 * `docs/dataset-formats/conversation.qmd`, TRL `SFTConfig` / transformers `TrainingArguments` + peft `LoraConfig`,
 * Unsloth `unsloth_cli/config.py`.
 */
import { stringify, type ScalarTag } from 'yaml';
import { RecipeError, type LocalHyperparameters, type RecipeFile, type RecipeInput } from './recipe';

export interface TrainerFiles {
  files: RecipeFile[];
  command: string;
  totalSteps: number;
  notes: string[];
  /** Where the trained adapter ends up, relative to the run folder. */
  adapterDir: string;
}

/**
 * Floats as PyYAML (YAML 1.1) reads them as floats: `1e-05` without a dot is a *string* to `yaml.safe_load`, so
 * exponents always get a mantissa with a dot (`1.0e-05`) and a signed exponent.
 */
export function pyYamlFloat(n: number): string {
  if (Number.isInteger(n)) return `${n}.0`;
  const s = String(n);
  if (!s.includes('e')) return s;
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}e${exp.startsWith('-') || exp.startsWith('+') ? exp : `+${exp}`}`;
}

const floatTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  default: true,
  // yaml prefers tags with a `test` when several identify a value; ours must win over the core float tags.
  test: /^[-+]?(?:\d+\.\d*|\.\d+)(?:e[-+]\d+)?$/i,
  identify: (v) => typeof v === 'number' && !Number.isInteger(v),
  resolve: (s) => Number(s),
  stringify: ({ value }) => pyYamlFloat(value as number),
};

export function toYaml(value: unknown, header: string): string {
  return `${header
    .split('\n')
    .map((l) => `# ${l}`.trimEnd())
    .join('\n')}\n${stringify(value, { customTags: (tags) => [floatTag, ...tags], lineWidth: 0 })}`;
}

const MLX_NOTE_MASK = 'MLX-LM --mask-prompt trains on the final assistant message only: in a multi-turn example the earlier assistant turns are not trained.';
const WEIGHT_NOTE = 'OpenAI per-message "weight" fields are ignored by this trainer: every assistant turn it trains on counts.';

function hfSteps(examples: number, h: LocalHyperparameters): number {
  return Math.ceil(Math.ceil(examples / h.batchSize) / (h.gradientAccumulation ?? 1)) * h.epochs;
}

function mlx(input: RecipeInput, examples: number): TrainerFiles {
  const h = input.hyperparameters;
  if (input.validationJsonl === undefined || input.validationJsonl.trim() === '')
    throw new RecipeError('MLX-LM needs a validation set (data/valid.jsonl) to train: split the dataset first (Socratune: Split Dataset…).');
  const iters = Math.ceil((examples * h.epochs) / h.batchSize);
  const config = {
    model: input.baseModel,
    train: true,
    fine_tune_type: 'lora',
    data: 'data',
    seed: 0,
    num_layers: h.numLayers ?? 16,
    batch_size: h.batchSize,
    iters,
    val_batches: -1,
    learning_rate: h.learningRate,
    steps_per_report: Math.max(1, Math.min(10, Math.floor(iters / 20))),
    steps_per_eval: Math.max(1, Math.min(200, Math.ceil(iters / 5))),
    adapter_path: 'adapters',
    max_seq_length: h.maxSeqLength,
    grad_checkpoint: true,
    mask_prompt: h.assistantOnly,
    lora_parameters: { rank: h.loraRank, alpha: h.loraAlpha, dropout: h.loraDropout, scale: h.loraAlpha / h.loraRank },
  };
  const header = `MLX-LM LoRA config for Socratune run "${input.name}" (mlx_lm.lora -c lora_config.yaml).\niters = ceil(${examples} examples × ${h.epochs} epochs / batch ${h.batchSize}) = ${iters}; scale = alpha / rank.`;
  return {
    files: [{ path: 'lora_config.yaml', content: toYaml(config, header) }],
    command: 'mlx_lm.lora --config lora_config.yaml',
    totalSteps: iters,
    notes: [...(h.assistantOnly ? [MLX_NOTE_MASK] : []), WEIGHT_NOTE],
    adapterDir: 'adapters',
  };
}

function axolotl(input: RecipeInput, examples: number): TrainerFiles {
  const h = input.hyperparameters;
  const dataset = (path: string) => ({
    path,
    ds_type: 'json',
    ...(path.includes('valid') ? { split: 'train' } : {}),
    type: 'chat_template',
    field_messages: 'messages',
    roles_to_train: h.assistantOnly ? ['assistant'] : ['user', 'assistant'],
    train_on_eos: 'turn',
  });
  const hasValid = input.validationJsonl !== undefined && input.validationJsonl.trim() !== '';
  const config = {
    base_model: input.baseModel,
    chat_template: 'tokenizer_default',
    datasets: [dataset('data/train.jsonl')],
    ...(hasValid ? { test_datasets: [dataset('data/valid.jsonl')] } : { val_set_size: 0 }),
    adapter: 'lora',
    lora_r: h.loraRank,
    lora_alpha: h.loraAlpha,
    lora_dropout: h.loraDropout,
    lora_target_linear: true,
    sequence_len: h.maxSeqLength,
    micro_batch_size: h.batchSize,
    gradient_accumulation_steps: h.gradientAccumulation ?? 1,
    num_epochs: h.epochs,
    learning_rate: h.learningRate,
    train_on_inputs: !h.assistantOnly,
    logging_steps: 1,
    output_dir: './outputs',
  };
  return {
    files: [{ path: 'axolotl.yaml', content: toYaml(config, `Axolotl LoRA config for Socratune run "${input.name}" (axolotl train axolotl.yaml).`) }],
    command: 'axolotl train axolotl.yaml',
    totalSteps: hfSteps(examples, h),
    notes: [WEIGHT_NOTE],
    adapterDir: 'outputs',
  };
}

// One string per line (not a template literal): a bundled line starting with `import` would look like ESM to the
// build's CommonJS check (test/unit/build/split.test.ts).
const TRL_SCRIPT = [
  '"""Socratune: TRL SFT with a LoRA adapter, configured by sft.yaml (run by run.sh). Needs trl>=0.20, peft, datasets."""',
  'import yaml',
  'from datasets import load_dataset',
  'from peft import LoraConfig',
  'from trl import SFTConfig, SFTTrainer',
  '',
  'with open("sft.yaml", encoding="utf-8") as f:',
  '    cfg = yaml.safe_load(f)',
  '',
  'files = {"train": cfg["train_file"]}',
  'if cfg.get("eval_file"):',
  '    files["validation"] = cfg["eval_file"]',
  'data = load_dataset("json", data_files=files)',
  '',
  'trainer = SFTTrainer(',
  '    model=cfg["model_name_or_path"],',
  '    args=SFTConfig(**cfg["sft"]),',
  '    train_dataset=data["train"],',
  '    eval_dataset=data.get("validation"),',
  '    peft_config=LoraConfig(**cfg["lora"]),',
  ')',
  'trainer.train()',
  'trainer.save_model(cfg["sft"]["output_dir"])',
  '',
].join('\n');

function trl(input: RecipeInput, examples: number): TrainerFiles {
  const h = input.hyperparameters;
  const hasValid = input.validationJsonl !== undefined && input.validationJsonl.trim() !== '';
  const config = {
    model_name_or_path: input.baseModel,
    train_file: 'data/train.jsonl',
    eval_file: hasValid ? 'data/valid.jsonl' : null,
    sft: {
      output_dir: 'outputs',
      num_train_epochs: h.epochs,
      per_device_train_batch_size: h.batchSize,
      gradient_accumulation_steps: h.gradientAccumulation ?? 1,
      learning_rate: h.learningRate,
      max_length: h.maxSeqLength,
      assistant_only_loss: h.assistantOnly,
      logging_steps: 1,
      eval_strategy: hasValid ? 'epoch' : 'no',
      save_strategy: 'epoch',
      report_to: 'none',
    },
    lora: { r: h.loraRank, lora_alpha: h.loraAlpha, lora_dropout: h.loraDropout, target_modules: 'all-linear', task_type: 'CAUSAL_LM' },
  };
  return {
    files: [
      { path: 'sft.yaml', content: toYaml(config, `TRL SFT + LoRA config for Socratune run "${input.name}" (read by train_trl.py).`) },
      { path: 'train_trl.py', content: TRL_SCRIPT },
    ],
    command: 'python train_trl.py',
    totalSteps: hfSteps(examples, h),
    notes: [
      ...(h.assistantOnly
        ? ['TRL assistant_only_loss needs TRL ≥ 0.20 and a chat template with generation markers ({% generation %}); without them TRL stops with an error.']
        : []),
      WEIGHT_NOTE,
    ],
    adapterDir: 'outputs',
  };
}

function unsloth(input: RecipeInput, examples: number): TrainerFiles {
  const h = input.hyperparameters;
  const config = {
    model: input.baseModel,
    data: { local_dataset: ['data/train.jsonl'], format_type: 'chatml' },
    training: {
      training_type: 'lora',
      max_seq_length: h.maxSeqLength,
      output_dir: 'outputs',
      num_epochs: h.epochs,
      learning_rate: h.learningRate,
      batch_size: h.batchSize,
      gradient_accumulation_steps: h.gradientAccumulation ?? 1,
      train_on_completions: h.assistantOnly,
    },
    lora: { lora_r: h.loraRank, lora_alpha: h.loraAlpha, lora_dropout: h.loraDropout },
  };
  const hasValid = input.validationJsonl !== undefined && input.validationJsonl.trim() !== '';
  return {
    files: [{ path: 'unsloth.yaml', content: toYaml(config, `Unsloth CLI config for Socratune run "${input.name}" (unsloth train --config unsloth.yaml).`) }],
    command: 'unsloth train --config unsloth.yaml',
    totalSteps: hfSteps(examples, h),
    notes: [...(hasValid ? ['unsloth train has no validation-set key: data/valid.jsonl is written but not used (no validation loss).'] : []), WEIGHT_NOTE],
    adapterDir: 'outputs',
  };
}

export function trainerFiles(input: RecipeInput, examples: number): TrainerFiles {
  switch (input.trainer) {
    case 'mlx':
      return mlx(input, examples);
    case 'axolotl':
      return axolotl(input, examples);
    case 'trl':
      return trl(input, examples);
    case 'unsloth':
      return unsloth(input, examples);
  }
}
