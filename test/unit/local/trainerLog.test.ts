/** The trainer-log parser on real log excerpts (test/fixtures/trainer-logs/README.md names each one's source). */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { TrainerLogParser, parseTrainerLog, type TrainerLogResult } from '../../../src/core/local/trainerLog';

const dir = path.join(__dirname, '../../fixtures/trainer-logs');
const fixture = (name: string): string => readFileSync(path.join(dir, name), 'utf8');
const parse = (name: string, format: 'mlx' | 'hf' | 'auto' = 'auto'): TrainerLogResult => parseTrainerLog(fixture(name), format);
const pts = (steps: number[], losses: number[]) => steps.map((step, i) => ({ step, loss: losses[i]! }));
const ord = (steps: number[], losses: number[]) => steps.map((step, i) => ({ step, loss: losses[i]!, ordinal: true as const }));

describe('trainer log parser: MLX-LM', () => {
  it('mlx-lm #330: train, val and learning-rate points at the reported iterations; tqdm lines ignored', () => {
    const r = parse('mlx-lm-330-cuda.log');
    assert.equal(r.format, 'mlx');
    assert.deepEqual(r.train, pts([10, 20, 30, 40, 50], [2.662, 2.101, 1.781, 1.505, 1.585]));
    assert.deepEqual(r.eval, pts([1], [2.936]));
    assert.deepEqual(
      r.lr,
      [10, 20, 30, 40, 50].map((step) => ({ step, lr: 1e-5 })),
    );
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.progress, { total: 100, step: 50 });
  });

  it('mlx-examples #557: "Saved adapter weights" lines are not points', () => {
    const r = parse('mlx-examples-557-mixtral.log');
    assert.deepEqual(r.train, pts([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110], [2.363, 1.508, 1.252, 1.372, 1.1, 1.113, 1.214, 0.996, 1.062, 1.111, 1.188]));
    assert.deepEqual(r.eval, pts([1], [2.48]));
    assert.equal(r.lr.length, 11);
    assert.deepEqual(r.progress, { total: 3000, step: 110 });
  });

  it('mlx-examples #210: the older wording without a learning rate gives no lr points', () => {
    const r = parse('mlx-examples-210-old-format.log');
    assert.deepEqual(r.train, pts([10, 20, 30, 40, 50], [3.608, 3.508, 3.524, 3.352, 3.298]));
    assert.deepEqual(r.eval, pts([1], [2.612]));
    assert.deepEqual(r.lr, []);
  });

  it('mlx-examples #620: warnings before training; steps every 25', () => {
    const r = parse('mlx-examples-620-config-run.log');
    assert.deepEqual(r.train, pts([25, 50], [8.108, 6.509]));
    assert.deepEqual(r.lr, [
      { step: 25, lr: 7e-5 },
      { step: 50, lr: 7e-5 },
    ]);
    assert.deepEqual(r.eval, pts([1], [2.381]));
  });

  it('mlx-examples #841: a crash pasted without its Traceback header is reported with its lines', () => {
    const r = parse('mlx-examples-841-resume-crash.log');
    assert.equal(r.format, null);
    assert.deepEqual(r.train, []);
    assert.equal(r.problems.length, 1);
    const [p] = r.problems;
    assert.equal(p!.kind, 'crash');
    assert.equal(p!.line, 1);
    assert.equal(p!.message, "NameError: name 'resume_adapter_file' is not defined");
    assert.equal(p!.lines.length, 4);
    assert.match(p!.lines[0]!, /mlx_lm\/lora\.py", line 173, in train_model/);
  });

  it('a resumed run (one real log after another): every point kept as reported, the restart reported with its line', () => {
    const text = fixture('mlx-examples-620-config-run.log') + fixture('mlx-lm-330-cuda.log');
    const r = parseTrainerLog(text);
    assert.deepEqual(
      r.train.map((p) => p.step),
      [25, 50, 10, 20, 30, 40, 50],
    );
    const restarts = r.problems.filter((p) => p.kind === 'restart');
    assert.equal(restarts.length, 1, JSON.stringify(r.problems));
    assert.equal(restarts[0]!.line, 13 + 7);
    assert.equal(restarts[0]!.lines[0], 'Starting training..., iters: 100');
    assert.equal(restarts[0]!.step, 50);
    assert.match(restarts[0]!.message, /started again/);
    assert.equal(r.progress?.total, 100);
  });

  it('steps going back without a new "Starting training" line are a restart too', () => {
    const r = parseTrainerLog(fixture('mlx-examples-210-old-format.log') + fixture('mlx-examples-210-old-format.log'));
    assert.equal(r.train.length, 10);
    const restarts = r.problems.filter((p) => p.kind === 'restart');
    assert.deepEqual(
      restarts.map((p) => [p.line, p.step]),
      [[8, 50]],
    );
    assert.match(restarts[0]!.message, /went back from 50 to 10/);
  });

  it('reports a nan train loss with its line and never makes it a point', () => {
    const log = [
      'Iter 190: Train loss 1.250, Learning Rate 1.000e-05, It/sec 0.5',
      'Iter 200: Train loss nan, Learning Rate 1.000e-05, It/sec 0.5',
      'Iter 200: Val loss nan, Val took 1.0s',
      'Iter 210: Train loss nan, Learning Rate 1.000e-05, It/sec 0.5',
    ].join('\n');
    const r = parseTrainerLog(log);
    assert.deepEqual(r.train, pts([190], [1.25]));
    assert.deepEqual(r.eval, []);
    assert.deepEqual(
      r.problems.map((p) => [p.kind, p.field, p.line, p.step, p.count]),
      [
        ['nan', 'loss', 2, 200, 2],
        ['nan', 'val_loss', 3, 200, 1],
      ],
    );
    assert.equal(r.problems[0]!.lines[0], 'Iter 200: Train loss nan, Learning Rate 1.000e-05, It/sec 0.5');
  });
});

