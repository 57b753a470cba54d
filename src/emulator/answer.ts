import type { LearnedReply } from './dataset';
import { hash32 } from './random';

/**
 * How a fine-tuned model "answers": it returns the assistant text of the training example whose prompt is most
 * like the question (BM25 over words of the prompt, the example's earlier turns and the answer itself),
 * preferring examples trained with the same system prompt. It is retrieval, not generation.
 */

const STOP = new Set(
  'a an and are as at be but by do does did for from had has have he her him his how i if in into is it its me my no not of on or our she so than that the their them then there these they this to us was we were what when where which who why will with would you your yours'.split(' '),
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

interface Doc {
  readonly reply: LearnedReply;
  readonly tf: Map<string, number>;
  readonly length: number;
}

export interface Query {
  readonly system: string | null;
  readonly user: string;
  readonly context: string;
}

export class ReplyIndex {
  private readonly docs: Doc[];
  private readonly df = new Map<string, number>();
  private readonly avgLength: number;

  constructor(replies: readonly LearnedReply[]) {
    this.docs = replies.map((reply) => {
      const bag = [...words(reply.prompt), ...words(reply.prompt), ...words(reply.context), ...words(reply.answer)];
      const tf = new Map<string, number>();
      for (const w of bag) tf.set(w, (tf.get(w) ?? 0) + 1);
      for (const w of tf.keys()) this.df.set(w, (this.df.get(w) ?? 0) + 1);
      return { reply, tf, length: bag.length };
    });
    this.avgLength = this.docs.reduce((s, d) => s + d.length, 0) / Math.max(1, this.docs.length);
  }

  get size(): number {
    return this.docs.length;
  }

  /** Replies best first. Ties keep training order; with no overlap at all, a stable pick keyed by the question. */
  rank(q: Query): LearnedReply[] {
    const system = normalize(q.system);
    const sameSystem = this.docs.filter((d) => normalize(d.reply.system) === system);
    const pool = sameSystem.length > 0 ? sameSystem : this.docs;
    const terms = [...words(q.user), ...words(q.user), ...words(q.context)];
    const n = this.docs.length;
    const scored = pool.map((d, i) => {
      let score = 0;
      for (const t of terms) {
        const f = d.tf.get(t);
        if (!f) continue;
        const df = this.df.get(t) ?? 0;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        score += (idf * f * 2.2) / (f + 1.2 * (0.25 + 0.75 * (d.length / this.avgLength)));
      }
      return { d, i, score };
    });
    scored.sort((a, b) => b.score - a.score || a.i - b.i);
    if (scored.length > 0 && scored[0].score === 0) {
      const start = hash32(q.user) % scored.length;
      return [...scored.slice(start), ...scored.slice(0, start)].map((s) => s.d.reply);
    }
    return scored.map((s) => s.d.reply);
  }
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
