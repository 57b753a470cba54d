/**
 * The benchmark convention: every `bench/*.bench.ts` default-exports `async () => BenchResult[]`.
 * `scripts/bench.mjs` (npm run bench) runs each file in its own process and writes bench-results/bench.{json,md}.
 * Ratios compare against a baseline measured in the same process and run, never against a stored number.
 */
export interface BenchResult {
  /** What was measured, e.g. "emulator GET /models". */
  readonly name: string;
  readonly value: number;
  /** e.g. "req/s", "ms", "chunks/s", "MB/s". */
  readonly unit: string;
  /** The same measurement on the baseline (same unit). */
  readonly baseline?: number;
  /** value / baseline. */
  readonly ratio?: number;
  readonly notes?: string;
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const round = (x: number, digits = 3): number => Number(x.toPrecision(digits));
