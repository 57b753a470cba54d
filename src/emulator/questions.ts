import { words } from './answer';
import { hash32 } from './random';

/**
 * Question suggestions (instruction backtranslation, see src/core/dataset/backtranslate.ts): when a request asks for
 * questions that a quoted passage answers, a base model replies with a JSON array of first-person questions built
 * from the passage's most frequent content words, so the demo shows the feature. Deterministic per passage.
 */
const REQUEST = /Passage:\n"""\n([\s\S]*?)\n"""\n\nWrite (\d+) different questions as a JSON array/;

const TEMPLATES = [
  (a: string, b: string) => `How should I think about ${a} when ${b} gets in the way?`,
  (a: string) => `What do you make of my struggle with ${a}?`,
  (a: string, b: string) => `How can I keep ${a} and ${b} in balance?`,
  (a: string) => `Why does ${a} matter so much to me?`,
  (a: string, b: string) => `What would you tell me about ${a} and ${b}?`,
];

/** The reply to a question-suggestion request, or undefined when `user` is no such request. */
export function suggestedQuestions(user: string): string | undefined {
  const m = REQUEST.exec(user);
  if (!m) return undefined;
  const n = Math.max(1, Math.min(10, Number(m[2])));
  const counts = new Map<string, number>();
  for (const w of m[1].toLowerCase().match(/\p{L}{4,}/gu) ?? []) if (words(w).length) counts.set(w, (counts.get(w) ?? 0) + 1);
  const top = [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([w]) => w);
  const keys = top.length ? top.slice(0, 6) : ['this'];
  const start = hash32(m[1]) % TEMPLATES.length;
  const out = Array.from({ length: n }, (_, i) => TEMPLATES[(start + i) % TEMPLATES.length](keys[i % keys.length], keys[(i + 1) % keys.length] ?? keys[0]));
  return JSON.stringify(out);
}
