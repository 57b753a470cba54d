import * as assert from 'node:assert/strict';
import { FrequencyDistribution } from '../../../src/core/validation/distribution';

/** numpy.quantile (linear) on a plain sorted array: the reference. */
function npQuantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

describe('FrequencyDistribution (exact stats in memory ∝ distinct values)', () => {
  it('matches numpy min/max/mean/median/quantile(0.1/0.9) on random data', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const n of [1, 2, 3, 10, 101, 5000]) {
      const values = Array.from({ length: n }, () => Math.floor(rnd() * 300));
      const d = new FrequencyDistribution();
      for (const v of values) d.add(v);
      const s = d.summary()!;
      assert.equal(s.count, n);
      assert.equal(s.min, Math.min(...values));
      assert.equal(s.max, Math.max(...values));
      assert.ok(Math.abs(s.mean - values.reduce((a, b) => a + b, 0) / n) < 1e-9);
      assert.ok(Math.abs(s.median - npQuantile(values, 0.5)) < 1e-9, `median n=${n}`);
      assert.ok(Math.abs(s.p10 - npQuantile(values, 0.1)) < 1e-9, `p10 n=${n}`);
      assert.ok(Math.abs(s.p90 - npQuantile(values, 0.9)) < 1e-9, `p90 n=${n}`);
    }
  });

  it('merges partials exactly as if one stream had been seen', () => {
    const a = new FrequencyDistribution();
    const b = new FrequencyDistribution();
    const all = new FrequencyDistribution();
    for (let i = 0; i < 1000; i++) {
      (i % 3 ? a : b).add(i % 17);
      all.add(i % 17);
    }
    a.merge(b.entries());
    assert.deepEqual(a.summary(), all.summary());
  });

  it('histogram counts every value once, in equal-width bins', () => {
    const d = new FrequencyDistribution();
    for (let i = 0; i <= 1000; i++) d.add(i);
    const h = d.histogram(20)!;
    assert.equal(
      h.counts.reduce((a, b) => a + b, 0),
      1001,
    );
    assert.equal(h.edges.length, h.counts.length + 1);
    assert.ok(h.counts.length <= 21);
    assert.ok(h.edges[0]! <= 0 && h.edges[h.edges.length - 1]! > 1000);
    assert.equal(new FrequencyDistribution().summary(), null);
  });
});
