/** Recipe generation: each trainer's config parses, uses only keys its tool documents, and maps the hyperparameters. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import {
  DEFAULT_LOCAL_HYPERPARAMETERS,
  RecipeError,
  buildRecipe,
  formatLocalHyperparameters,
  parseLocalHyperparameters,
  type LocalTrainer,
  type Recipe,
  type RecipeInput,
} from '../../../src/core/local/recipe';
import { pyYamlFloat } from '../../../src/core/local/recipeTrainers';

// ── Documented keys, with where they are documented ────────────────────────────────────────────────────────────────
/** ml-explore/mlx-lm `mlx_lm/lora.py` CONFIG_DEFAULTS (commit 0304b28), the keys `-c config.yaml` may set. */
const MLX_KEYS = [
  'model',
  'train',
  'fine_tune_type',
  'optimizer',
  'optimizer_config',
  'data',
  'seed',
  'num_layers',
  'batch_size',
  'iters',
  'val_batches',
  'learning_rate',
  'steps_per_report',
  'steps_per_eval',
  'resume_adapter_file',
  'adapter_path',
  'save_every',
  'test',
  'test_batches',
  'max_seq_length',
  'config',
  'grad_checkpoint',
  'lr_schedule',
  'lora_parameters',
  'mask_prompt',
  'wandb',
];
/** Same file: `lora_parameters` defaults {rank, alpha, dropout, scale}; `keys` from mlx_lm/examples/lora_config.yaml. */
const MLX_LORA_KEYS = ['rank', 'alpha', 'dropout', 'scale', 'keys'];
/** axolotl-ai-cloud/axolotl `docs/config-reference.qmd` (commit 29468bf). */
const AXOLOTL_KEYS = [
  'base_model',
  'chat_template',
  'datasets',
  'test_datasets',
  'val_set_size',
  'adapter',
  'lora_r',
  'lora_alpha',
  'lora_dropout',
  'lora_target_linear',
  'sequence_len',
  'micro_batch_size',
  'gradient_accumulation_steps',
  'num_epochs',
  'learning_rate',
  'train_on_inputs',
  'logging_steps',
  'output_dir',
];
/**
 * Dataset entries: `docs/dataset-formats/conversation.qmd` (path, type: chat_template, field_messages, roles_to_train,
 * train_on_eos) and /work/shared/reference/local-training.md (ds_type: json). `split` is the dataset-entry field for the
 * split of a loaded file (a local JSON file has only "train"); it is not on those two pages.
 */
const AXOLOTL_DATASET_KEYS = ['path', 'ds_type', 'split', 'type', 'field_messages', 'roles_to_train', 'train_on_eos'];
/** huggingface/trl `trl/trainer/sft_config.py` (max_length; assistant_only_loss from TRL 0.20) + transformers TrainingArguments. */
const TRL_SFT_KEYS = [
  'output_dir',
  'num_train_epochs',
  'per_device_train_batch_size',
  'gradient_accumulation_steps',
  'learning_rate',
  'max_length',
  'assistant_only_loss',
  'logging_steps',
  'eval_strategy',
  'save_strategy',
  'report_to',
];
/** huggingface/peft LoraConfig. */
const PEFT_LORA_KEYS = ['r', 'lora_alpha', 'lora_dropout', 'target_modules', 'task_type'];
/** unslothai/unsloth `unsloth_cli/config.py` (commit 77b9851): Config sections and their fields. */
const UNSLOTH_KEYS = {
  top: ['model', 'data', 'training', 'lora', 'logging'],
  data: ['dataset', 'local_dataset', 'format_type'],
  training: [
    'training_type',
    'max_seq_length',
    'load_in_4bit',
    'output_dir',
    'num_epochs',
    'learning_rate',
    'batch_size',
    'gradient_accumulation_steps',
    'warmup_steps',
    'max_steps',
    'save_steps',
    'weight_decay',
    'random_seed',
    'packing',
    'train_on_completions',
    'gradient_checkpointing',
  ],
  lora: ['lora_r', 'lora_alpha', 'lora_dropout', 'target_modules', 'use_rslora'],
};

const EX = JSON.stringify({
  messages: [
    { role: 'system', content: 'You are my journal.' },
    { role: 'user', content: 'q' },
    { role: 'assistant', content: 'a' },
  ],
});
const lines = (n: number) => Array.from({ length: n }, () => EX).join('\n') + '\n';

