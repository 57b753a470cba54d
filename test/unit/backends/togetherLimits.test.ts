import { strict as assert } from 'node:assert';
import { parseRuled } from '../../../src/core/backends/rules';
import { togetherLimitsToRules } from '../../../src/core/backends/togetherLimits';
import { TOGETHER_RULES } from '../../../src/core/backends/togetherShape';
import { assertResponse } from '../support/togetherSchema';

/** A `FineTuneModelLimits` body as Together documents it (checked against the description first). */
const LIMITS = {
  model_name: 'Qwen/Qwen3-8B',
  full_training: { max_batch_size: 16, max_batch_size_dpo: 8, min_batch_size: 4 },
  lora_training: { max_batch_size: 32, max_batch_size_dpo: 16, min_batch_size: 8, max_rank: 64, target_modules: ['q_proj', 'v_proj'] },
  max_num_epochs: 10,
  max_num_evals: 50,
  max_learning_rate: 0.001,
  min_learning_rate: 0.000001,
  supports_vision: false,
  supports_tools: true,
  supports_reasoning: true,
  merge_output_lora: false,
};

const ok = (raw: unknown) => {
  const r = togetherLimitsToRules(raw, TOGETHER_RULES);
  if (!r.ok) assert.fail(r.message);
  return r.value;
};
const rule = (rules: ReturnType<typeof ok>['rules'], name: string, method: 'supervised' | 'dpo' = 'supervised') => {
  const r = rules.hyperparameters.find((h) => h.name === name && h.methods.includes(method));
  assert.ok(r, `${name} (${method}) is asked`);
  return r;
};

describe('Together per-model limits → launch rules (togetherLimitsToRules)', () => {
  it('the fixture is a valid FineTuneModelLimits response', () => {
    assertResponse('/fine-tunes/models/limits', 'GET', 200, LIMITS);
  });

  it('narrows epochs, learning rate, batch size (per method) and LoRA rank to the model’s limits', () => {
    const m = ok(LIMITS);
    assert.deepEqual(m.methods, ['supervised', 'dpo']);
    assert.deepEqual(m.trainingTypes, ['Lora', 'Full']);
    const epochs = rule(m.rules, 'nEpochs');
    assert.equal(epochs.max, 10);
    assert.deepEqual(parseRuled(epochs, '10'), { ok: true, value: 10 });
    assert.match((parseRuled(epochs, '11') as { message: string }).message, /too large.*1 to 10/);
    const lr = rule(m.rules, 'learningRate');
    assert.equal(parseRuled(lr, '0.002').ok, false);
    assert.equal(parseRuled(lr, '0.0000005').ok, false, 'below min_learning_rate');
    assert.deepEqual(parseRuled(lr, '0.000001'), { ok: true, value: 0.000001 }, 'min_learning_rate itself is allowed');
    assert.deepEqual([rule(m.rules, 'batchSize').min, rule(m.rules, 'batchSize').max], [8, 32], 'LoRA SFT batch range');
    assert.deepEqual([rule(m.rules, 'batchSize', 'dpo').min, rule(m.rules, 'batchSize', 'dpo').max], [8, 16], 'LoRA DPO batch range');
    assert.equal(m.rules.hyperparameters.filter((h) => h.name === 'batchSize' && h.methods.includes('supervised')).length, 1, 'one batch rule per method');
    assert.equal(rule(m.rules, 'loraRank').max, 64);
    assert.equal(parseRuled(rule(m.rules, 'loraRank'), '128').ok, false);
    assert.equal(m.rules.suffix, TOGETHER_RULES.suffix, 'the rest is Together’s general rules');
    assert.match(m.summary, /LoRA r ≤ 64 · or full · ≤ 10 epochs · batch 8–32 · SFT \+ DPO/);
  });

  it('checks the batch size against the training type chosen after it', () => {
    const { rules } = ok(LIMITS);
    const check = rules.crossCheck;
    assert.ok(check);
    assert.equal(check({ hp: { batchSize: 32 }, choices: { training_type: 'Lora' }, method: 'supervised' }), undefined);
    assert.match(check({ hp: { batchSize: 32 }, choices: { training_type: 'Full' }, method: 'supervised' }) ?? '', /outside 4–16.*full SFT/);
    assert.equal(check({ hp: { batchSize: 'auto' }, choices: { training_type: 'Full' }, method: 'dpo' }), undefined);
  });

  it('offers only what the model allows: no full training, no DPO, no LoRA', () => {
    const loraOnly = ok({ ...LIMITS, full_training: undefined, lora_training: { ...LIMITS.lora_training, max_batch_size_dpo: 0 } });
    assert.deepEqual(loraOnly.trainingTypes, ['Lora']);
    assert.deepEqual(loraOnly.methods, ['supervised']);
    assert.deepEqual(
      loraOnly.rules.choices.find((c) => c.field === 'training_type')?.options.map((o) => o.value),
      ['Lora'],
    );
    assert.match(loraOnly.summary, /SFT only/);
    assert.match(loraOnly.rules.crossCheck?.({ hp: {}, choices: { training_type: 'Full' }, method: 'supervised' }) ?? '', /does not offer full SFT/);
    const fullOnly = ok({ ...LIMITS, lora_training: null });
    assert.deepEqual(fullOnly.trainingTypes, ['Full']);
    const choice = fullOnly.rules.choices.find((c) => c.field === 'training_type');
    assert.equal(choice?.default, 'Full');
    assert.ok(!fullOnly.rules.hyperparameters.some((h) => h.name === 'loraRank'), 'no LoRA settings asked');
    assert.deepEqual([rule(fullOnly.rules, 'batchSize').min, rule(fullOnly.rules, 'batchSize').max], [4, 16]);
  });

  it('refuses limits it cannot read or that allow no job, with a message', () => {
    const bad = togetherLimitsToRules({ ...LIMITS, max_num_epochs: 'ten' }, TOGETHER_RULES);
    assert.equal(bad.ok, false);
    if (!bad.ok) assert.match(bad.message, /max_num_epochs/);
    const none = togetherLimitsToRules({ ...LIMITS, lora_training: undefined, full_training: undefined }, TOGETHER_RULES);
    assert.equal(none.ok, false);
    if (!none.ok) assert.match(none.message, /no LoRA or full training for Qwen\/Qwen3-8B/);
    const inverted = togetherLimitsToRules({ ...LIMITS, min_learning_rate: 0.1 }, TOGETHER_RULES);
    assert.equal(inverted.ok, false);
  });
});
