import { strict as assert } from 'node:assert';
import {
  checkHyperparameter,
  describeHyperparameters,
  formatHyperparameter,
  parseHyperparameter,
  parseSeed,
  validateHyperparameters,
} from '../../../src/core/jobs/hyperparameters';

describe('hyperparameter validation', () => {
  it('accepts auto and empty input as auto', () => {
    assert.deepEqual(parseHyperparameter('nEpochs', 'auto'), { ok: true, value: 'auto' });
    assert.deepEqual(parseHyperparameter('batchSize', '  '), { ok: true, value: 'auto' });
    assert.deepEqual(parseHyperparameter('learningRateMultiplier', 'AUTO'), { ok: true, value: 'auto' });
  });

  it('enforces epochs 1–50 and batch size 1–256 as whole numbers', () => {
    assert.deepEqual(parseHyperparameter('nEpochs', '3'), { ok: true, value: 3 });
    assert.deepEqual(parseHyperparameter('nEpochs', '50'), { ok: true, value: 50 });
    for (const bad of ['0', '51', '2.5', '-1', 'three', '1e9']) assert.equal(parseHyperparameter('nEpochs', bad).ok, false, bad);
    assert.deepEqual(parseHyperparameter('batchSize', '256'), { ok: true, value: 256 });
    assert.equal(parseHyperparameter('batchSize', '257').ok, false);
  });

  it('enforces a learning-rate multiplier above 0 and at most 10', () => {
    assert.deepEqual(parseHyperparameter('learningRateMultiplier', '0.1'), { ok: true, value: 0.1 });
    assert.deepEqual(parseHyperparameter('learningRateMultiplier', '.05'), { ok: true, value: 0.05 });
    assert.deepEqual(parseHyperparameter('learningRateMultiplier', '2e-1'), { ok: true, value: 0.2 });
    const zero = parseHyperparameter('learningRateMultiplier', '0');
    assert.equal(zero.ok, false);
    assert.match(!zero.ok ? zero.message : '', /too small/);
    assert.equal(parseHyperparameter('learningRateMultiplier', '11').ok, false);
  });

  it('checks a whole set, beta only for DPO', () => {
    assert.deepEqual(validateHyperparameters({ nEpochs: 3, batchSize: 'auto', learningRateMultiplier: 0.5 }, 'supervised'), []);
    assert.equal(validateHyperparameters({ beta: 0.1 }, 'supervised').length, 1);
    assert.deepEqual(validateHyperparameters({ beta: 0.1 }, 'dpo'), []);
    assert.equal(validateHyperparameters({ beta: 2.5 }, 'dpo').length, 1);
    assert.equal(validateHyperparameters({ nEpochs: 0, batchSize: 1000 }, 'supervised').length, 2);
    assert.equal(checkHyperparameter('nEpochs', Number.NaN) !== undefined, true);
  });

  it("validates the seed (suffixes are each backend's rule: test/unit/backends/rules.test.ts)", () => {
    assert.deepEqual(parseSeed(''), { ok: true, value: undefined });
    assert.deepEqual(parseSeed('42'), { ok: true, value: 42 });
    assert.equal(parseSeed('-1').ok, false);
    assert.equal(parseSeed('2147483648').ok, false);
  });

  it('summaries read naturally: an absolute learning rate is not a multiplier, and numbers are plain decimals', () => {
    assert.equal(
      describeHyperparameters({ nEpochs: 3, batchSize: 'auto', learningRateMultiplier: 1.8 }),
      'epochs 3, batch size auto, learning-rate multiplier 1.8',
    );
    assert.equal(
      describeHyperparameters({ nEpochs: 2, learningRate: 0.0002, loraRank: 16, loraAlpha: 32, loraDropout: 0.05, warmupRatio: 0.1 }, ' · '),
      'epochs 2 · learning rate 0.0002 · LoRA rank 16 · LoRA alpha 32 · LoRA dropout 0.05 · warm-up ratio 0.1',
    );
    assert.equal(describeHyperparameters({ learningRate: 1e-5, beta: 0.1, nCheckpoints: 2 }), 'learning rate 0.00001, DPO beta 0.1, checkpoints 2');
    assert.equal(describeHyperparameters({}), 'server defaults');
    assert.equal(formatHyperparameter(1e-5 * 1.8), '0.000018');
    assert.equal(formatHyperparameter(undefined), 'auto');
    assert.equal(formatHyperparameter(256), '256');
  });
});
