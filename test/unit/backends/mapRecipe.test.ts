import { strict as assert } from 'node:assert';
import { mapRecipe } from '../../../src/core/backends/mapRecipe';

describe('Re-run on…: mapping a recipe between backends', () => {
  it('OpenAI → Together: the LR multiplier becomes an absolute rate (an approximation, said so); the rest carries over', () => {
    const r = mapRecipe({ nEpochs: 3, batchSize: 'auto', learningRateMultiplier: 0.5 }, 'journal.v2', 'supervised', 'openai', 'together', 'Together AI');
    assert.deepEqual(r.hyperparameters, { nEpochs: 3, batchSize: 'auto', learningRate: 5e-6 });
    assert.equal(r.suffix, 'journal-v2');
    assert.equal(r.changes.length, 2);
    assert.match(r.changes[0], /multiplier 0\.5 → absolute learning rate 5e-6 .*default 1e-5 × 0\.5.*approximation/);
    assert.match(r.changes[1], /suffix "journal\.v2" → "journal-v2"/);
  });

  it('auto stays auto silently; values outside the target range go back to auto, with the reason', () => {
    const r = mapRecipe({ nEpochs: 30, learningRateMultiplier: 'auto' }, undefined, 'supervised', 'openai', 'together', 'Together AI');
    assert.deepEqual(r.hyperparameters, { nEpochs: 'auto' });
    assert.equal(r.changes.length, 1);
    assert.match(r.changes[0], /Epochs 30 → auto: .*too large/);
  });

  it('Together → OpenAI: the absolute rate becomes a multiplier; LoRA settings are dropped by name', () => {
    const r = mapRecipe({ nEpochs: 2, learningRate: 2e-5, loraRank: 16, loraAlpha: 32 }, 'lake', 'supervised', 'together', 'openai', 'OpenAI');
    assert.deepEqual(r.hyperparameters, { nEpochs: 2, learningRateMultiplier: 2 });
    assert.equal(r.suffix, 'lake');
    assert.ok(r.changes.some((c) => /absolute learning rate 2e-5 → learning-rate multiplier 2/.test(c)));
    assert.ok(r.changes.some((c) => /LoRA rank 16 dropped: OpenAI does not take it/.test(c)));
    assert.ok(r.changes.some((c) => /LoRA alpha 32 dropped/.test(c)));
  });

  it('between OpenAI-shaped backends nothing changes, except Azure’s stricter suffix', () => {
    const hp = { nEpochs: 2, batchSize: 4, learningRateMultiplier: 1.5 };
    assert.deepEqual(mapRecipe(hp, 'my.suffix', 'supervised', 'openai', 'emulator', 'Emulator'), { hyperparameters: hp, suffix: 'my.suffix', changes: [] });
    const az = mapRecipe(hp, 'my.suffix', 'supervised', 'openai', 'azure', 'Azure OpenAI');
    assert.deepEqual(az.hyperparameters, hp);
    assert.equal(az.suffix, 'my-suffix');
  });
});
