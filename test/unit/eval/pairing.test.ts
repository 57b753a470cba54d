import assert from 'node:assert/strict';
import { buildPairs, comparisons, foldRatings, nextPair } from '../../../src/core/eval/pairing';
import { HUMAN, RatingLineSchema, parseWith, type RatingLine } from '../../../src/core/eval/schema';
import { plan, result } from './helpers';

const three = plan({
  contestants: [
    ...plan().contestants,
    {
      id: 'C',
      label: 'Checkpoint',
      model: 'ft:a:ckpt-step-4',
      backend: 'emu',
      system: { kind: 'preset', name: 'Socratic', text: 'Ask back.' },
      temperature: 0.7,
    },
  ],
});
const allResults = three.questions.flatMap((q) => three.contestants.flatMap((c) => [0, 1].map((s) => result(q.id, c.id, s))));
const at = '2026-12-02T00:00:00.000Z';
const rate = (pair: string, verdict: '1' | '2' | 'tie' | 'skip', rater = HUMAN): RatingLine => ({ op: 'rate', pair, verdict, rater, at });

describe('eval: blind pairing and ratings', () => {
  it('pairs every two contestants per question and sample, with opaque ids, seeded sides and order', () => {
    const pairs = buildPairs(three, allResults);
    assert.equal(pairs.length, 2 * 2 * 3); // questions × samples × C(3, 2)
    assert.equal(new Set(pairs.map((p) => p.id)).size, pairs.length);
    for (const p of pairs) {
      assert.match(p.id, /^p[0-9a-f]{12}$/);
      assert.equal(p.left.question, p.question);
      assert.equal(p.left.sample, p.right.sample);
      assert.notEqual(p.left.contestant, p.right.contestant);
    }
    assert.deepEqual(buildPairs(three, allResults), pairs, 'the same seed gives the same pairs in the same order');
    const other = buildPairs(three, allResults, 99);
    assert.notDeepEqual(
      other.map((p) => [p.left, p.right]),
      pairs.map((p) => [p.left, p.right]),
    );
    // Sides are randomized: over all seeds' pairs, A is shown on both sides
    const sides = new Set(
      [...pairs, ...other].filter((p) => [p.left.contestant, p.right.contestant].includes('A')).map((p) => (p.left.contestant === 'A' ? 'left' : 'right')),
    );
    assert.deepEqual([...sides].sort(), ['left', 'right']);
  });

  it('leaves out pairs whose replies are not there yet', () => {
    const some = allResults.filter((r) => !(r.contestant === 'C' && r.question === 'q2'));
    assert.equal(buildPairs(three, some).length, 2 * 3 + 2 * 1);
  });

  it('folds ratings: last verdict wins, undo takes back the latest rate or flag of that rater only', () => {
    const lines: RatingLine[] = [
      rate('p1', '1'),
      rate('p2', '2'),
      { op: 'flag', reply: 'q1/A/0', nonsense: true, rater: HUMAN, at },
      rate('p3', 'tie', 'judge:gpt-4o'),
      { op: 'undo', rater: HUMAN, at }, // takes back the flag
      { op: 'undo', rater: HUMAN, at }, // takes back p2
      rate('p1', 'skip'),
      rate('p1', '2'),
    ];
    const f = foldRatings(lines.map((l, i) => parseWith(RatingLineSchema, JSON.parse(JSON.stringify(l)), `line ${i + 1}`)));
    assert.deepEqual([...(f.verdicts.get(HUMAN) ?? [])], [['p1', '2']]);
    assert.deepEqual([...(f.nonsense.get(HUMAN) ?? [])], []);
    assert.deepEqual([...(f.verdicts.get('judge:gpt-4o') ?? [])], [['p3', 'tie']]);
    assert.throws(() => parseWith(RatingLineSchema, { op: 'rate', pair: 'p1', verdict: '3', rater: HUMAN, at }, 'line 9'), /^Error: line 9: verdict: /);
  });

  it('turns verdicts into comparisons in contestant terms, skips dropped, and finds the next unrated pair', () => {
    const pairs = buildPairs(three, allResults);
    const verdicts = new Map([
      [pairs[0].id, '1' as const],
      [pairs[1].id, '2' as const],
      [pairs[2].id, 'tie' as const],
      [pairs[3].id, 'skip' as const],
    ]);
    const c = comparisons(pairs, verdicts);
    assert.deepEqual(
      c.map((x) => [x.a, x.b, x.scoreA]),
      [
        [pairs[0].left, pairs[0].right, 1],
        [pairs[1].left, pairs[1].right, 0],
        [pairs[2].left, pairs[2].right, 0.5],
      ],
    );
    assert.equal(nextPair(pairs, verdicts)?.id, pairs[4].id);
    assert.equal(nextPair(pairs, new Map(pairs.map((p) => [p.id, 'skip' as const]))), undefined);
  });
});
