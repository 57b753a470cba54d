/**
 * The BPE worst case, bounded with the counts unchanged.
 *
 * tiktoken's pre-tokenizer does not split a run of letters, punctuation or spaces (only digits, in threes), so
 * 80K repeated characters or an 80K-letter blob is one piece. gpt-tokenizer (like tiktoken) merges a piece by
 * scanning every pair for the lowest rank, once per merge: O(n²) in the piece's length (10 examples of 150K
 * repeated characters took 15.6 s, on every edit of train.jsonl).
 *
 * This is the same algorithm with a priority queue: always merge the lowest-rank pair, the leftmost one on a
 * tie — exactly the pair the scan picks — so the result is identical token for token, in O(n log n). It
 * replaces gpt-tokenizer's merge only for pieces longer than LONG_PIECE bytes (short pieces, nearly all of
 * them, keep the library's own code). test/unit/validation/linearMerge.test.ts checks it against the library's
 * merge and against tiktoken's counts.
 */

/** The part of gpt-tokenizer's BytePairEncodingCore this uses (present in gpt-tokenizer 2.x–4.x). */
interface MergeCore {
  bytePairMerge(piece: Uint8Array): number[];
  getBpeRankFromBytes(key: Uint8Array): number | undefined;
  getBpeRankFromBytesOrThrow(key: Uint8Array): number;
}

export const LONG_PIECE = 256;

/** Min-heap of (rank, position, node, version), ordered by rank then position. */
class PairHeap {
  private readonly rank: number[] = [];
  private readonly pos: number[] = [];
  private readonly ver: number[] = [];

  get size(): number {
    return this.rank.length;
  }

  private less(a: number, b: number): boolean {
    return this.rank[a] < this.rank[b] || (this.rank[a] === this.rank[b] && this.pos[a] < this.pos[b]);
  }

  private swap(a: number, b: number): void {
    [this.rank[a], this.rank[b]] = [this.rank[b], this.rank[a]];
    [this.pos[a], this.pos[b]] = [this.pos[b], this.pos[a]];
    [this.ver[a], this.ver[b]] = [this.ver[b], this.ver[a]];
  }

  push(rank: number, pos: number, ver: number): void {
    let i = this.rank.length;
    this.rank.push(rank);
    this.pos.push(pos);
    this.ver.push(ver);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  /** Removes the top entry and returns [pos, ver]. */
  pop(): [number, number] {
    const top: [number, number] = [this.pos[0], this.ver[0]];
    const last = this.rank.length - 1;
    this.swap(0, last);
    this.rank.pop();
    this.pos.pop();
    this.ver.pop();
    const n = this.rank.length;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
}

/**
 * Rank of piece[a..b). ASCII byte ranges are looked up by their string directly (the library's lookup decodes
 * UTF-8 with a TextDecoder on every call, the bulk of the time on a long run); anything else goes through it.
 */
function rankLookup(core: Pick<MergeCore, 'getBpeRankFromBytes'>, piece: Uint8Array): (a: number, b: number) => number | undefined {
  const strings = (core as { bytePairStringRankEncoder?: unknown }).bytePairStringRankEncoder;
  if (!(strings instanceof Map)) return (a, b) => core.getBpeRankFromBytes(piece.subarray(a, b));
  const byString = strings as Map<string, number>;
  return (a, b) => {
    let key = '';
    for (let k = a; k < b; k++) {
      const c = piece[k];
      if (c >= 0x80) return core.getBpeRankFromBytes(piece.subarray(a, b));
      key += String.fromCharCode(c);
    }
    return byString.get(key);
  };
}

/** BPE merge of `piece` in O(n log n), token for token what the library's O(n²) scan returns. */
export function linearMerge(core: Pick<MergeCore, 'getBpeRankFromBytes' | 'getBpeRankFromBytesOrThrow'>, piece: Uint8Array): number[] {
  const n = piece.length;
  if (n === 0) return [];
  // Parts are linked nodes; node i starts at byte i (a merge keeps the left node). Node n is the end sentinel.
  const next = new Int32Array(n + 1);
  const prev = new Int32Array(n + 1);
  const ver = new Int32Array(n + 1);
  const dead = new Uint8Array(n + 1);
  for (let i = 0; i <= n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  const heap = new PairHeap();
  const rankOf = rankLookup(core, piece);
  /** Queue the merge of node i with its successor, if that pair is a token. */
  const offer = (i: number): void => {
    const j = next[i];
    if (j >= n) return;
    const rank = rankOf(i, next[j]);
    if (rank !== undefined) heap.push(rank, i, ver[i]);
  };
  for (let i = 0; i < n - 1; i++) offer(i);
  while (heap.size) {
    const [i, v] = heap.pop();
    if (dead[i] || v !== ver[i]) continue;
    const j = next[i];
    dead[j] = 1;
    next[i] = next[j];
    prev[next[j]] = i;
    ver[i]++;
    offer(i);
    const p = prev[i];
    if (p >= 0) {
      ver[p]++;
      offer(p);
    }
  }
  const out: number[] = [];
  for (let i = 0; i < n; i = next[i]) out.push(core.getBpeRankFromBytesOrThrow(piece.subarray(i, next[i])));
  return out;
}

/** Make an encoding from gpt-tokenizer merge long pieces with `linearMerge`. Returns false if its internals differ. */
export function installLinearMerge(encoding: object): boolean {
  const core = (encoding as { bytePairEncodingCoreProcessor?: Partial<MergeCore> & { linearMergeInstalled?: boolean } }).bytePairEncodingCoreProcessor;
  if (
    !core ||
    typeof core.bytePairMerge !== 'function' ||
    typeof core.getBpeRankFromBytes !== 'function' ||
    typeof core.getBpeRankFromBytesOrThrow !== 'function'
  )
    return false;
  if (core.linearMergeInstalled) return true;
  const full = core as MergeCore & { linearMergeInstalled?: boolean };
  const original = full.bytePairMerge.bind(full);
  full.bytePairMerge = (piece: Uint8Array) => (piece.length > LONG_PIECE ? linearMerge(full, piece) : original(piece));
  full.linearMergeInstalled = true;
  return true;
}
