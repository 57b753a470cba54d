import { normalizeForComparison } from './hash';

/**
 * Exact and near-duplicate detection on normalized text.
 * - exact: same normalized text (case, punctuation, markdown markup and whitespace ignored);
 * - near: Jaccard similarity of character 5-gram shingles, estimated with one-permutation MinHash (64 bins) and found in
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

const B = 0x01000193;
/** B^(SHINGLE-1) mod 2^32, to drop the outgoing character of a rolling window. */
const B_TOP = (() => {
  let p = 1;
  for (let i = 1; i < SHINGLE; i++) p = Math.imul(p, B);
  return p >>> 0;
})();

/** Polynomial hash of chars [from, to) (the same value the rolling window in `fingerprint` computes). */
function polyHash(s: string, from: number, to: number): number {
  let h = 0;
  for (let i = from; i < to; i++) h = (Math.imul(h, B) + s.charCodeAt(i)) | 0;
  return h >>> 0;
}

/** Hashes of the distinct character shingles of already-normalized text. */
export function shingleHashes(normalized: string, k = SHINGLE): Set<number> {
  const out = new Set<number>();
  if (!normalized) return out;
  if (normalized.length <= k) {
    out.add(polyHash(normalized, 0, normalized.length));
    return out;
  }
  for (let i = 0; i + k <= normalized.length; i++) out.add(polyHash(normalized, i, i + k));
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

export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < NUM_HASHES; i++) if (a[i] === b[i]) same++;
  return same / NUM_HASHES;
}

/** One numeric key per LSH band (band index mixed in; a rare cross-band collision only adds a candidate). */
function bandKeys(sig: Uint32Array): number[] {
  const keys: number[] = new Array(BANDS);
  for (let b = 0; b < BANDS; b++) {
    let h = Math.imul(b + 1, 0x9e3779b1);
    for (let r = 0; r < ROWS; r++) h = fmix32((h ^ sig[b * ROWS + r]) >>> 0);
    keys[b] = h;
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

/**
 * Fingerprint of a passage in one pass over its characters: normalization (as normalizeForComparison),
 * 5-gram shingling, one-permutation MinHash (Li, Owen & Zhang 2012) with rotation densification (Shrivastava & Li
 * 2014) and an exact-match hash, without building intermediate strings
 * or sets (50,000 passages in well under a second on one core).
 */
export function fingerprint(text: string, keepShingles = false): Fingerprint {
  // eslint-disable-next-line no-control-regex
  const ascii = !/[^\x00-\x7f]/.test(text);
  const src = ascii ? text : normalizeForComparison(text);
  const bins = new Uint32Array(NUM_HASHES).fill(0xffffffff);
  const filled = new Uint8Array(NUM_HASHES);
  const shingles = keepShingles ? new Set<number>() : undefined;
  const ring = new Uint16Array(SHINGLE);
  const seed = SEEDS[0];
  let any = false;
  let n = 0;
  let roll = 0;
  let e1 = 0x811c9dc5;
  let e2 = 0x3c6ef372;
  let pendingSpace = false;
  for (let i = 0; i <= src.length; i++) {
    let c: number;
    if (i < src.length) {
      c = src.charCodeAt(i);
      let keep: boolean;
      if (ascii) {
        if (c >= 65 && c <= 90) c += 32;
        keep = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
      } else keep = c !== 32;
      if (!keep) {
        if (n > 0) pendingSpace = true;
        continue;
      }
    } else break;
    // Emit a separator (one space) before this character when needed, then the character itself.
    for (let pass = pendingSpace ? 0 : 1; pass < 2; pass++) {
      const ch = pass === 0 ? 32 : c;
      e1 = Math.imul(e1 ^ ch, 0x01000193);
      e2 = Math.imul(e2 ^ ch, 0x5bd1e995) ^ (e2 >>> 15);
      const slot = n % SHINGLE;
      if (n >= SHINGLE) roll = (roll - Math.imul(ring[slot], B_TOP)) | 0;
      roll = (Math.imul(roll, B) + ch) | 0;
      ring[slot] = ch;
      n++;
      if (n >= SHINGLE) {
        const h = roll >>> 0;
        any = true;
        shingles?.add(h);
        const m = fmix32((h ^ seed) >>> 0);
        const bin = m >>> 26;
        const v = m & 0x03ffffff;
        if (!filled[bin] || v < bins[bin]) {
          bins[bin] = v;
          filled[bin] = 1;
        }
      }
    }
    pendingSpace = false;
  }
  if (n > 0 && n < SHINGLE) {
    const h = roll >>> 0; // the whole (short) text is the only shingle
    any = true;
    shingles?.add(h);
    const m = fmix32((h ^ seed) >>> 0);
    bins[m >>> 26] = m & 0x03ffffff;
    filled[m >>> 26] = 1;
  }
  let signature = bins;
  if (any) {
    signature = new Uint32Array(NUM_HASHES);
    for (let j = 0; j < NUM_HASHES; j++) {
      let t = 0;
      while (!filled[(j + t) % NUM_HASHES]) t++;
      signature[j] = (bins[(j + t) % NUM_HASHES] + t * 0x04000000) >>> 0;
    }
  }
  const exact = `${(e1 >>> 0).toString(16)}${(e2 >>> 0).toString(16)}${n.toString(16)}`;
  return { exact, signature, shingles };
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
  private readonly byBand = new Map<number, Entry<T>[]>();
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
    const prune = <K>(map: Map<K, Entry<T>[]>, count: boolean) => {
      for (const [k, list] of map) {
        const kept = list.filter((e) => !pred(e.ref));
        if (kept.length !== list.length) {
          if (count) this.count -= list.length - kept.length;
          if (kept.length) map.set(k, kept);
          else map.delete(k);
        }
      }
    };
    prune(this.byExact, true);
    prune(this.byBand, false);
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
