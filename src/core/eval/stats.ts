/**
 * Results of an evaluation, per contestant, from one rater's comparisons (the user's, or a judge model's — never
 * mixed). Definitions, as the results table states them:
 *
 * - **Win rate** = (wins + ½·ties) / comparisons: a tie counts as half a win. 95% interval: Wilson score interval
 *   on that rate with n = comparisons (with ties this treats a tie as half a success, an approximation).
 * - **Strength**: Bradley–Terry, fitted by Hunter's MM iteration (ties as half wins, plus one virtual tie between
 *   every two contestants so a contestant that never won keeps a finite strength); strengths sum to 1 and
 *   P(i beats j) = sᵢ / (sᵢ + sⱼ).
 * - **Failure**: a reply flagged "nonsense", or one that lost every comparison it was rated in. Failure rate =
 *   failures / replies that were rated or flagged.
 * - **Spread**: per reply score = (wins + ½·ties) / its comparisons; for each question with ≥ 2 scored samples of
 *   the contestant, the sample standard deviation (n − 1) and the range of those scores; averaged over questions.
 * - **Cost**: usage × the contestant's price, when it has one.
 * - **ROUGE-L**: mean F1 against the user's own answer over the questions that have one.
 */
import type { Comparison } from './pairing';
import { sampleCost } from './runner';
import { replyKey, type EvalPlan, type ResultLine } from './schema';
import { rougeL } from './similarity';

export const Z95 = 1.959963984540054;

export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** Wilson score interval for a proportion `p` observed over `n` trials. */
export function wilson(p: number, n: number, z = Z95): Interval | undefined {
  if (n <= 0) return undefined;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

export const mean = (xs: readonly number[]): number | undefined => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);

/** Sample standard deviation (n − 1); undefined below 2 values. */
export function sampleStdDev(xs: readonly number[]): number | undefined {
  if (xs.length < 2) return undefined;
  const m = mean(xs) ?? 0;
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Bradley–Terry strengths (sum 1) by MM iteration; see the file comment for ties and the virtual tie. */
export function bradleyTerry(ids: readonly string[], comps: readonly { a: string; b: string; scoreA: number }[], iterations = 1000): Map<string, number> {
  const k = ids.length;
  const index = new Map(ids.map((id, i) => [id, i]));
  const wins = new Float64Array(k);
  const games = Array.from({ length: k }, () => new Float64Array(k));
  for (let i = 0; i < k; i++)
    for (let j = i + 1; j < k; j++) {
      games[i][j] = games[j][i] = 1;
      wins[i] += 0.5;
      wins[j] += 0.5;
    }
  for (const c of comps) {
    const i = index.get(c.a);
    const j = index.get(c.b);
    if (i === undefined || j === undefined || i === j) continue;
    games[i][j]++;
    games[j][i]++;
    wins[i] += c.scoreA;
    wins[j] += 1 - c.scoreA;
  }
  let p = new Float64Array(k).fill(1 / k);
  for (let it = 0; it < iterations; it++) {
    const next = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      let d = 0;
      for (let j = 0; j < k; j++) if (j !== i && games[i][j] > 0) d += games[i][j] / (p[i] + p[j]);
      next[i] = d > 0 ? wins[i] / d : p[i];
    }
    const sum = next.reduce((a, b) => a + b, 0);
    let change = 0;
    for (let i = 0; i < k; i++) {
      next[i] /= sum;
      change = Math.max(change, Math.abs(next[i] - p[i]));
    }
    p = next;
    if (change < 1e-12) break;
  }
  return new Map(ids.map((id, i) => [id, p[i]]));
}