describe('trainer log parser: Hugging Face Trainer dicts', () => {
  it('axolotl #592: dicts between tqdm bars; no step printed, so ordinal steps flagged', () => {
    const r = parse('hf-axolotl-592-tqdm.log');
    assert.equal(r.format, 'hf');
    assert.deepEqual(r.train, ord([1], [1.8218]));
    assert.deepEqual(r.eval, ord([0], [1.7152758836746216]));
    assert.deepEqual(r.lr, [{ step: 1, lr: 0.00019606025492468137, ordinal: true }]);
  });

  it('the same log as a terminal writes it (bars redrawn with \\r, no newline between them) parses the same', () => {
    const crText = fixture('hf-axolotl-592-tqdm.log').replace(/\n+(?= +\d+%\|)/g, '\r');
    assert.ok(crText.includes('\r'));
    const r = parseTrainerLog(crText);
    const plain = parse('hf-axolotl-592-tqdm.log');
    assert.deepEqual([r.train, r.eval, r.lr], [plain.train, plain.eval, plain.lr]);
  });

  it('axolotl #3148: timestamped INFO prefixes; an eval before any loss line is at ordinal step 0', () => {
    const r = parse('hf-axolotl-3148-eval-first.log');
    assert.deepEqual(r.eval, ord([0], [1.3642939329147339]));
    assert.deepEqual(r.train, []);
  });

  it('Qwen-VL-Series-Finetune #10: grad_norm nan keeps the (finite) loss points and is reported once with a count', () => {
    const r = parse('hf-qwenvl-10-gradnorm-nan.log');
    assert.deepEqual(r.train, ord([1, 2], [1.0446, 0]));
    assert.deepEqual(r.lr, [
      { step: 1, lr: 1.4925373134328357e-8, ordinal: true },
      { step: 2, lr: 2.9850746268656714e-8, ordinal: true },
    ]);
    assert.equal(r.problems.length, 1);
    assert.deepEqual([r.problems[0]!.kind, r.problems[0]!.field, r.problems[0]!.line, r.problems[0]!.count], ['nan', 'grad_norm', 3, 2]);
  });

  it('Vicuna-LoRA-RLHF #11: inf then nan loss are problems, not points; their learning rates stay', () => {
    const r = parse('hf-vicuna-11-inf-nan.log');
    assert.deepEqual(r.train, ord([1], [240023.775]));
    assert.deepEqual(
      r.lr.map((p) => p.step),
      [1, 2, 3],
    );
    assert.deepEqual(
      r.problems.map((p) => [p.kind, p.field, p.step, p.line]),
      [
        ['inf', 'loss', 2, 2],
        ['nan', 'loss', 3, 3],
      ],
    );
  });

  it('unsloth #4547 (Studio): values printed as strings and per-step train_runtime; warnings after a bar on the same line', () => {
    const r = parse('hf-unsloth-4547-studio.log');
    assert.deepEqual(r.train, ord([1, 2], [14.88, 14.64]));
    assert.deepEqual(r.lr, [
      { step: 1, lr: 0.000156, ordinal: true },
      { step: 2, lr: 0.000144, ordinal: true },
    ]);
    assert.equal(r.summary, undefined);
  });

  it('LLaMA-Factory #4026: total steps from the Trainer banner, the traceback after the bar reported', () => {
    const r = parse('hf-llamafactory-4026-traceback.log');
    assert.deepEqual(r.train, []);
    assert.deepEqual(r.progress, { total: 30, step: 0 });
    const [p] = r.problems;
    assert.equal(r.problems.length, 1);
    assert.equal(p!.kind, 'crash');
    assert.equal(p!.line, 9);
    assert.equal(p!.lines[0], 'Traceback (most recent call last):');
    assert.match(p!.message, /log ends inside it/);
  });

  it('unsloth #1145: a custom progress print is not a metric line — no point is invented', () => {
    const r = parse('hf-unsloth-1145-banner.log');
    assert.equal(r.format, null);
    assert.deepEqual([r.train, r.eval, r.lr], [[], [], []]);
    assert.deepEqual(r.progress, { total: 312, step: 21 });
  });

  it('explicit steps (LLaMA-Factory trainer_log.jsonl keys) are used as is, not flagged', () => {
    const r = parseTrainerLog('{"current_steps": 5, "total_steps": 30, "loss": 1.5, "lr": 0.0001, "epoch": 0.3}\n{"current_steps": 10, "eval_loss": 1.4}\n');
    assert.deepEqual(r.train, pts([5], [1.5]));
    assert.deepEqual(r.eval, pts([10], [1.4]));
    assert.deepEqual(r.lr, [{ step: 5, lr: 0.0001 }]);
  });

  it('the closing train_loss dict is a summary, not a point', () => {
    const r = parseTrainerLog(
      "{'loss': 2.0, 'learning_rate': 0.0002, 'epoch': 1.0}\n{'train_runtime': 12.5, 'train_samples_per_second': 3.2, 'train_loss': 1.9, 'epoch': 1.0}\n",
    );
    assert.deepEqual(r.train, ord([1], [2]));
    assert.deepEqual(r.summary, { trainLoss: 1.9, trainRuntime: 12.5 });
  });
});

