/** Parsed trainer logs → the Training Curves panel's MetricPoints. */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { logToMetricPoints } from '../../../src/core/local/curves';
import { parseTrainerLog } from '../../../src/core/local/trainerLog';

const fixture = (name: string) => readFileSync(path.join(__dirname, '../../fixtures/trainer-logs', name), 'utf8');

describe('trainer log → training curves points', () => {
  it('MLX-LM: train and validation loss and the learning rate by iteration, merged and sorted', () => {
    assert.deepEqual(logToMetricPoints(parseTrainerLog(fixture('mlx-examples-620-config-run.log'))), [
      { step: 1, validLoss: 2.381 },
      { step: 25, trainLoss: 8.108, learningRate: 0.00007 },
      { step: 50, trainLoss: 6.509, learningRate: 0.00007 },
    ]);
  });

  it('Hugging Face: an eval dict shares the ordinal step of the loss line before it', () => {
    const log =
      "{'loss': 2.0, 'learning_rate': 0.0002, 'epoch': 0.5}\n{'eval_loss': 1.9, 'epoch': 0.5}\n{'loss': 1.5, 'learning_rate': 0.0001, 'epoch': 1.0}\n";
    assert.deepEqual(logToMetricPoints(parseTrainerLog(log)), [
      { step: 1, trainLoss: 2, validLoss: 1.9, learningRate: 0.0002 },
      { step: 2, trainLoss: 1.5, learningRate: 0.0001 },
    ]);
  });

  it('a resumed run: the later value wins at a step both runs logged; nan is never a point', () => {
    const pts = logToMetricPoints(parseTrainerLog(fixture('mlx-examples-620-config-run.log') + fixture('mlx-lm-330-cuda.log')));
    assert.deepEqual(
      pts.find((p) => p.step === 50),
      { step: 50, trainLoss: 1.585, learningRate: 0.00001 },
    );
    assert.deepEqual(
      pts.find((p) => p.step === 1),
      { step: 1, validLoss: 2.936 },
    );
    // The nan losses of steps 2 and 3 are no points; the learning rates logged beside them are.
    const vicuna = logToMetricPoints(parseTrainerLog(fixture('hf-vicuna-11-inf-nan.log')));
    assert.deepEqual(
      vicuna.map((p) => [p.step, p.trainLoss]),
      [
        [1, 240023.775],
        [2, undefined],
        [3, undefined],
      ],
    );
    assert.ok(
      vicuna.every((p) => Object.values(p).every((x) => Number.isFinite(x))),
      JSON.stringify(vicuna),
    );
    assert.ok(vicuna.every((p) => p.learningRate !== undefined && p.learningRate > 0));
  });
});