export interface ContestantStats {
  readonly id: string;
  readonly label: string;
  readonly replies: number;
  readonly comparisons: number;
  readonly wins: number;
  readonly ties: number;
  readonly losses: number;
  /** (wins + ½·ties) / comparisons; undefined without comparisons. */
  readonly winRate: number | undefined;
  readonly ci: Interval | undefined;
  readonly strength: number;
  readonly failures: number;
  readonly judgedReplies: number;
  readonly failureRate: number | undefined;
  /** Mean over questions of the per-sample score's standard deviation / range; undefined below 2 scored samples. */
  readonly spreadSd: number | undefined;
  readonly spreadRange: number | undefined;
  readonly tokens: { prompt: number; completion: number };
  /** USD of the samples with a known price; `costComplete` false when some sample has none. */
  readonly costUsd: number;
  readonly costComplete: boolean;
  readonly rougeL: number | undefined;
}

/** Per-reply score and count from the comparisons. */
function replyScores(comps: readonly Comparison[]): Map<string, { score: number; n: number }> {
  const m = new Map<string, { score: number; n: number }>();
  const add = (key: string, s: number) => {
    const e = m.get(key) ?? { score: 0, n: 0 };
    e.score += s;
    e.n++;
    m.set(key, e);
  };
  for (const c of comps) {
    add(replyKey(c.a), c.scoreA);
    add(replyKey(c.b), 1 - c.scoreA);
  }
  return m;
}

export function contestantStats(
  plan: EvalPlan,
  results: readonly ResultLine[],
  comps: readonly Comparison[],
  nonsense: ReadonlySet<string> = new Set(),
): ContestantStats[] {
  const scores = replyScores(comps);
  const strengths = bradleyTerry(
    plan.contestants.map((c) => c.id),
    comps.map((c) => ({ a: c.a.contestant, b: c.b.contestant, scoreA: c.scoreA })),
  );
  const questions = new Map(plan.questions.map((q) => [q.id, q]));
  return plan.contestants.map((c) => {
    let wins = 0;
    let ties = 0;
    let losses = 0;
    for (const x of comps) {
      const mine = x.a.contestant === c.id ? x.scoreA : x.b.contestant === c.id ? 1 - x.scoreA : undefined;
      if (mine === undefined) continue;
      if (mine === 1) wins++;
      else if (mine === 0) losses++;
      else ties++;
    }
    const n = wins + ties + losses;
    const winRate = n > 0 ? (wins + ties / 2) / n : undefined;
    const mineResults = results.filter((r) => r.contestant === c.id);
    let failures = 0;
    let judged = 0;
    const byQuestion = new Map<string, number[]>();
    const tokens = { prompt: 0, completion: 0 };
    let costUsd = 0;
    let costComplete = true;
    const rouge: number[] = [];
    for (const r of mineResults) {
      const key = replyKey(r);
      const s = scores.get(key);
      const flagged = nonsense.has(key);
      if (s || flagged) judged++;
      if (flagged || (s && s.score === 0)) failures++;
      if (s) byQuestion.set(r.question, [...(byQuestion.get(r.question) ?? []), s.score / s.n]);
      if (r.usage) {
        tokens.prompt += r.usage.prompt;
        tokens.completion += r.usage.completion;
      }
      const cost = sampleCost(c, r.usage);
      if (cost === undefined) costComplete = false;
      else costUsd += cost;
      const ref = questions.get(r.question)?.reference;
      if (ref && ref.trim()) rouge.push(rougeL(r.text, ref).f);
    }
    const per = [...byQuestion.values()].filter((xs) => xs.length >= 2);
    return {
      id: c.id,
      label: c.label,
      replies: mineResults.length,
      comparisons: n,
      wins,
      ties,
      losses,
      winRate,
      ci: winRate === undefined ? undefined : wilson(winRate, n),
      strength: strengths.get(c.id) ?? 0,
      failures,
      judgedReplies: judged,
      failureRate: judged > 0 ? failures / judged : undefined,
      spreadSd: mean(per.map((xs) => sampleStdDev(xs) ?? 0)),
      spreadRange: mean(per.map((xs) => Math.max(...xs) - Math.min(...xs))),
      tokens,
      costUsd,
      costComplete,
      rougeL: mean(rouge),
    };
  });
}