function recipe(trainer: LocalTrainer, over: Partial<RecipeInput> = {}): Recipe {
  return buildRecipe({
    name: 'journal-1',
    trainer,
    baseModel: 'Qwen/Qwen2.5-0.5B-Instruct',
    trainJsonl: lines(50),
    validationJsonl: lines(5),
    systemPrompt: 'You are my journal.',
    datasetName: 'journal',
    hyperparameters: {
      ...DEFAULT_LOCAL_HYPERPARAMETERS,
      epochs: 3,
      batchSize: 4,
      learningRate: 2e-5,
      loraRank: 8,
      loraAlpha: 16,
      loraDropout: 0.1,
      maxSeqLength: 1024,
    },
    ...over,
  });
}
const file = (r: Recipe, name: string): string => {
  const f = r.files.find((x) => x.path === `${r.dir}/${name}`);
  assert.ok(f, `${name} in ${r.files.map((x) => x.path).join(', ')}`);
  return f.content;
};
/** Parse as YAML 1.1, like PyYAML's safe_load. */
const yaml11 = (text: string) => parse(text, { version: '1.1' }) as Record<string, unknown>;
const keysWithin = (obj: object, allowed: string[], where: string) => {
  for (const k of Object.keys(obj)) assert.ok(allowed.includes(k), `${where}: "${k}" is not a documented key`);
};
const PY_FLOAT = /^[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?$/; // PyYAML's YAML 1.1 float resolver

describe('local recipes', () => {
  it('MLX-LM: documented keys only; iters from epochs; scale = alpha / rank; mask_prompt for assistant-only', () => {
    const r = recipe('mlx');
    const c = yaml11(file(r, 'lora_config.yaml'));
    keysWithin(c, MLX_KEYS, 'mlx');
    keysWithin(c.lora_parameters as object, MLX_LORA_KEYS, 'mlx lora_parameters');
    assert.equal(c.iters, Math.ceil((50 * 3) / 4));
    assert.equal(r.totalSteps, 38);
    assert.deepEqual(c.lora_parameters, { rank: 8, alpha: 16, dropout: 0.1, scale: 2 });
    assert.equal(c.learning_rate, 2e-5);
    assert.equal(c.batch_size, 4);
    assert.equal(c.max_seq_length, 1024);
    assert.equal(c.mask_prompt, true);
    assert.equal(c.train, true);
    assert.equal(c.data, 'data');
    assert.equal(c.fine_tune_type, 'lora');
    assert.equal(c.adapter_path, 'adapters');
    assert.equal(r.command, 'mlx_lm.lora --config lora_config.yaml');
    assert.ok(r.notes.some((n) => /final assistant message only/.test(n)));
    // MLX-LM reads the folder's train.jsonl / valid.jsonl in chat format as is.
    assert.equal(file(r, 'data/train.jsonl'), lines(50));
    assert.equal(file(r, 'data/valid.jsonl'), lines(5));
  });

  it('MLX-LM refuses without a validation set (it cannot train without valid.jsonl), with the way out', () => {
    assert.throws(
      () => recipe('mlx', { validationJsonl: undefined }),
      (e: unknown) => e instanceof RecipeError && /needs a validation set.*Split Dataset/.test(e.message),
    );
  });

  it('Axolotl: documented keys only; chat_template dataset, roles_to_train assistant, train_on_inputs false', () => {
    const r = recipe('axolotl', { hyperparameters: { ...DEFAULT_LOCAL_HYPERPARAMETERS, gradientAccumulation: 2, batchSize: 5 } });
    const c = yaml11(file(r, 'axolotl.yaml'));
    keysWithin(c, AXOLOTL_KEYS, 'axolotl');
    for (const d of [...(c.datasets as object[]), ...(c.test_datasets as object[])]) keysWithin(d, AXOLOTL_DATASET_KEYS, 'axolotl dataset');
    assert.deepEqual(c.datasets, [
      { path: 'data/train.jsonl', ds_type: 'json', type: 'chat_template', field_messages: 'messages', roles_to_train: ['assistant'], train_on_eos: 'turn' },
    ]);
    assert.equal((c.test_datasets as Array<Record<string, unknown>>)[0]!.path, 'data/valid.jsonl');
    assert.equal(c.adapter, 'lora');
    assert.equal(c.lora_target_linear, true);
    assert.equal(c.train_on_inputs, false);
    assert.deepEqual([c.lora_r, c.lora_alpha, c.lora_dropout], [16, 32, 0.05]);
    assert.deepEqual([c.micro_batch_size, c.gradient_accumulation_steps, c.num_epochs, c.sequence_len], [5, 2, 3, 2048]);
    assert.equal(c.learning_rate, 1e-4);
    assert.equal(r.totalSteps, Math.ceil(50 / 5 / 2) * 3);
    assert.equal(r.command, 'axolotl train axolotl.yaml');
  });

  it('Axolotl without a validation set: val_set_size 0, no test_datasets; all roles when not assistant-only', () => {
    const c = yaml11(
      file(recipe('axolotl', { validationJsonl: undefined, hyperparameters: { ...DEFAULT_LOCAL_HYPERPARAMETERS, assistantOnly: false } }), 'axolotl.yaml'),
    );
    assert.equal(c.val_set_size, 0);
    assert.equal(c.test_datasets, undefined);
    assert.equal(c.train_on_inputs, true);
    assert.deepEqual((c.datasets as Array<Record<string, unknown>>)[0]!.roles_to_train, ['user', 'assistant']);
  });

  it('TRL: SFTConfig / TrainingArguments / LoraConfig keys only; the script reads sft.yaml and is valid Python', () => {
    const r = recipe('trl');
    const c = yaml11(file(r, 'sft.yaml'));
    keysWithin(c, ['model_name_or_path', 'train_file', 'eval_file', 'sft', 'lora'], 'trl top (read by train_trl.py)');
    keysWithin(c.sft as object, TRL_SFT_KEYS, 'trl sft');
    keysWithin(c.lora as object, PEFT_LORA_KEYS, 'peft lora');
    assert.deepEqual(c.lora, { r: 8, lora_alpha: 16, lora_dropout: 0.1, target_modules: 'all-linear', task_type: 'CAUSAL_LM' });
    const sft = c.sft as Record<string, unknown>;
    assert.deepEqual(
      [sft.num_train_epochs, sft.per_device_train_batch_size, sft.learning_rate, sft.max_length, sft.assistant_only_loss],
      [3, 4, 2e-5, 1024, true],
    );
    assert.equal(sft.eval_strategy, 'epoch');
    const script = file(r, 'train_trl.py');
    for (const k of ['model_name_or_path', 'train_file', 'eval_file', 'sft', 'lora']) assert.match(script, new RegExp(`cfg(?:\\.get\\()?\\[?"${k}"`));
    const dir = mkdtempSync(path.join(tmpdir(), 'socratune-trl-'));
    try {
      writeFileSync(path.join(dir, 'train_trl.py'), script);
      const py = spawnSync('python3', ['-c', 'import ast,sys; ast.parse(open(sys.argv[1]).read())', path.join(dir, 'train_trl.py')], { encoding: 'utf8' });
      assert.equal(py.status, 0, py.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Unsloth: unsloth_cli Config sections and fields only; chatml local dataset; train_on_completions', () => {
    const r = recipe('unsloth');
    const c = yaml11(file(r, 'unsloth.yaml'));
    keysWithin(c, UNSLOTH_KEYS.top, 'unsloth');
    keysWithin(c.data as object, UNSLOTH_KEYS.data, 'unsloth data');
    keysWithin(c.training as object, UNSLOTH_KEYS.training, 'unsloth training');
    keysWithin(c.lora as object, UNSLOTH_KEYS.lora, 'unsloth lora');
    assert.deepEqual(c.data, { local_dataset: ['data/train.jsonl'], format_type: 'chatml' });
    assert.equal((c.training as Record<string, unknown>).train_on_completions, true);
    assert.equal(r.command, 'unsloth train --config unsloth.yaml');
    assert.ok(r.notes.some((n) => /no validation-set key/.test(n)));
  });

  for (const trainer of ['mlx', 'axolotl', 'trl', 'unsloth'] as const) {
    it(`${trainer}: every file under .socratune/runs/<name>/, run.sh valid bash that tees train.log, prompt and recipe.json recorded`, () => {
      const r = recipe(trainer);
      assert.equal(r.dir, '.socratune/runs/journal-1');
      for (const f of r.files) assert.ok(f.path.startsWith('.socratune/runs/journal-1/'), f.path);
      const sh = r.files.find((f) => f.path.endsWith('/run.sh'))!;
      assert.equal(sh.executable, true);
      assert.match(sh.content, /^#!\/usr\/bin\/env bash\n/);
      assert.match(sh.content, /set -euo pipefail/);
      assert.ok(sh.content.includes(`${r.command} 2>&1 | tee -a train.log`));
      const bash = spawnSync('bash', ['-n'], { input: sh.content, encoding: 'utf8' });
      assert.equal(bash.status, 0, bash.stderr);
      assert.equal(file(r, 'system_prompt.txt'), 'You are my journal.');
      const m = JSON.parse(file(r, 'recipe.json')) as Record<string, unknown>;
      assert.equal(m.systemPrompt, 'You are my journal.');
      assert.equal(m.trainer, trainer);
      assert.equal(m.examples, 50);
      assert.equal(m.totalSteps, r.totalSteps);
      for (const f of r.files.filter((x) => x.path.endsWith('.yaml'))) {
        for (const v of f.content.matchAll(/:\s([-+]?[\d.]+e[-+]?\d+)\s*$/gim)) assert.match(v[1]!, PY_FLOAT, `${f.path}: ${v[1]} would be a string to PyYAML`);
      }
    });
  }

  it('small learning rates are written so PyYAML reads a float (1e-07 without a dot is a string there)', () => {
    assert.equal(pyYamlFloat(1e-7), '1.0e-7');
    assert.equal(pyYamlFloat(1.5e-12), '1.5e-12');
    assert.equal(pyYamlFloat(0.0002), '0.0002');
    const c = file(recipe('axolotl', { hyperparameters: { ...DEFAULT_LOCAL_HYPERPARAMETERS, learningRate: 5e-7 } }), 'axolotl.yaml');
    assert.match(c, /^learning_rate: 5\.0e-7$/m);
    assert.match('5.0e-7', PY_FLOAT);
  });

  it('bad input gets a clear message and no files', () => {
    const bad: Array<[Partial<RecipeInput>, RegExp]> = [
      [{ name: '../x' }, /Run name/],
      [{ baseModel: ' ' }, /base model/],
      [{ trainJsonl: '\n' }, /empty/],
      [{ trainJsonl: lines(2) }, /fewer than the batch size 4/],
      [{ hyperparameters: { ...DEFAULT_LOCAL_HYPERPARAMETERS, epochs: 0 } }, /Epochs/],
      [{ hyperparameters: { ...DEFAULT_LOCAL_HYPERPARAMETERS, learningRate: 2 } }, /Learning rate/],
      [{ hyperparameters: { ...DEFAULT_LOCAL_HYPERPARAMETERS, loraDropout: 1 } }, /dropout/],
    ];
    for (const [over, re] of bad)
      assert.throws(
        () => recipe('axolotl', over),
        (e: unknown) => e instanceof RecipeError && re.test(e.message),
        JSON.stringify(over),
      );
  });
});

describe('local hyperparameters as one editable line (Export Local Recipe asks it)', () => {
  it('formats the defaults and reads them back; keys left out keep the defaults', () => {
    const line = formatLocalHyperparameters(DEFAULT_LOCAL_HYPERPARAMETERS);
    assert.equal(line, 'epochs=3 batch=4 lr=0.0001 rank=16 alpha=32 dropout=0.05 maxlen=2048 assistant-only=yes');
    assert.deepEqual(parseLocalHyperparameters(line), DEFAULT_LOCAL_HYPERPARAMETERS);
    assert.deepEqual(parseLocalHyperparameters('epochs=5, rank=8 alpha=16 assistant-only=no lr=2e-4'), {
      ...DEFAULT_LOCAL_HYPERPARAMETERS,
      epochs: 5,
      loraRank: 8,
      loraAlpha: 16,
      assistantOnly: false,
      learningRate: 0.0002,
    });
  });

  it('refuses unknown keys, non-numbers and a yes/no that is neither; the parsed values reach the MLX iterations', () => {
    assert.throws(() => parseLocalHyperparameters('epochs=3 warmup=10'), /"warmup=10" is not one of epochs, batch, lr/);
    assert.throws(() => parseLocalHyperparameters('batch=four'), /batch needs a number, got "four"/);
    assert.throws(() => parseLocalHyperparameters('assistant-only=maybe'), /assistant-only is yes or no/);
    const h = parseLocalHyperparameters('epochs=2 batch=2');
    const jsonl = Array.from({ length: 10 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `q${i}` },
          { role: 'assistant', content: `a${i}` },
        ],
      }),
    ).join('\n');
    const r = buildRecipe({ name: 'hp', trainer: 'mlx', baseModel: 'm', trainJsonl: jsonl, validationJsonl: jsonl, hyperparameters: h });
    assert.equal(r.totalSteps, 10);
    assert.throws(
      () =>
        buildRecipe({
          name: 'hp',
          trainer: 'mlx',
          baseModel: 'm',
          trainJsonl: jsonl,
          validationJsonl: jsonl,
          hyperparameters: parseLocalHyperparameters('epochs=0'),
        }),
      /Epochs must be a whole number ≥ 1/,
    );
  });
});
