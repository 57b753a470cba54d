import { normalizeForComparison, sha } from './hash';

/**
 * Exact and near-duplicate detection on normalized text.
 * - exact: same normalized text (case, punctuation, markdown markup and whitespace ignored);
 * - near: Jaccard similarity of character 5-gram shingles, estimated with MinHash (64 hashes) and found in
 *   O(1) expected time per query with locality-sensitive hashing (16 bands × 4 rows), so checking a new
 *   passage against 50,000 examples does not scan them all.
 */

export const SHINGLE = 5;
const NUM_HASHES = 64;
const BANDS = 16;
const ROWS = NUM_HASHES / BANDS;

export const DEFAULT_NEAR_THRESHOLD = 0.8;

const SEEDS = (() => {
  // Fixed seeds: signatures are deterministic across runs and machines.
  const s = new Uint32Array(NUM_HASHES);
  let x = 0x9e3779b9;
  for (let i = 0; i < NUM_HASHES; i++) {
    x = fmix32((x + 0x6d2b79f5) >>> 0);
    s[i] = x;
  }
  return s;
})();

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function fnv1a(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Hashes of the distinct character shingles of already-normalized text. */
export function shingleHashes(normalized: string, k = SHINGLE): Set<number> {
  const out = new Set<number>();
  if (!normalized) return out;
  if (normalized.length <= k) {
    out.add(fnv1a(normalized, 0, normalized.length));
    return out;
  }
  for (let i = 0; i + k <= normalized.length; i++) out.add(fnv1a(normalized, i, i + k));
  return out;
}

/** Exact Jaccard similarity of two shingle sets. */
export function jaccard(a: Set<number>, b: Set<number>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (big.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

export function minhash(shingles: Set<number>): Uint32Array {
  const sig = new Uint32Array(NUM_HASHES).fill(0xffffffff);
  for (const s of shingles) {
    for (let i = 0; i < NUM_HASHES; i++) {
      const h = fmix32((s ^ SEEDS[i]) >>> 0);
      if (h < sig[i]) sig[i] = h;
    }
  }
  return sig;
}

export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < NUM_HASHES; i++) if (a[i] === b[i]) same++;
  return same / NUM_HASHES;
}

function bandKeys(sig: Uint32Array): string[] {
  const keys: string[] = [];
  for (let b = 0; b < BANDS; b++) {
    let h = 0x811c9dc5 ^ b;
    for (let r = 0; r < ROWS; r++) h = fmix32((h ^ sig[b * ROWS + r]) >>> 0);
    keys.push(`${b}:${h.toString(36)}`);
  }
  return keys;
}

export interface Fingerprint {
  /** Hash of the normalized text (exact duplicates). */
  exact: string;
  signature: Uint32Array;
  /** Shingles, only kept when exact verification is wanted (split/leakage checks). */
  shingles?: Set<number>;
}

export function fingerprint(text: string, keepShingles = false): Fingerprint {
  const normalized = normalizeForComparison(text);
  const shingles = shingleHashes(normalized);
  return { exact: sha(normalized), signature: minhash(shingles), shingles: keepShingles ? shingles : undefined };
}

export interface DuplicateMatch<T> {
  ref: T;
  kind: 'exact' | 'near';
  /** 1 for exact duplicates; the (estimated or exact) Jaccard similarity otherwise. */
  similarity: number;
}

interface Entry<T> {
  ref: T;
  fp: Fingerprint;
}

/** An index of passages for duplicate lookups. */
export class DedupIndex<T> {
  private readonly byExact = new Map<string, Entry<T>[]>();
  private readonly byBand = new Map<string, Entry<T>[]>();
  private count = 0;

  constructor(
    readonly threshold = DEFAULT_NEAR_THRESHOLD,
    private readonly keepShingles = false,
  ) {}

  get size(): number {
    return this.count;
  }

  add(text: string, ref: T): Fingerprint {
    const fp = fingerprint(text, this.keepShingles);
    this.addFingerprint(fp, ref);
    return fp;
  }

  addFingerprint(fp: Fingerprint, ref: T): void {
    const e: Entry<T> = { ref, fp };
    push(this.byExact, fp.exact, e);
    for (const k of bandKeys(fp.signature)) push(this.byBand, k, e);
    this.count++;
  }

  /** Remove every entry whose ref satisfies `pred` (O(index size); used by undo). */
  removeWhere(pred: (ref: T) => boolean): void {
    for (const map of [this.byExact, this.byBand]) {
      for (const [k, list] of map) {
        const kept = list.filter((e) => !pred(e.ref));
        if (kept.length !== list.length) {
          if (map === this.byExact) this.count -= list.length - kept.length;
          if (kept.length) map.set(k, kept);
          else map.delete(k);
        }
      }
    }
  }

  /** Existing passages that are exact or near duplicates of `text`, most similar first. */
  find(text: string): DuplicateMatch<T>[] {
    return this.findFingerprint(fingerprint(text, this.keepShingles));
  }

  findFingerprint(fp: Fingerprint): DuplicateMatch<T>[] {
    const out: DuplicateMatch<T>[] = [];
    const seen = new Set<Entry<T>>();
    for (const e of this.byExact.get(fp.exact) ?? []) {
      seen.add(e);
      out.push({ ref: e.ref, kind: 'exact', similarity: 1 });
    }
    for (const k of bandKeys(fp.signature)) {
      for (const e of this.byBand.get(k) ?? []) {
        if (seen.has(e)) continue;
        seen.add(e);
        const sim = fp.shingles && e.fp.shingles ? jaccard(fp.shingles, e.fp.shingles) : estimateJaccard(fp.signature, e.fp.signature);
        if (sim >= this.threshold) out.push({ ref: e.ref, kind: 'near', similarity: sim });
      }
    }
    return out.sort((a, b) => b.similarity - a.similarity);
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
