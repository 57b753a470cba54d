import type { LearnedReply } from './dataset';
import { hash32 } from './random';

/**
 * How a fine-tuned model "answers": it returns the assistant text of the training example whose prompt is most
 * like the question (BM25 over words of the prompt, the example's earlier turns and the answer itself),
 * preferring examples trained with the same system prompt. It is retrieval, not generation.
 */

const STOP = new Set(
  'a an and are as at be but by do does did for from had has have he her him his how i if in into is it its me my no not of on or our she so than that the their them then there these they this to us was we were what when where which who why will with would you your yours'.split(
    ' ',
  ),
);

export function words(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    const w = m[0];
    if (STOP.has(w) || (w.length < 2 && !/\p{N}/u.test(w))) continue;
    out.push(stem(w));
  }
  return out;
}

/** A light suffix stripper: plural first, then -ing/-ed/-ly, keeping at least 3 letters. */
function stem(word: string): string {
  let w = word;
  if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  for (const suffix of ['ingly', 'edly', 'ing', 'ed', 'ly']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) return w.slice(0, -suffix.length);
  }
  return w;
}

const normalize = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim().toLowerCase();

export interface Query {
  readonly system: string | null;
  readonly user: string;
  readonly context: string;
}

/** BM25 over an inverted index, so a question only touches the examples that share a word with it. */
export class ReplyIndex {
  private readonly replies: readonly LearnedReply[];
  private readonly systems: string[];
  private readonly lengths: Float64Array;
  private readonly postings = new Map<string, { doc: number; tf: number }[]>();
  private readonly systemCounts = new Map<string, number>();
  private readonly avgLength: number;

  constructor(replies: readonly LearnedReply[]) {
    this.replies = replies;
    this.systems = replies.map((r) => normalize(r.system));
    this.lengths = new Float64Array(replies.length);
    replies.forEach((reply, doc) => {
      const bag = [...words(reply.prompt), ...words(reply.prompt), ...words(reply.context), ...words(reply.answer)];
      const tf = new Map<string, number>();
      for (const w of bag) tf.set(w, (tf.get(w) ?? 0) + 1);
      for (const [w, f] of tf) {
        let list = this.postings.get(w);
        if (!list) this.postings.set(w, (list = []));
        list.push({ doc, tf: f });
      }
      this.lengths[doc] = bag.length;
      this.systemCounts.set(this.systems[doc], (this.systemCounts.get(this.systems[doc]) ?? 0) + 1);
    });
    this.avgLength = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, replies.length);
  }

  get size(): number {
    return this.replies.length;
  }

  /**
   * The best `k` replies, best first. Only examples trained with the request's system prompt compete when there are
   * any. Ties keep training order; with no word in common at all, a stable rotation keyed by the question.
   */
  rank(q: Query, k = 1): LearnedReply[] {
    const system = normalize(q.system);
    const restrict = this.systemCounts.has(system);
    const inPool = (doc: number) => !restrict || this.systems[doc] === system;
    const weights = new Map<string, number>();
    for (const t of [...words(q.user), ...words(q.user), ...words(q.context)]) weights.set(t, (weights.get(t) ?? 0) + 1);
    const n = this.replies.length;
    const scores = new Map<number, number>();
    for (const [term, weight] of weights) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      if (idf < 0.05 && weights.size > 1) continue; // in (nearly) every example: no signal, only cost
      for (const { doc, tf } of list) {
        if (!inPool(doc)) continue;
        const s = (weight * idf * tf * 2.2) / (tf + 1.2 * (0.25 + 0.75 * (this.lengths[doc] / this.avgLength)));
        scores.set(doc, (scores.get(doc) ?? 0) + s);
      }
    }
    const top = topK(scores, k);
    if (top.length < k) {
      const pool = restrict ? this.systems.flatMap((s, doc) => (s === system ? [doc] : [])) : Array.from({ length: n }, (_, doc) => doc);
      const from = top.length === 0 && pool.length > 0 ? hash32(q.user) % pool.length : 0;
      const chosen = new Set(top);
      for (let i = 0; i < pool.length && top.length < k; i++) {
        const doc = pool[(from + i) % pool.length];
        if (!chosen.has(doc)) top.push(doc);
      }
    }
    return top.map((doc) => this.replies[doc]);
  }
}

