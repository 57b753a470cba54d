import { strict as assert } from 'node:assert';
import { BACKEND_DESCRIPTORS, backendDescriptor } from '../../../src/core/backends/descriptors';
import { mapRecipe } from '../../../src/core/backends/mapRecipe';
import { PROVIDER_KINDS } from '../../../src/core/config/profile';

const sft = (hyperparameters: Parameters<typeof mapRecipe>[0]['hyperparameters'], suffix?: string, choices?: Record<string, string>) => ({
  hyperparameters,
  suffix,
  method: 'supervised' as const,
  choices,
});

describe('Re-run on…: mapping a recipe between backends', () => {
  it('OpenAI → Together: the LR multiplier becomes an absolute rate (an approximation, said so); the rest carries over', () => {
    const r = mapRecipe(sft({ nEpochs: 3, batchSize: 'auto', learningRateMultiplier: 0.5 }, 'journal.v2'), 'openai', 'together');
    assert.deepEqual(r.hyperparameters, { nEpochs: 3, batchSize: 'auto', learningRate: 5e-6 });
    assert.equal(r.suffix, 'journal-v2');
    assert.deepEqual(r.changes, [
      "learning-rate multiplier 0.5 → learning rate 0.000005 (Together AI's default 0.00001 × 0.5; OpenAI does not publish its base rate, so this is an approximation)",
      'suffix "journal.v2" → "journal-v2" (Together AI suffixes use letters, digits, "_" and "-", at most 40)',
    ]);
  });

  it('auto stays auto silently; values outside the target range go back to auto, with the reason', () => {
    const r = mapRecipe(sft({ nEpochs: 30, learningRateMultiplier: 'auto' }), 'openai', 'together');
    assert.deepEqual(r.hyperparameters, { nEpochs: 'auto' });
    assert.equal(r.changes.length, 1);
    assert.match(r.changes[0], /^epochs 30 → auto: .*too large/);
  });

  it('Together → OpenAI: the absolute rate becomes a multiplier; LoRA settings and the LoRA choice are dropped, by name', () => {
    const r = mapRecipe(sft({ nEpochs: 2, learningRate: 2e-5, loraRank: 16, loraAlpha: 32 }, 'lake', { training_type: 'Lora' }), 'together', 'openai');
    assert.deepEqual(r.hyperparameters, { nEpochs: 2, learningRateMultiplier: 2 });
    assert.equal(r.suffix, 'lake');
    assert.deepEqual(r.choices, {});
    assert.ok(
      r.changes.includes("learning rate 0.00002 → learning-rate multiplier 2 (÷ Together AI's default 0.00001; an approximation)"),
      r.changes.join('\n'),
    );
    assert.ok(r.changes.includes('LoRA rank 16 dropped: OpenAI does not take it'));
    assert.ok(r.changes.includes('LoRA alpha 32 dropped: OpenAI does not take it'));
    assert.ok(r.changes.includes('training type Lora dropped: OpenAI has no such choice'));
  });

  it('OpenAI → Nebius: multiplier → Nebius’ absolute rate; a batch size Nebius does not allow goes back to auto, said', () => {
    const r = mapRecipe(sft({ nEpochs: 3, batchSize: 4, learningRateMultiplier: 1.8 }, 'journal'), 'openai', 'nebius');
    assert.deepEqual(r.hyperparameters, { nEpochs: 3, batchSize: 'auto', learningRate: 0.000018 });
    assert.equal(r.suffix, 'journal');
    assert.equal(r.changes.length, 2);
    assert.match(r.changes[0], /^learning-rate multiplier 1\.8 → learning rate 0\.000018 \(Nebius Token Factory's default 0\.00001 × 1\.8; .*approximation\)$/);
    assert.match(r.changes[1], /^batch size 4 → auto: .*too small: auto \(Nebius: 8\), or a whole number from 8 to 32/);
  });

  it('Together → Nebius: rates and LoRA carry over, LoRA or full carries over as Nebius names it, a rank below 8 and checkpoints do not', () => {
    const r = mapRecipe(sft({ learningRate: 1e-4, loraRank: 4, loraAlpha: 16, nCheckpoints: 3 }, 'lake', { training_type: 'Lora' }), 'together', 'nebius');
    assert.deepEqual(r.hyperparameters, { learningRate: 1e-4, loraRank: 'auto', loraAlpha: 16 });
    assert.deepEqual(r.choices, { lora: 'LoRA' });
    assert.equal(r.changes.length, 2, r.changes.join('\n'));
    assert.match(r.changes[0], /^LoRA rank 4 → auto: .*too small/);
    assert.equal(r.changes[1], 'checkpoints 3 dropped: Nebius Token Factory does not take it');
    assert.deepEqual(mapRecipe(sft({}, undefined, { lora: 'Full' }), 'nebius', 'together').choices, { training_type: 'Full' });
  });

  it('→ Azure: the recipe carries over except Azure’s stricter suffix; a training type from elsewhere becomes Azure’s default, said', () => {
    const hp = { nEpochs: 2, batchSize: 4, learningRateMultiplier: 1.5 };
    assert.deepEqual(mapRecipe(sft(hp, 'my.suffix'), 'openai', 'emulator'), { hyperparameters: hp, suffix: 'my.suffix', choices: {}, changes: [] });
    const az = mapRecipe(sft(hp, 'my.suffix'), 'openai', 'azure');
    assert.deepEqual(az.hyperparameters, hp);
    assert.equal(az.suffix, 'my-suffix');
    assert.deepEqual(az.changes, ['suffix "my.suffix" → "my-suffix" (Azure OpenAI suffixes use letters, digits, "_" and "-" (no "."), at most 40)']);
    const fromTogether = mapRecipe(sft({ nEpochs: 2, learningRate: 3e-5 }, 'x'.repeat(50), { training_type: 'Full' }), 'together', 'azure');
    assert.deepEqual(fromTogether.hyperparameters, { nEpochs: 2, learningRateMultiplier: 3 });
    assert.equal(fromTogether.suffix, 'x'.repeat(40));
    assert.ok(
      fromTogether.changes.includes('training type Full → Standard (Azure OpenAI offers Standard, GlobalStandard, Developer)'),
      fromTogether.changes.join('\n'),
    );
    // Azure → Azure keeps the training type as it was sent.
    assert.deepEqual(mapRecipe(sft(hp, 's', { trainingType: 'developerTier' }), 'azure', 'azure').choices, { trainingType: 'developerTier' });
  });

  it('every backend has a descriptor with its name and one line on what differs, in the pickers’ order', () => {
    assert.deepEqual(new Set(BACKEND_DESCRIPTORS.map((d) => d.kind)), new Set(PROVIDER_KINDS));
    assert.equal(BACKEND_DESCRIPTORS[0].kind, 'openai');
    for (const d of BACKEND_DESCRIPTORS) {
      assert.equal(backendDescriptor(d.kind), d);
      assert.ok(d.label.length > 0 && d.differs.length > 20 && !d.differs.includes('\n'), d.kind);
      assert.ok(d.differs.length <= 160, `${d.kind}: one line (${d.differs.length} characters)`);
    }
    assert.match(backendDescriptor('nebius').differs, /per token/);
    assert.match(backendDescriptor('azure').differs, /deploy/);
  });
});
