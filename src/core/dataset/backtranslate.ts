import type OpenAI from 'openai';
import { Proposal } from './propose';

/**
 * Instruction backtranslation (Li et al. 2023, "Humpback"): the passage is the answer; a model writes
 * questions it answers. Unlike Humpback's rubric we keep the author's first-person voice: the questions
 * are what the author would ask their mentor, answerable from the passage alone, not quoting it.
 */
export const BACKTRANSLATE_SYSTEM = [
  'You help turn journal passages into fine-tuning examples.',
  'The passage is the ANSWER. Write the questions a person could ask a mentor, to which this passage is a complete, natural answer.',
  'Rules: each question is answerable from the passage alone; specific; in the asker\'s own words (first person, e.g. "How should I…"); does not quote or give away the passage; at most 25 words.',
  'Reply with only a JSON array of strings, nothing else.',
].join('\n');

export interface BacktranslateOptions {
  model: string;
  passage: string;
  /** The passage's heading, as extra context. */
  heading?: string;
  /** How many questions to ask for (default 3). */
  n?: number;
  signal?: AbortSignal;
  /** Longer passages are cut to this many characters in the request (default 6000). */
  maxChars?: number;
}

/** The chat messages sent to ask for questions (exported so tests and docs show exactly what is sent). */
export function backtranslationMessages(
  opts: Pick<BacktranslateOptions, 'passage' | 'heading' | 'n' | 'maxChars'>,
): { role: 'system' | 'user'; content: string }[] {
  const n = opts.n ?? 3;
  const max = opts.maxChars ?? 6000;
  const passage = opts.passage.length > max ? `${opts.passage.slice(0, max)}\n[…]` : opts.passage;
  const user = `${opts.heading ? `Heading: ${opts.heading}\n\n` : ''}Passage:\n"""\n${passage}\n"""\n\nWrite ${n} different questions as a JSON array of ${n} strings.`;
  return [
    { role: 'system', content: BACKTRANSLATE_SYSTEM },
    { role: 'user', content: user },
  ];
}

/** Ask the model for `n` questions this passage answers. Throws the SDK's errors (APIError, APIUserAbortError…). */
export async function proposeWithModel(client: OpenAI, opts: BacktranslateOptions): Promise<Proposal[]> {
  const n = opts.n ?? 3;
  const res = await client.chat.completions.create({ model: opts.model, messages: backtranslationMessages(opts), temperature: 0.7 }, { signal: opts.signal });
  const content = res.choices?.[0]?.message?.content ?? '';
  return parseQuestions(content, n).map((q) => ({ prompt: q, source: 'model' as const, detail: `suggested by ${res.model || opts.model}` }));
}

/** Questions from a model reply: a JSON array (possibly fenced or wrapped in an object), else the lines ending in "?". */
export function parseQuestions(content: string, n = 3): string[] {
  const text = content
    .trim()
    .replace(/^```[a-z]*\s*\n?|\n?```\s*$/gi, '')
    .trim();
  const fromJson = (() => {
    const start = text.indexOf('[');
    const end = text.lastIndexOf(']');
    const candidates = [text, start >= 0 && end > start ? text.slice(start, end + 1) : ''];
    for (const c of candidates) {
      if (!c) continue;
      try {
        const v: unknown = JSON.parse(c);
        const arr = Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v as Record<string, unknown>).find(Array.isArray) : undefined;
        if (Array.isArray(arr)) {
          const qs = arr
            .map((x) =>
              typeof x === 'string'
                ? x
                : x && typeof x === 'object' && typeof (x as { question?: unknown }).question === 'string'
                  ? (x as { question: string }).question
                  : '',
            )
            .filter(Boolean);
          if (qs.length) return qs;
        }
      } catch {
        // not JSON
      }
    }
    return undefined;
  })();
  let raw = fromJson;
  if (!raw) {
    const lines = text
      .split('\n')
      .map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)]|Q\d*[:.])\s*/i, '').trim())
      .filter(Boolean);
    // Without JSON, only lines that are questions count: prose around a list ("Here are three questions:"),
    // or a reply that is no question at all (a placeholder, a refusal), yields nothing rather than junk.
    raw = lines.filter((l) => /\?["”']?$/.test(l));
  }
  const seen = new Set<string>();
  const out: string[] = [];
  for (const q of raw) {
    const clean = q
      .replace(/^["“'\s]+|["”'\s]+$/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    const key = clean.toLowerCase();
    if (clean.length < 3 || clean.length > 400 || seen.has(key)) continue;
    seen.add(key);
    out.push(clean);
    if (out.length >= n) break;
  }
  return out;
}
