/**
 * Local reference similarity between a reply and the user's own held-out answer. Shown beside the human ratings,
 * never instead of them: a reply can say the same thing in other words and score low.
 *
 * - ROUGE-L (Lin 2004): LCS of the word sequences; P = LCS/|reply|, R = LCS/|reference|,
 *   F = (1+β²)·P·R / (R + β²·P), β = 1 by default (F1).
 * - BM25 (Robertson/Spärck Jones, k1 = 1.2, b = 0.75) of the reference as the query against the replies to one question.
 */

/** Lower-cased words (letters and digits), the unit both scores count. */
export function tokens(text: string): string[] {
  return Array.from(text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu), (m) => m[0]);
}

/** Length of the longest common subsequence, O(|a|·|b|) time, O(min) memory. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  let prev = new Uint32Array(short.length + 1);
  let cur = new Uint32Array(short.length + 1);
  for (const x of long) {
    for (let j = 1; j <= short.length; j++) cur[j] = x === short[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    [prev, cur] = [cur, prev];
    cur.fill(0);
  }
  return prev[short.length];
}

export interface RougeL {
  readonly precision: number;
  readonly recall: number;
  readonly f: number;
}

export function rougeL(reply: string, reference: string, beta = 1): RougeL {
  const c = tokens(reply);
  const r = tokens(reference);
  const lcs = lcsLength(c, r);
  if (lcs === 0) return { precision: 0, recall: 0, f: 0 };
  const precision = lcs / c.length;
  const recall = lcs / r.length;
  const b2 = beta * beta;
  return { precision, recall, f: ((1 + b2) * precision * recall) / (recall + b2 * precision) };
}

/** BM25 score of each document for the query (the reference), in document order. */
export function bm25(query: string, documents: readonly string[], k1 = 1.2, b = 0.75): number[] {
  const docs = documents.map(tokens);
  const n = docs.length;
  const avg = docs.reduce((s, d) => s + d.length, 0) / Math.max(1, n);
  const df = new Map<string, number>();
  for (const d of docs) for (const w of new Set(d)) df.set(w, (df.get(w) ?? 0) + 1);
  const terms = new Set(tokens(query));
  return docs.map((d) => {
    const tf = new Map<string, number>();
    for (const w of d) tf.set(w, (tf.get(w) ?? 0) + 1);
    let score = 0;
    for (const t of terms) {
      const f = tf.get(t) ?? 0;
      if (f === 0) continue;
      const nt = df.get(t) ?? 0;
      const idf = Math.log(1 + (n - nt + 0.5) / (nt + 0.5));
      score += (idf * f * (k1 + 1)) / (f + k1 * (1 - b + (b * d.length) / (avg || 1)));
    }
    return score;
  });
}
