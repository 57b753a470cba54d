/**
 * User-prompt proposals for a passage, best first:
 *  1. a question in the passage's heading, or a Q/A pattern in the text, or a question the passage opens with;
 *  2. the nearest heading turned into a question;
 *  (3. model-generated questions — see backtranslate.ts; 4. typed by the user — in the host UI.)
 */

export type ProposalSource = 'heading-question' | 'qa' | 'opening-question' | 'heading' | 'model' | 'user';

export interface Proposal {
  prompt: string;
  source: ProposalSource;
  /** Short explanation for the picker ("from the heading “On money”"). */
  detail: string;
  /** For a Q/A pattern: the answer part, which replaces the passage as the assistant message. */
  assistant?: string;
}

export interface ProposalContext {
  /** The passage text (raw or cleaned; the leading heading may already be removed). */
  passage: string;
  /** The heading the passage started with, if any (see cleanPassage). */
  heading?: string;
  /** Enclosing headings in the document, outermost first (nearest last). */
  headingPath?: string[];
}

const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const WEEKDAYS = 'mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?';
const DATE_PARTS = [
  String.raw`\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?`,
  String.raw`\d{4}/\d{1,2}/\d{1,2}`,
  String.raw`\d{1,2}[./]\d{1,2}[./]\d{2,4}`,
  String.raw`(?:${WEEKDAYS}),?`,
  String.raw`(?:${MONTHS})\.?\s+\d{1,2}(?:st|nd|rd|th)?,?(?:\s+\d{4})?`,
  String.raw`\d{1,2}(?:st|nd|rd|th)?\s+(?:${MONTHS})\.?,?(?:\s+\d{4})?`,
  String.raw`(?:${MONTHS})\.?\s+\d{4}`,
  String.raw`\d{4}`,
];
/** A heading made only of dates/weekdays and separators, e.g. "2024-03-01", "Monday, March 4, 2024". */
const ONLY_DATE = new RegExp(String.raw`^(?:(?:${DATE_PARTS.join('|')})[\s,.:;—–-]*)+$`, 'i');
/** A date/weekday prefix followed by a separator, e.g. "2026-01-11 — ", "Monday: ". */
const DATE_PREFIX = new RegExp(String.raw`^(?:(?:${DATE_PARTS.join('|')})[\s,]*)+(?:[—–:|·-]+\s*|\s+)`, 'i');

export function isDateHeading(heading: string): boolean {
  return ONLY_DATE.test(stripMarkup(heading).trim());
}