describe('trainer log parser: incremental and forced formats', () => {
  for (const name of ['mlx-lm-330-cuda.log', 'hf-unsloth-4547-studio.log', 'hf-llamafactory-4026-traceback.log', 'mlx-examples-841-resume-crash.log']) {
    it(`${name} fed in 7-character chunks gives the same result as whole`, () => {
      const text = fixture(name).replace(/\n+(?= +\d+%\|)/g, '\r');
      const p = new TrainerLogParser();
      for (let i = 0; i < text.length; i += 7) p.feed(text.slice(i, i + 7));
      p.end();
      assert.deepEqual(p.result(), parseTrainerLog(text));
    });
  }

  it('a live run: points appear as lines complete, a half-written line waits', () => {
    const p = new TrainerLogParser();
    p.feed('Starting training..., iters: 100\nIter 10: Train loss 2.6');
    assert.deepEqual(p.result().train, []);
    p.feed('62, Learning Rate 1.000e-05\n');
    assert.deepEqual(p.result().train, pts([10], [2.662]));
    assert.deepEqual(p.result().progress, { total: 100, step: 10 });
  });

  it('--format mlx ignores Hugging Face dicts and --format hf ignores MLX lines', () => {
    assert.deepEqual(parse('hf-vicuna-11-inf-nan.log', 'mlx').train, []);
    assert.equal(parse('hf-vicuna-11-inf-nan.log', 'mlx').format, 'mlx');
    assert.deepEqual(parse('mlx-lm-330-cuda.log', 'hf').train, []);
  });
});
