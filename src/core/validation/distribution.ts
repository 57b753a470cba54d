import type { Distribution, Histogram } from './types';

/**
 * Exact distribution of non-negative integers in memory proportional to the number of DISTINCT
 * values (token counts repeat a lot), not the number of examples: validating a 500 MB file keeps
 * memory flat, and partial results from worker threads merge by adding counts.
 */
export class FrequencyDistribution {
  private readonly freq = new Map<number, number>();
  private n = 0;
  private sum = 0;

  add(value: number, times = 1): void {
    this.freq.set(value, (this.freq.get(value) ?? 0) + times);
    this.n += times;
    this.sum += value * times;
  }

  get count(): number {
    return this.n;
  }

  get total(): number {
    return this.sum;
  }

  merge(entries: readonly (readonly [number, number])[]): void {
    for (const [v, c] of entries) this.add(v, c);
  }

  entries(): [number, number][] {
    return [...this.freq];
  }

  private sorted(): [number, number][] {
    return this.entries().sort((a, b) => a[0] - b[0]);
  }

  /** Values above a threshold (e.g. examples over the token limit). */
  countAbove(threshold: number): number {
    let n = 0;
    for (const [v, c] of this.freq) if (v > threshold) n += c;
    return n;
  }

  /** min/max/mean/median/p10/p90 exactly as numpy computes them (linear interpolation). */
  summary(): Distribution | null {
    if (this.n === 0) return null;
    const s = this.sorted();
    // cumulative counts for order-statistic lookup
    const cum: number[] = [];
    let acc = 0;
    for (const [, c] of s) cum.push((acc += c));
    const kth = (k: number): number => {
      // k is a 0-based rank in the sorted multiset
      let lo = 0;
      let hi = cum.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cum[mid]! > k) hi = mid;
        else lo = mid + 1;
      }
      return s[lo]![0];
    };
    const quantile = (q: number): number => {
      const pos = q * (this.n - 1);
      const lo = Math.floor(pos);
      const hi = Math.ceil(pos);
      const a = kth(lo);
      if (hi === lo) return a;
      const b = kth(hi);
      return a + (b - a) * (pos - lo);
    };
    return {
      count: this.n,
      min: s[0]![0],
      max: s[s.length - 1]![0],
      mean: this.sum / this.n,
      median: quantile(0.5),
      p10: quantile(0.1),
      p90: quantile(0.9),
    };
  }

  /** Equal-width bins over [min, max] with round edges; at most `maxBins` bins. */
  histogram(maxBins = 20): Histogram | null {
    if (this.n === 0) return null;
    const s = this.sorted();
    const min = s[0]![0];
    const max = s[s.length - 1]![0];
    const width = niceWidth((max - min + 1) / maxBins);
    const start = Math.floor(min / width) * width;
    const bins = Math.max(1, Math.ceil((max - start + 1) / width));
    const edges = Array.from({ length: bins + 1 }, (_, i) => start + i * width);
    const counts = new Array<number>(bins).fill(0);
    for (const [v, c] of s) {
      const i = Math.min(bins - 1, Math.floor((v - start) / width));
      counts[i]! += c;
    }
    return { edges, counts };
  }
}

/** 1, 2, 5 × 10^k not below `raw` (at least 1). */
function niceWidth(raw: number): number {
  if (!(raw > 1)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}
