import { cleanPassage, normalizeText } from './clean';
import { parseBlocks, Token } from './markdown';
import { headingTopic, isDateHeading, stripMarkup } from './propose';

/** A candidate passage found in a journal file. Line numbers are 0-based and inclusive. */
export interface JournalPassage {
  startLine: number;
  endLine: number;
  /** The entry's heading (ATX/setext heading text, or a date line), if any. */
  heading?: string;
  /** Enclosing headings above the entry's own, outermost first. */
  headingPath: string[];
  /** What started this passage. */
  boundary: 'start' | 'heading' | 'date' | 'rule';
  /** The source lines startLine..endLine (for an ATX heading, including the heading line). */
  raw: string;
}

export interface SkippedPart {
  startLine: number;
  endLine: number;
  reason: 'empty' | 'too-short' | 'front-matter';
  heading?: string;
}

export interface JournalSplit {
  passages: JournalPassage[];
  skipped: SkippedPart[];
  /** Heading level at which entries were split (headings deeper than this stay inside passages). */
  splitLevel: number | undefined;
}

export interface JournalSplitOptions {
  /** Heading level that starts an entry; default: the level of dated headings, else the most common level. */
  splitLevel?: number;
  /** Passages whose cleaned text is shorter than this are skipped (default 40 characters). */
  minChars?: number;
}

interface Heading {
  line: number;
  /** Lines the heading occupies (setext headings take 2). */
  lines: number;
  level: number;
  text: string;
  dated: boolean;
}

const DATE_LINE = /^\s*(?:\*\*|__|\*|_)?([^*_]{4,60}?)(?:\*\*|__|\*|_)?\s*:?\s*$/;

function mostCommon(levels: number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const l of levels) counts.set(l, (counts.get(l) ?? 0) + 1);
  let best: number | undefined;
  for (const [l, c] of counts) if (best === undefined || c > (counts.get(best) ?? 0) || (c === counts.get(best) && l < best)) best = l;
  return best;
}

/** Front matter at the top (`---`/`+++` fenced): where the body starts (0 if none); the block is recorded as skipped. */
function frontMatterEnd(lines: string[], skipped: SkippedPart[]): number {
  const fm = /^(---|\+\+\+)[ \t]*$/.exec(lines[0] ?? '');
  if (!fm) return 0;
  const close = fm[1] === '---' ? /^(---|\.\.\.)[ \t]*$/ : /^\+\+\+[ \t]*$/;
  for (let i = 1; i < lines.length; i++) {
    if (close.test(lines[i])) {
      skipped.push({ startLine: 0, endLine: i, reason: 'front-matter' });
      return i + 1;
    }
  }
  return 0;
}

interface JournalMarks {
  headings: Heading[];
  rules: number[];
  dateLines: { line: number; text: string }[];
}

const WEEKDAY = /^(mon|tues|wednes|thurs|fri|satur|sun)day\b/i;

function headingOf(t: Token, next: Token | undefined, map: [number, number]): Heading {
  const txt = stripMarkup(next?.content ?? '');
  return {
    line: map[0],
    lines: map[1] - map[0],
    level: Number(t.tag.slice(1)),
    text: txt,
    dated: isDateHeading(txt) || headingTopic(txt) !== stripMarkup(txt) || WEEKDAY.test(txt),
  };
}

/** A paragraph whose first line is a date (or a weekday) alone: the text of that date, else undefined. */
function dateLineText(first: string): string | undefined {
  const m = DATE_LINE.exec(first);
  if ((m && isDateHeading(m[1]) && /\d/.test(m[1])) || (m && /^(mon|tues|wednes|thurs|fri|satur|sun)day\b[^.!?]*$/i.test(m[1]) && m[1].length <= 40)) {
    return stripMarkup(m ? m[1] : first);
  }
  return undefined;
}

/** Top-level headings, horizontal rules and date lines, from markdown-it's block tokens. */
function findMarks(tokens: Token[], lines: string[]): JournalMarks {
  const marks: JournalMarks = { headings: [], rules: [], dateLines: [] };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.level !== 0 || !t.map) continue;
    if (t.type === 'heading_open') {
      marks.headings.push(headingOf(t, tokens[i + 1], t.map));
    } else if (t.type === 'hr') {
      marks.rules.push(t.map[0]);
    } else if (t.type === 'paragraph_open') {
      const date = dateLineText(lines[t.map[0]]);
      if (date !== undefined) marks.dateLines.push({ line: t.map[0], text: date });
    }
  }
  return marks;
}

type Boundary = { line: number; kind: JournalPassage['boundary']; heading?: Heading; date?: string };

