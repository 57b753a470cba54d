/**
 * Blind pairing: for each question and each two contestants, their replies of the same sample side by side, the
 * sides and the order of the pairs shuffled by a seed. A pair's id is an opaque hash, so the rating webview never
 * learns who answered. Ratings are append-only lines; `foldRatings` applies undos and keeps each rater's last
 * verdict per pair.
 */
import { createHash } from 'node:crypto';
import { replyKey, type EvalPlan, type RatingLine, type ResultLine, type Verdict } from './schema';

export interface ReplyRef {
  readonly question: string;
  readonly contestant: string;
  readonly sample: number;
}

export interface Pair {
  /** Opaque: reveals neither contestant. */
  readonly id: string;
  readonly question: string;
  /** Shown as "1". */
  readonly left: ReplyRef;
  /** Shown as "2". */
  readonly right: ReplyRef;
}

function digest(...parts: (string | number)[]): Buffer {
  return createHash('sha256').update(parts.join('\u0000')).digest();
}

/** mulberry32 over a 32-bit seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Every pair that has both replies, sides and order randomized from `seed` (the same seed gives the same pairs in
 * the same order, so a rater resuming sees what they saw).
 */
export function buildPairs(plan: EvalPlan, results: readonly ResultLine[], seed = plan.seed): Pair[] {
  const have = new Set(results.map(replyKey));
  const pairs: Pair[] = [];
  for (const q of plan.questions) {
    for (let s = 0; s < plan.samples; s++) {
      for (let i = 0; i < plan.contestants.length; i++) {
        for (let j = i + 1; j < plan.contestants.length; j++) {
          const a = { question: q.id, contestant: plan.contestants[i].id, sample: s };
          const b = { question: q.id, contestant: plan.contestants[j].id, sample: s };
          if (!have.has(replyKey(a)) || !have.has(replyKey(b))) continue;
          const h = digest(seed, replyKey(a), replyKey(b));
          const swap = (h[0] & 1) === 1;
          pairs.push({ id: `p${h.subarray(1, 7).toString('hex')}`, question: q.id, left: swap ? b : a, right: swap ? a : b });
        }
      }
    }
  }
  const draw = rng(digest(seed, 'order').readUInt32LE(0));
  for (let i = pairs.length - 1; i > 0; i--) {
    const k = Math.floor(draw() * (i + 1));
    [pairs[i], pairs[k]] = [pairs[k], pairs[i]];
  }
  return pairs;
}

export interface FoldedRatings {
  /** rater → pair id → last verdict (skips included). */
  readonly verdicts: Map<string, Map<string, Verdict>>;
  /** rater → reply keys flagged nonsense. */
  readonly nonsense: Map<string, Set<string>>;
}

/** Applies the lines in order; `undo` takes back the rater's latest rate/flag that is still in effect. */
export function foldRatings(lines: readonly RatingLine[]): FoldedRatings {
  const stacks = new Map<string, Exclude<RatingLine, { op: 'undo' }>[]>();
  for (const l of lines) {
    const stack = stacks.get(l.rater) ?? [];
    stacks.set(l.rater, stack);
    if (l.op === 'undo') stack.pop();
    else stack.push(l);
  }
  const verdicts = new Map<string, Map<string, Verdict>>();
  const nonsense = new Map<string, Set<string>>();
  for (const [rater, stack] of stacks) {
    const v = new Map<string, Verdict>();
    const n = new Set<string>();
    for (const l of stack) {
      if (l.op === 'rate') v.set(l.pair, l.verdict);
      else if (l.nonsense) n.add(l.reply);
      else n.delete(l.reply);
    }
    verdicts.set(rater, v);
    nonsense.set(rater, n);
  }
  return { verdicts, nonsense };
}

/** The next pair the rater has not rated or skipped, or undefined when all are done. */
export function nextPair(pairs: readonly Pair[], rated: ReadonlyMap<string, Verdict> | undefined): Pair | undefined {
  return pairs.find((p) => !rated?.has(p.id));
}

export interface Comparison {
  readonly question: string;
  readonly a: ReplyRef;
  readonly b: ReplyRef;
  /** 1 = a better, 0 = b better, 0.5 = tie. */
  readonly scoreA: number;
}

/** Decided and tied comparisons of one rater (skips dropped), in contestant terms. */
export function comparisons(pairs: readonly Pair[], verdicts: ReadonlyMap<string, Verdict> | undefined): Comparison[] {
  const out: Comparison[] = [];
  for (const p of pairs) {
    const v = verdicts?.get(p.id);
    if (v === undefined || v === 'skip') continue;
    out.push({ question: p.question, a: p.left, b: p.right, scoreA: v === '1' ? 1 : v === '2' ? 0 : 0.5 });
  }
  return out;
}