/** The k best (doc, score) by score, then by doc order, without sorting everything. */
function topK(scores: Map<number, number>, k: number): number[] {
  const best: [number, number][] = [];
  const better = (a: [number, number], b: [number, number]) => a[1] > b[1] || (a[1] === b[1] && a[0] < b[0]);
  for (const entry of scores) {
    if (best.length === k && !better(entry, best[k - 1])) continue;
    let i = Math.min(best.length, k - 1);
    if (best.length < k) best.push(entry);
    else best[i] = entry;
    while (i > 0 && better(best[i], best[i - 1])) {
      [best[i], best[i - 1]] = [best[i - 1], best[i]];
      i--;
    }
  }
  return best.map(([doc]) => doc);
}

const GENERIC = [
  'A base model would write a fresh answer here; the emulator only echoes a fixed, deterministic reply.',
  'Fine-tune a model on your journal and chat with it to see answers drawn from your own writing.',
  'Nothing here comes from a language model: the emulator answers base models with placeholder text.',
  'The same question always gets the same reply, which keeps demos and tests reproducible.',
];

/** Deterministic placeholder text for base models, mentioning the question's main words. */
export function genericAnswer(model: string, question: string): string {
  const keys = [...new Set(words(question))].slice(0, 3);
  const about = keys.length > 0 ? `You asked about ${keys.join(', ')}. ` : '';
  const h = hash32(model, question);
  const first = h % GENERIC.length;
  const second = (first + 1 + ((h >>> 8) % (GENERIC.length - 1))) % GENERIC.length;
  return `(${model}, emulated) ${about}${GENERIC[first]} ${GENERIC[second]}`;
}

/*
 * Seeded sampling, for evaluations: with a request `seed` and temperature > 0, several samples of one question
 * differ, and the same seed (and server seed) always gives the same reply.
 */

/**
 * A tuned model's sample: usually one of its 3 best matches (weights 1, t/2, t/4, so the best most often), and with
 * probability min(40 %, 15 % × temperature) a splice of two replies that reads as nonsense — the "sometimes
 * insightful, sometimes nonsense" variance of a real fine-tune.
 */
export function tunedSample(ranked: readonly LearnedReply[], temperature: number, draw: () => number): string {
  if (ranked.length === 0) return '';
  if (ranked.length > 1 && draw() < Math.min(0.4, 0.15 * temperature)) {
    const own = ranked[0].answer.split(/\s+/);
    const other = ranked[1 + Math.floor(draw() * (ranked.length - 1))].answer.split(/\s+/);
    return [...other.slice(Math.floor(other.length / 2)), ...own.slice(0, Math.max(1, Math.floor(own.length / 2)))].join(' ');
  }
  const weights = [1, temperature / 2, temperature / 4].slice(0, ranked.length);
  let x = draw() * weights.reduce((s, w) => s + w, 0);
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i];
    if (x < 0) return ranked[i].answer;
  }
  return ranked[0].answer;
}

const ADVICE = [
  'Generally speaking, it helps to take a step back and consider the situation calmly.',
  'Many people find that writing things down brings some clarity.',
  'There is no single right answer; it depends on your circumstances.',
  'You might consider talking to someone you trust about it.',
  'Small, consistent steps usually work better than big resolutions.',
  'It is worth reflecting on what matters most to you here.',
];

/**
 * A base model's sample: generic advice (nothing of the user's own writing), varied by `h` and the model. It does not
 * name the model, so blind ratings stay blind.
 */
export function baseSample(model: string, question: string, seed: number): string {
  const h = hash32(model, question, seed);
  const keys = [...new Set(words(question))].slice(0, 3);
  const about = keys.length > 0 ? `On ${keys.join(', ')}: ` : '';
  const first = h % ADVICE.length;
  const second = (first + 1 + ((h >>> 8) % (ADVICE.length - 1))) % ADVICE.length;
  return `(emulated) ${about}${ADVICE[first]} ${ADVICE[second]}`;
}