/** Where passages start, in line order: headings at or above the split level, rules and date lines. */
function boundariesOf(marks: JournalMarks, splitLevel: number | undefined): Boundary[] {
  const boundaries: Boundary[] = [];
  for (const h of marks.headings) if (splitLevel === undefined || h.level <= splitLevel) boundaries.push({ line: h.line, kind: 'heading', heading: h });
  for (const r of marks.rules) boundaries.push({ line: r, kind: 'rule' });
  for (const d of marks.dateLines) boundaries.push({ line: d.line, kind: 'date', date: d.text });
  boundaries.sort((a, b) => a.line - b.line);
  return boundaries;
}

/** The passage being collected: where it started, what started it, where its body begins, its enclosing headings. */
interface OpenPassage {
  start: number;
  kind: JournalPassage['boundary'];
  heading?: string;
  bodyFrom: number;
  path: string[];
}

interface SplitState {
  lines: string[];
  minChars: number;
  passages: JournalPassage[];
  skipped: SkippedPart[];
}

/** End the open passage before `endExclusive`: keep it as a passage, or record it as skipped (empty / too short). */
function closePassage(st: SplitState, current: OpenPassage, endExclusive: number): void {
  const { lines } = st;
  let s = current.bodyFrom;
  let e = endExclusive - 1;
  while (s <= e && !lines[s].trim()) s++;
  while (e >= s && !lines[e].trim()) e--;
  const headingLine = current.kind === 'heading' ? current.start : undefined;
  const startLine = headingLine ?? s;
  const endLine = Math.max(e, startLine);
  if (s > e) {
    if (current.heading !== undefined || current.kind !== 'start' || endExclusive > current.start + 1) {
      if (current.kind !== 'start' || current.heading)
        st.skipped.push({ startLine: current.start, endLine: Math.max(current.start, endExclusive - 1), reason: 'empty', heading: current.heading });
    }
    return;
  }
  const raw = lines.slice(startLine, endLine + 1).join('\n');
  const body = cleanPassage(lines.slice(s, e + 1).join('\n'), { stripLeadingHeading: false }).text;
  if (body.length < st.minChars) {
    st.skipped.push({ startLine, endLine, reason: 'too-short', heading: current.heading });
    return;
  }
  st.passages.push({ startLine, endLine, heading: current.heading, headingPath: current.path, boundary: current.kind, raw });
}

/** The passage a boundary opens; `path` (the enclosing headings) is updated for a heading. */
function openAt(b: Boundary, current: OpenPassage, path: Heading[]): OpenPassage {
  if (b.kind === 'heading' && b.heading) {
    const h = b.heading;
    while (path.length && path[path.length - 1].level >= h.level) path.pop();
    const next: OpenPassage = { start: h.line, kind: 'heading', heading: h.text, bodyFrom: h.line + h.lines, path: path.map((p) => p.text) };
    // Setext headings: the heading text line is the first line; keep raw starting there.
    path.push(h);
    return next;
  }
  if (b.kind === 'date') return { start: b.line, kind: 'date', heading: b.date, bodyFrom: b.line + 1, path: path.map((p) => p.text) };
  // A rule ends the passage; the next one keeps the enclosing headings (including the entry's own) as context.
  const ctx = current.kind === 'heading' || current.kind === 'date' ? [...current.path, ...(current.heading ? [current.heading] : [])] : current.path;
  return { start: b.line + 1, kind: 'rule', bodyFrom: b.line + 1, path: ctx };
}

/**
 * Split a markdown journal into candidate passages at entry headings, dated entries (`## 2024-03-01`,
 * `# Monday …`, a date alone on a line) and horizontal rules. Uses markdown-it's block structure, so
 * `#` inside code, `---` under a paragraph (a setext heading) and front matter are handled correctly.
 */
export function splitJournal(input: string, opts: JournalSplitOptions = {}): JournalSplit {
  const text = normalizeText(input);
  const lines = text.split('\n');
  const skipped: SkippedPart[] = [];
  // Front matter: blank it out (keeping line numbers) so the parser does not read it as a rule + heading.
  const bodyStart = frontMatterEnd(lines, skipped);
  const parseLines = lines.map((l, i) => (i < bodyStart ? '' : l));
  const marks = findMarks(parseBlocks(parseLines.join('\n')), lines);

  const dated = marks.headings.filter((h) => h.dated);
  const splitLevel = opts.splitLevel ?? (dated.length ? mostCommon(dated.map((h) => h.level)) : mostCommon(marks.headings.map((h) => h.level)));

  const st: SplitState = { lines, minChars: opts.minChars ?? 40, passages: [], skipped };
  const path: Heading[] = [];
  let current: OpenPassage = { start: bodyStart, kind: 'start', bodyFrom: bodyStart, path: [] };
  for (const b of boundariesOf(marks, splitLevel)) {
    if (b.line < bodyStart) continue;
    closePassage(st, current, b.line);
    current = openAt(b, current, path);
  }
  closePassage(st, current, lines.length);
  return { passages: st.passages, skipped, splitLevel };
}
