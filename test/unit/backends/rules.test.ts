import { strict as assert } from 'node:assert';
import {
  AZURE_RULES,
  COMPATIBLE_RULES,
  EMULATOR_RULES,
  OPENAI_RULES,
  exampleCountError,
  parseRuled,
  suffixError,
  suffixFor,
} from '../../../src/core/backends/rules';

describe('backend launch rules', () => {
  it('OpenAI suffixes: up to 64 of letters, digits, ".", "_", "-"', () => {
    assert.equal(suffixError(OPENAI_RULES.suffix, 'journal.v2_a-b', 'OpenAI'), undefined);
    assert.match(suffixError(OPENAI_RULES.suffix, 'x'.repeat(65), 'OpenAI') ?? '', /at most 64/);
    assert.match(suffixError(OPENAI_RULES.suffix, 'bad suffix', 'OpenAI') ?? '', /only letters/);
  });

  it('Azure suffixes: up to 40 of a-z A-Z 0-9 - _, no "."', () => {
    assert.equal(suffixError(AZURE_RULES.suffix, 'Journal_v2-a', 'Azure OpenAI'), undefined);
    assert.match(suffixError(AZURE_RULES.suffix, 'journal.v2', 'Azure OpenAI') ?? '', /no "\."/);
    assert.match(suffixError(AZURE_RULES.suffix, 'a'.repeat(41), 'Azure OpenAI') ?? '', /at most 40/);
    assert.equal(suffixError(AZURE_RULES.suffix, 'a'.repeat(40), 'Azure OpenAI'), undefined);
  });

  it('proposes a suffix the backend accepts from the dataset name', () => {
    assert.equal(suffixFor(OPENAI_RULES.suffix, 'My Journal (v2.1)'), 'my-journal-v2.1');
    assert.equal(suffixFor(AZURE_RULES.suffix, 'My Journal (v2.1)'), 'my-journal-v2-1');
    const long = suffixFor(AZURE_RULES.suffix, 'a very long dataset name that goes on and on and on');
    assert.ok(long.length <= 40 && !long.endsWith('-'), long);
    assert.equal(suffixError(AZURE_RULES.suffix, long, 'Azure'), undefined);
  });

  it('parses hyperparameters against the rule: auto, range, integers', () => {
    const epochs = OPENAI_RULES.hyperparameters.find((r) => r.name === 'nEpochs');
    assert.ok(epochs);
    assert.deepEqual(parseRuled(epochs, ' auto '), { ok: true, value: 'auto' });
    assert.deepEqual(parseRuled(epochs, '3'), { ok: true, value: 3 });
    assert.equal(parseRuled(epochs, '2.5').ok, false);
    assert.equal(parseRuled(epochs, '0').ok, false);
    assert.equal(parseRuled(epochs, '51').ok, false);
    assert.equal(parseRuled(epochs, 'three').ok, false);
    const lr = OPENAI_RULES.hyperparameters.find((r) => r.name === 'learningRateMultiplier');
    assert.ok(lr);
    assert.equal(parseRuled(lr, '0').ok, false, 'exclusive minimum');
  });

  it('DPO beta applies only to DPO; Azure asks for its training type', () => {
    assert.deepEqual(OPENAI_RULES.hyperparameters.find((r) => r.name === 'beta')?.methods, ['dpo']);
    assert.deepEqual(
      AZURE_RULES.choices.map((c) => [c.field, c.options.map((o) => o.value), c.default]),
      [['trainingType', ['Standard', 'GlobalStandard', 'Developer'], 'Standard']],
    );
    assert.deepEqual(OPENAI_RULES.choices, []);
  });

  it('says which backends cannot estimate the cost', () => {
    assert.equal(OPENAI_RULES.cost.kind, 'token-table');
    assert.equal(EMULATOR_RULES.cost.kind, 'token-table');
    assert.equal(COMPATIBLE_RULES.cost.kind, 'none');
    assert.equal(AZURE_RULES.cost.kind, 'none');
  });

  it('checks the example count against the backend limits', () => {
    assert.match(exampleCountError(OPENAI_RULES, 9, 'OpenAI') ?? '', /at least 10/);
    assert.equal(exampleCountError(OPENAI_RULES, 10, 'OpenAI'), undefined);
    assert.match(exampleCountError({ ...OPENAI_RULES, maxExamples: 100 }, 101, 'X') ?? '', /at most 100/);
  });
});
