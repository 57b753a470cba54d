import * as assert from 'node:assert/strict';
import { defaultEpochs, estimateCost, knownModels, resolveModel, validateJsonlText } from '../../../src/core/validation';

describe('cost estimate (cookbook epoch heuristic + one price table)', () => {
  it('default epochs follow the cookbook constants', () => {
    // TARGET_EPOCHS=3, MIN_TARGET_EXAMPLES=100, MAX_TARGET_EXAMPLES=25000, MIN/MAX_DEFAULT_EPOCHS=1/25
    const cases: [number, number][] = [
      [1, 25], // 100 // 1 = 100 → capped at 25
      [4, 25],
      [5, 20], // the notebook's toy data: 5 examples → 20 epochs
      [10, 10],
      [33, 3], // 33*3 = 99 < 100 → 100 // 33 = 3
      [34, 3],
      [100, 3],
      [8333, 3], // 24999 ≤ 25000
      [8334, 2], // 25002 > 25000 → 25000 // 8334 = 2
      [12500, 2],
      [12501, 1],
      [100000, 1], // never below MIN_DEFAULT_EPOCHS
    ];
    for (const [n, epochs] of cases) assert.equal(defaultEpochs(n), epochs, `n=${n}`);
  });

  it("reproduces the notebook's toy figure: 4306 tokens × 20 epochs = 86,120", () => {
    const c = estimateCost(resolveModel('gpt-4o-mini-2024-07-18'), 5, 4306)!;
    assert.equal(c.epochs, 20);
    assert.equal(c.trainedTokens, 86120);
    assert.ok(Math.abs(c.usd - (86120 * 3) / 1e6) < 1e-12);
  });

  it("matches the docs' examples: 100k tokens × 3 epochs ≈ $0.90 (gpt-4o-mini) and ≈ $2.40 (gpt-3.5-turbo)", () => {
    assert.equal(estimateCost(resolveModel('gpt-4o-mini-2024-07-18'), 1000, 100_000, 3)!.usd.toFixed(2), '0.90');
    assert.equal(estimateCost(resolveModel('gpt-3.5-turbo-0125'), 1000, 100_000, 3)!.usd.toFixed(2), '2.40');
  });

  it('explicit epochs override the heuristic', () => {
    const c = estimateCost(resolveModel('gpt-4.1-2025-04-14'), 5, 1_000_000, 2)!;
    assert.equal(c.epochs, 2);
    assert.equal(c.defaultEpochs, false);
    assert.equal(c.usd, 50);
  });

  it('billable tokens cap each example at the model limit (sum of min(limit, length))', async () => {
    const long = JSON.stringify({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'word '.repeat(6000) },
      ],
    });
    const short = JSON.stringify({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a' },
      ],
    });
    const r = await validateJsonlText([long, short].join('\n'), { model: 'gpt-3.5-turbo-0613', purpose: 'validation' });
    const shortTokens = r.stats.tokensPerExample!.min;
    assert.equal(r.tokens.billable, 4096 + shortTokens);
    assert.ok(r.tokens.total > r.tokens.billable);
    assert.equal(r.stats.overTokenLimit, 1);
    assert.equal(r.estimatedCost!.billableTokens, r.tokens.billable);
    assert.equal(r.estimatedCost!.epochs, 25);
  });

  it("the price table has the reference notes' training prices and example limits, and every row is resolvable", () => {
    // Hand-written from /work/shared/reference/openai-finetune.md §6 (USD per 1M training tokens, Standard tier,
    // ~Nov 2025; o4-mini RFT is billed per hour, so it has no per-token price).
    const expected: Record<string, { usd: number | null; limit: number }> = {
      'gpt-4.1-2025-04-14': { usd: 25, limit: 65536 },
      'gpt-4.1-mini-2025-04-14': { usd: 5, limit: 65536 },
      'gpt-4.1-nano-2025-04-14': { usd: 1.5, limit: 65536 },
      'gpt-4o-2024-08-06': { usd: 25, limit: 65536 },
      'gpt-4o-mini-2024-07-18': { usd: 3, limit: 65536 },
      'gpt-3.5-turbo-0125': { usd: 8, limit: 16385 },
      'gpt-3.5-turbo-1106': { usd: 8, limit: 16385 },
      'gpt-3.5-turbo-0613': { usd: 8, limit: 4096 },
      'davinci-002': { usd: 6, limit: 16385 },
      'babbage-002': { usd: 0.4, limit: 16385 },
      'o4-mini-2025-04-16': { usd: null, limit: 65536 },
    };
    const table = Object.fromEntries(knownModels().map((m) => [m.id, { usd: m.trainingUsdPer1M, limit: m.exampleTokenLimit }]));
    assert.deepEqual(table, expected);
    for (const [id, { usd, limit }] of Object.entries(expected)) {
      const r = resolveModel(id);
      assert.equal(r.known, id);
      assert.equal(r.usdPer1MTrainingTokens, usd ?? undefined, id);
      assert.equal(r.exampleTokenLimit, limit, id);
    }
    assert.equal(resolveModel('gpt-3.5-turbo').usdPer1MTrainingTokens, 8, 'alias');
  });

  it('resolves aliases, dated variants and ft: ids to the table; unknown models get no price', () => {
    assert.equal(resolveModel('gpt-4o-mini').known, 'gpt-4o-mini-2024-07-18');
    assert.equal(resolveModel('ft:gpt-4.1-nano-2025-04-14:acme:journal:AbC').usdPer1MTrainingTokens, 1.5);
    assert.equal(resolveModel('gpt-3.5-turbo-0613').exampleTokenLimit, 4096);
    assert.equal(resolveModel('gpt-4o-2024-08-06').exampleTokenLimit, 65536);
    const unknown = resolveModel('llama-3-8b');
    assert.equal(unknown.known, undefined);
    assert.equal(unknown.usdPer1MTrainingTokens, undefined);
    assert.equal(unknown.exampleTokenLimit, 16385, 'the cookbook limit for unknown models');
    assert.equal(estimateCost(unknown, 10, 1000), null);
    assert.equal(estimateCost(resolveModel('o4-mini-2025-04-16'), 10, 1000), null, 'RFT is billed per hour');
    assert.equal(resolveModel('').known, 'gpt-4.1-mini-2025-04-14', 'default base model');
  });
});
