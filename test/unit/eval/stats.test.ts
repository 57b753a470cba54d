import assert from 'node:assert/strict';
import type { Comparison } from '../../../src/core/eval/pairing';
import { bradleyTerry, contestantStats, sampleStdDev, wilson } from '../../../src/core/eval/stats';
import { plan, result } from './helpers';

const close = (actual: number | undefined, expected: number, eps = 1e-4) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) < eps, `${actual} ≉ ${expected}`);

const cmp = (question: string, sample: number, scoreA: number): Comparison => ({
  question,
  a: { question, contestant: 'A', sample },
  b: { question, contestant: 'B', sample },
  scoreA,
});

describe('eval: statistics', () => {
  it('Wilson score interval matches hand-computed values', () => {
    // 8 of 10: center (0.8 + 1.9208/10)/1.38415 = 0.71674, half 1.96·√(0.016 + 0.0096)/1.38415 = 0.22658
    const w = wilson(0.8, 10);
    close(w?.low, 0.49016);
    close(w?.high, 0.94331);
    // 0 of 5 still has an upper bound: z²/n / (1 + z²/n) = 0.76829/1.76829
    const zero = wilson(0, 5);
    close(zero?.low, 0);
    close(zero?.high, 0.43448);
    assert.equal(wilson(0.5, 0), undefined);
  });

  it('sample standard deviation uses n − 1', () => {
    close(sampleStdDev([0, 1]), Math.SQRT1_2);
    close(sampleStdDev([2, 4, 4, 4, 5, 5, 7, 9]), 2.13809);
    assert.equal(sampleStdDev([1]), undefined);
  });

  it('Bradley–Terry: two contestants give P(A beats B) = A’s share of wins (with the virtual tie)', () => {
    // A beat B 3 times, B beat A once; + one virtual tie: W_A = 3.5 of 5 games → 0.7
    const s = bradleyTerry(
      ['A', 'B'],
      [1, 1, 1, 0].map((scoreA) => ({ a: 'A', b: 'B', scoreA })),
    );
    close(s.get('A'), 0.7, 1e-9);
    close(s.get('B'), 0.3, 1e-9);
    // No games at all: everyone equal
    const none = bradleyTerry(['A', 'B', 'C'], []);
    for (const id of ['A', 'B', 'C']) close(none.get(id), 1 / 3, 1e-9);
    // A transitive order A > B > C keeps that order
    const t = bradleyTerry(
      ['A', 'B', 'C'],
      [
        { a: 'A', b: 'B', scoreA: 1 },
        { a: 'B', b: 'C', scoreA: 1 },
        { a: 'A', b: 'C', scoreA: 1 },
      ],
    );
    assert.ok((t.get('A') ?? 0) > (t.get('B') ?? 0) && (t.get('B') ?? 0) > (t.get('C') ?? 0));
  });

  it('per contestant: win rate with ties as half, CI, failures, spread, cost and ROUGE-L, all hand-computed', () => {
    const p = plan();
    const results = [
      result('q1', 'A', 0, 'the cat on the mat'),
      result('q1', 'A', 1, 'dogs bark'),
      result('q2', 'A', 0),
      result('q2', 'A', 1),
      result('q1', 'B', 0),
      result('q1', 'B', 1),
      result('q2', 'B', 0),
      result('q2', 'B', 1),
    ];
    // q1 s0: A wins · q1 s1: tie · q2 s0: B wins · q2 s1: A wins
    const comps = [cmp('q1', 0, 1), cmp('q1', 1, 0.5), cmp('q2', 0, 0), cmp('q2', 1, 1)];
    const [a, b] = contestantStats(p, results, comps, new Set(['q2/B/0']));
    assert.deepEqual([a.wins, a.ties, a.losses, a.comparisons], [2, 1, 1, 4]);
    close(a.winRate, 0.625); // (2 + ½) / 4
    close(b.winRate, 0.375);
    // Wilson(0.625, 4): center 1.10518/1.96037 = 0.56376, half 1.95996·0.34441/1.96037 = 0.34434
    close(a.ci?.low, 0.21943);
    close(a.ci?.high, 0.9081);
    // BT with the virtual tie: W_A = 2.5 + 0.5 of 5 games
    close(a.strength, 0.6, 1e-9);
    // Failures: A lost its only comparison on q2/s0; B lost q1/s0 and q2/s1, and q2/s0 is flagged nonsense
    assert.deepEqual([a.failures, a.judgedReplies], [1, 4]);
    close(a.failureRate, 0.25);
    assert.deepEqual([b.failures, b.judgedReplies], [3, 4]);
    // Spread of A: q1 scores [1, 0.5] → sd 0.35355, range 0.5; q2 [0, 1] → sd 0.70711, range 1
    close(a.spreadSd, 0.53033);
    close(a.spreadRange, 0.75);
    // Cost of A: 4 × (10·2 + 20·8)/1M; B has no price
    close(a.costUsd, 0.00072, 1e-12);
    assert.equal(a.costComplete, true);
    assert.equal(b.costComplete, false);
    assert.deepEqual(a.tokens, { prompt: 40, completion: 80 });
    // ROUGE-L of A on q1 (the only question with a reference): mean of 10/11 and 0
    close(a.rougeL, 5 / 11);
  });

  it('no comparisons: rates are undefined, not zero', () => {
    const [a] = contestantStats(plan(), [result('q1', 'A', 0)], []);
    assert.equal(a.winRate, undefined);
    assert.equal(a.ci, undefined);
    assert.equal(a.failureRate, undefined);
    assert.equal(a.spreadSd, undefined);
  });
});
