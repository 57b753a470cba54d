import { createHash } from 'node:crypto';
import { DedupIndex, DEFAULT_NEAR_THRESHOLD } from './dedup';
import { SplitName } from './types';

export interface SplitItem {
  /** Stable identity (exampleKey). */
  key: string;
  /** Text compared for leakage (the passage: assistant text). */
  text: string;
}

export interface SplitOptions {
  /** Fraction of examples that go to validation, in (0, 0.5]. */
  ratio: number;
  seed: number;
  /** Near-duplicate threshold (Jaccard) — near-duplicates always land on the same side. */
  threshold?: number;
}

export interface SplitPlan {
  assignment: SplitName[];
  train: number;
  validation: number;
  /** Groups of (near-)duplicates kept together; only groups with more than one member. */
  groups: number[][];
}

function unit(seed: number, key: string): number {
  const h = createHash('sha256').update(`${seed}:${key}`).digest();
  return h.readUInt32BE(0) / 0x100000000;
}

/** Groups of items that are exact or near-duplicates of each other (union–find over LSH candidates). */
export function duplicateGroups(items: SplitItem[], threshold = DEFAULT_NEAR_THRESHOLD): number[][] {
  const parent = items.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const index = new DedupIndex<number>(threshold, true);
  items.forEach((it, i) => {
    for (const m of index.find(it.text)) {
      const a = find(i);
      const b = find(m.ref);
      if (a !== b) parent[a] = b;
    }
    index.add(it.text, i);
  });
  const groups = new Map<number, number[]>();
  items.forEach((_, i) => {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  });
  return [...groups.values()];
}

/**
 * Deterministic train/validation split: duplicate groups are shuffled by a seeded hash of their smallest key
 * and filled into validation until `ratio` of the examples is reached. The same examples, ratio and seed
 * always give the same split, whatever the order of the lines; near-duplicates never straddle the split.
 */
export function planSplit(items: SplitItem[], opts: SplitOptions): SplitPlan {
  if (!(opts.ratio > 0 && opts.ratio <= 0.5)) throw new Error(`The validation ratio must be in (0, 0.5]; got ${opts.ratio}.`);
  if (!Number.isInteger(opts.seed)) throw new Error(`The seed must be an integer; got ${opts.seed}.`);
  const groups = duplicateGroups(items, opts.threshold);
  const ordered = groups
    .map((g) => ({ g, key: g.map((i) => items[i].key).sort()[0] }))
    .map((x) => ({ ...x, u: unit(opts.seed, x.key) }))
    .sort((a, b) => a.u - b.u || (a.key < b.key ? -1 : 1));
  const target = items.length >= 2 ? Math.max(1, Math.round(items.length * opts.ratio)) : 0;
  const assignment: SplitName[] = items.map(() => 'train');
  let validation = 0;
  for (const { g } of ordered) {
    if (validation >= target) break;
    // Never move everything: keep at least one group in train.
    if (items.length - validation - g.length < 1) continue;
    // Skip a group that would overshoot by more than half of itself, if a smaller one can fill the gap.
    if (validation + g.length > target && validation + g.length - target > g.length / 2 && validation > 0) continue;
    for (const i of g) assignment[i] = 'validation';
    validation += g.length;
  }
  return { assignment, train: items.length - validation, validation, groups: groups.filter((g) => g.length > 1) };
}

export interface LeakagePair {
  train: number;
  validation: number;
  kind: 'exact' | 'near';
  similarity: number;
}

/** Identical or near-identical passages across train and validation (indices into the two lists). */
export function checkLeakage(train: SplitItem[], validation: SplitItem[], threshold = DEFAULT_NEAR_THRESHOLD): LeakagePair[] {
  const index = new DedupIndex<number>(threshold, true);
  train.forEach((t, i) => index.add(t.text, i));
  const out: LeakagePair[] = [];
  validation.forEach((v, j) => {
    for (const m of index.find(v.text)) out.push({ train: m.ref, validation: j, kind: m.kind, similarity: m.similarity });
  });
  return out;
}
