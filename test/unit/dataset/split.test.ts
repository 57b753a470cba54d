import { strict as assert } from 'node:assert';
import { checkLeakage, duplicateGroups, planSplit, SplitItem } from '../../../src/core/dataset/split';

const topics = [
  'rivers',
  'money',
  'anger',
  'rest',
  'change',
  'friends',
  'work',
  'fear',
  'music',
  'habits',
  'sleep',
  'letters',
  'walking',
  'cities',
  'gardens',
  'winter',
  'trains',
  'books',
  'cooking',
  'silence',
];
const items: SplitItem[] = topics.map((t, i) => ({
  key: `k${i}`,
  text: `A journal passage about ${t}: what I noticed today about ${t}, and why ${t} mattered to me ${i} times.`,
}));

describe('train/validation split', () => {
  it('is deterministic for a seed, independent of line order, and hits the ratio', () => {
    const a = planSplit(items, { ratio: 0.2, seed: 7 });
    const b = planSplit([...items].reverse(), { ratio: 0.2, seed: 7 });
    assert.equal(a.validation, 4);
    assert.equal(a.train, 16);
    const valA = items
      .filter((_, i) => a.assignment[i] === 'validation')
      .map((x) => x.key)
      .sort();
    const valB = [...items]
      .reverse()
      .filter((_, i) => b.assignment[i] === 'validation')
      .map((x) => x.key)
      .sort();
    assert.deepEqual(valA, valB);
    const c = planSplit(items, { ratio: 0.2, seed: 8 });
    assert.notDeepEqual(c.assignment, a.assignment, 'another seed, another split');
  });

  it('keeps near-duplicates on the same side, so there is no leakage', () => {
    const dupes: SplitItem[] = [...items];
    for (let i = 0; i < 10; i++) dupes.push({ key: `d${i}`, text: `${items[i].text} Indeed.` });
    const groups = duplicateGroups(dupes, 0.8);
    assert.equal(groups.filter((g) => g.length > 1).length, 10);
    for (let seed = 0; seed < 20; seed++) {
      const plan = planSplit(dupes, { ratio: 0.3, seed });
      const train = dupes.filter((_, i) => plan.assignment[i] === 'train');
      const val = dupes.filter((_, i) => plan.assignment[i] === 'validation');
      assert.deepEqual(checkLeakage(train, val), [], `seed ${seed}`);
      assert.ok(val.length >= 1 && train.length >= 1);
    }
  });

  it('the leakage check flags identical and near-identical passages across the split', () => {
    const leaks = checkLeakage(items.slice(0, 5), [
      { key: 'x', text: items[2].text.toUpperCase() },
      { key: 'y', text: `${items[3].text} Yes.` },
      { key: 'z', text: 'Entirely different words on another subject.' },
    ]);
    assert.deepEqual(
      leaks.map((l) => [l.train, l.validation, l.kind]),
      [
        [2, 0, 'exact'],
        [3, 1, 'near'],
      ],
    );
  });

  it('rejects a bad ratio or seed', () => {
    assert.throws(() => planSplit(items, { ratio: 0, seed: 1 }), /ratio/);
    assert.throws(() => planSplit(items, { ratio: 0.9, seed: 1 }), /ratio/);
    assert.throws(() => planSplit(items, { ratio: 0.1, seed: 1.5 }), /seed/);
  });
});