/** Remove inline markdown markup from a heading: emphasis, code ticks, links → their text. */
export function stripMarkup(s: string): string {
  return s
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`~]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The heading without a leading date/weekday and separator ("2026-01-11 — On criticism" → "On criticism"). */
export function headingTopic(heading: string): string {
  const h = stripMarkup(heading)
    .replace(/^#+\s*/, '')
    .trim();
  if (ONLY_DATE.test(h)) return '';
  return h
    .replace(DATE_PREFIX, '')
    .replace(/^[\s—–:|·-]+/, '')
    .trim();
}

const QUESTION_START =
  /^(what|why|how|when|where|who|whom|whose|which|should|shall|can|could|would|will|is|are|am|was|were|do|does|did|have|has|may|might|must)\b/i;

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Lower-case the first letter of a noun phrase unless it looks like a proper name or an acronym. */
function lowerFirst(s: string): string {
  const words = s.split(/\s+/);
  const first = words[0] ?? '';
  if (first.length > 1 && first === first.toUpperCase()) return s; // acronym
  if (/[A-Z]/.test(first.slice(1))) return s; // camelCase / iPhone-like
  if (words.length > 1 && /^[A-Z]/.test(words[1])) return s; // "Marcus Aurelius"
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** A question stated in a heading, if there is one. */
export function questionInHeading(heading: string): string | undefined {
  const topic = headingTopic(heading);
  if (!topic) return undefined;
  if (/\?\s*$/.test(topic)) return capitalize(topic.replace(/\s*\?+\s*$/, '?'));
  return undefined;
}

/** Turn a heading into a question ("On money" → "What are your thoughts on money?"); undefined for date-only headings. */
export function headingToQuestion(heading: string): string | undefined {
  let t = headingTopic(heading)
    .replace(/[.:;!]+$/, '')
    .trim();
  if (!t || t.length < 2) return undefined;
  if (/\?$/.test(t)) return capitalize(t);
  let m = /^how\s+to\s+(.+)$/i.exec(t);
  if (m) return `How do I ${m[1]}?`;
  if (QUESTION_START.test(t)) return `${capitalize(t)}?`;
  m = /^(?:on|about|regarding|re:?|thoughts on|notes on|notes about|reflections on|a note on|some thoughts on)\s+(.+)$/i.exec(t);
  if (m) t = m[1];
  t = t.replace(/^(?:the|a|an)\s+(?=\S)/i, (a) => a.toLowerCase());
  return `What are your thoughts on ${lowerFirst(t)}?`;
}

const QA_Q = /^\s*(?:[-*]\s*)?(?:\*\*|__)?(?:Q|Question)(?:\*\*|__)?\s*[:.)]\s*(?:\*\*|__)?\s*(.+)$/i;
const QA_A = /^\s*(?:[-*]\s*)?(?:\*\*|__)?(?:A|Answer)(?:\*\*|__)?\s*[:.)]\s*(?:\*\*|__)?\s*(.*)$/i;

/** The first "Q: … / A: …" pair in the text (answer runs until the next Q: or the end). */
export function findQaPair(text: string): { question: string; answer: string } | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const q = QA_Q.exec(lines[i]);
    if (!q) continue;
    const qLines = [q[1].trim()];
    let j = i + 1;
    while (j < lines.length && !QA_A.test(lines[j]) && lines[j].trim() && !QA_Q.test(lines[j])) qLines.push(lines[j++].trim());
    if (j >= lines.length) return undefined;
    const a = QA_A.exec(lines[j]);
    if (!a) continue;
    const aLines = [a[1]];
    for (let k = j + 1; k < lines.length && !QA_Q.test(lines[k]); k++) aLines.push(lines[k]);
    const question = stripMarkup(qLines.join(' ')).replace(/\*\*$/, '').trim();
    const answer = aLines.join('\n').replace(/^\s+|\s+$/g, '');
    if (question && answer) return { question, answer };
  }
  return undefined;
}

/** A question the passage opens with ("What is worth doing with an ordinary Sunday? I keep…"). */
export function openingQuestion(text: string): string | undefined {
  const first =
    text
      .trim()
      .split(/\n\s*\n/, 1)[0]
      ?.replace(/\s+/g, ' ') ?? '';
  const m = /^([^.!?]{8,200}\?)(?:\s|$)/.exec(first);
  if (!m) return undefined;
  return stripMarkup(m[1]).replace(/^>\s*/, '');
}

function norm(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Rule-based proposals, best first, without duplicates. */
export function proposePrompts(ctx: ProposalContext): Proposal[] {
  const out: Proposal[] = [];
  const seen = new Set<string>();
  const add = (p: Proposal | undefined) => {
    if (!p || !p.prompt.trim()) return;
    const k = norm(p.prompt);
    if (seen.has(k)) return;
    seen.add(k);
    out.push(p);
  };
  const nearest = ctx.heading ?? ctx.headingPath?.[ctx.headingPath.length - 1];
  const q = nearest ? questionInHeading(nearest) : undefined;
  if (q) add({ prompt: q, source: 'heading-question', detail: `the question in the heading “${stripMarkup(nearest as string)}”` });
  const qa = findQaPair(ctx.passage);
  if (qa) add({ prompt: qa.question, source: 'qa', detail: 'the Q/A pattern in the text (the answer becomes the example)', assistant: qa.answer });
  const opening = qa ? undefined : openingQuestion(ctx.passage);
  if (opening) add({ prompt: opening, source: 'opening-question', detail: 'the question the passage opens with' });
  // Only the nearest heading: the passage's own, else its nearest enclosing one. A date-only entry heading
  // does not climb to the document title ("Notes to myself" is no question this entry answers).
  const hq = nearest ? headingToQuestion(nearest) : undefined;
  if (hq && nearest) add({ prompt: hq, source: 'heading', detail: `from the heading “${stripMarkup(nearest)}”` });
  return out;
}
