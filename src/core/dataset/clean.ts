import { DatasetFormat } from './types';
import { markdownToPlain, parseBlocks } from './markdown';

export interface CleanOptions {
  format?: DatasetFormat;
  /** Remove a heading on the first line (it becomes prompt context instead of answer text). Default true. */
  stripLeadingHeading?: boolean;
  /** Join hard-wrapped paragraph lines (soft breaks) into one line, so the model does not learn the wrapping. Default true. */
  unwrap?: boolean;
}

export interface CleanResult {
  text: string;
  /** The leading heading's text (without #s), when one was removed. */
  heading?: string;
  removed: { frontMatter: boolean; htmlComments: number; heading: boolean };
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;

/** CRLF/CR → LF, NBSP → space, zero-width characters and BOM removed, Unicode NFC. */
export function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(ZERO_WIDTH, '')
    .replace(/[\u00A0\u202F]/g, ' ')
    .normalize('NFC');
}

/** Drop YAML (`---`) or TOML (`+++`) front matter at the very start of the text. */
export function stripFrontMatter(text: string): { text: string; removed: boolean } {
  const m = /^\s*(---|\+\+\+)[ \t]*\n/.exec(text);
  if (!m) return { text, removed: false };
  const close = m[1] === '---' ? /^(---|\.\.\.)[ \t]*$/ : /^\+\+\+[ \t]*$/;
  const lines = text.slice(m[0].length).split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (close.test(lines[i])) return { text: lines.slice(i + 1).join('\n'), removed: true };
  }
  return { text, removed: false }; // no closing fence: not front matter, keep everything
}

/** Apply `fn` to the parts of the text outside fenced code blocks (code is kept byte for byte). */
export function outsideFences(text: string, fn: (chunk: string) => string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let buf: string[] = [];
  let fence: string | undefined;
  const flush = () => {
    if (buf.length) out.push(fn(buf.join('\n')));
    buf = [];
  };
  for (const line of lines) {
    const m = FENCE.exec(line);
    if (fence === undefined) {
      if (m) {
        flush();
        fence = m[1];
        out.push(line);
      } else buf.push(line);
    } else {
      out.push(line);
      if (m && m[1][0] === fence[0] && m[1].length >= fence.length && line.trim() === m[1]) fence = undefined;
    }
  }
  flush();
  return out.join('\n');
}

export function stripHtmlComments(text: string): { text: string; count: number } {
  let count = 0;
  const t = outsideFences(text, (chunk) =>
    chunk.replace(/<!--[\s\S]*?-->/g, () => {
      count++;
      return '';
    }),
  );
  return { text: t, count };
}

const HEADING = /^\s{0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/;

/** Join soft-wrapped lines of each paragraph (markdown-it tells where paragraphs are; code, tables, lists stay). */
export function unwrapParagraphs(text: string): string {
  const lines = text.split('\n');
  const tokens = parseBlocks(text);
  const merges: [number, number, string][] = [];
  const stack: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.nesting === 1) stack.push(t.type);
    if (t.nesting === -1) stack.pop();
    if (t.type !== 'paragraph_open' || !t.map) continue;
    const [s, e] = t.map;
    if (e - s < 2) continue;
    const inQuote = stack.includes('blockquote_open');
    const joined: string[] = [lines[s].replace(/[ \t]+$/, (sp) => (sp.length >= 2 ? sp : ''))];
    for (let j = s + 1; j < e; j++) {
      const prev = joined[joined.length - 1];
      let cont = lines[j];
      cont = inQuote ? cont.replace(/^\s*(>\s?)+/, '') : cont.replace(/^\s+/, '');
      if (/ {2,}$/.test(prev) || /\\$/.test(prev)) {
        // A hard line break stays a line break.
        const keepPrefix = inQuote ? (/^\s*(>\s?)+/.exec(lines[j])?.[0] ?? '') : (/^\s*/.exec(lines[j])?.[0] ?? '');
        joined[joined.length - 1] = prev.replace(/( {2,}|\\)$/, '');
        joined.push(`${keepPrefix}${cont.replace(/[ \t]+$/, (sp) => (sp.length >= 2 ? sp : ''))}`);
      } else {
        joined[joined.length - 1] = `${prev.replace(/[ \t]+$/, '')} ${cont.replace(/[ \t]+$/, (sp) => (sp.length >= 2 ? sp : ''))}`;
      }
    }
    merges.push([s, e, joined.join('\n')]);
  }
  for (let k = merges.length - 1; k >= 0; k--) {
    const [s, e, repl] = merges[k];
    lines.splice(s, e - s, repl);
  }
  return lines.join('\n');
}

/** Trailing whitespace trimmed, runs of blank lines collapsed to one, outer blank lines removed (code untouched). */
export function normalizeWhitespace(text: string): string {
  const t = outsideFences(text, (chunk) =>
    chunk
      .split('\n')
      .map((l) => l.replace(/[ \t]+$/, ''))
      .join('\n')
      .replace(/\n{3,}/g, '\n\n'),
  );
  return t.replace(/^\s*\n/, '').replace(/\s+$/, '');
}

/**
 * Clean a journal passage for use as an assistant message: front matter and HTML comments dropped,
 * whitespace normalized, hard-wrapped paragraphs joined, the leading heading removed (it is context for
 * the prompt), markdown kept unless the dataset format is plain.
 */
export function cleanPassage(input: string, opts: CleanOptions = {}): CleanResult {
  const removed = { frontMatter: false, htmlComments: 0, heading: false };
  let text = normalizeText(input);
  const fm = stripFrontMatter(text);
  text = fm.text;
  removed.frontMatter = fm.removed;
  const hc = stripHtmlComments(text);
  text = hc.text;
  removed.htmlComments = hc.count;
  // Unwrap before trimming: two trailing spaces mark a hard line break, which stays a line break.
  if (opts.unwrap !== false) text = unwrapParagraphs(text);
  text = normalizeWhitespace(text);
  let heading: string | undefined;
  if (opts.stripLeadingHeading !== false) {
    const first = text.split('\n', 1)[0];
    const m = HEADING.exec(first);
    if (m) {
      heading = m[2].trim();
      removed.heading = true;
      text = normalizeWhitespace(text.slice(first.length));
    }
  }
  if (opts.format === 'plain') text = markdownToPlain(text);
  return { text, heading, removed };
}
