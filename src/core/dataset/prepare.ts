import { cleanPassage, normalizeText, stripFrontMatter, stripHtmlComments } from './clean';
import { Proposal, proposePrompts } from './propose';
import { DatasetFormat, MAX_PASSAGE_CHARS } from './types';

export interface PreparedPassage {
  /** The cleaned passage: the assistant message. */
  assistant: string;
  /** The passage's own leading heading (removed from the answer), if any. */
  heading?: string;
  /** Rule-based prompt proposals, best first (Q/A proposals carry their own cleaned answer). */
  proposals: Proposal[];
  removed: { frontMatter: boolean; htmlComments: number; heading: boolean };
}

export type PassageProblem = { code: 'empty' | 'too-large' | 'binary'; message: string };

/** Why a selected text cannot become an example (checked before anything else), or undefined. */
export function checkPassageText(raw: string): PassageProblem | undefined {
  if (raw.includes('\u0000'))
    return { code: 'binary', message: 'The text contains NUL bytes: this looks like a binary file, not a journal. Nothing was written.' };
  if (raw.includes('\uFFFD'))
    return {
      code: 'binary',
      message:
        'The text contains undecodable characters (U+FFFD): the file is not valid UTF-8. Reopen it with the right encoding ("Reopen with Encoding") and try again. Nothing was written.',
    };
  if (raw.length > MAX_PASSAGE_CHARS) {
    const mb = raw.length / (1024 * 1024);
    return {
      code: 'too-large',
      message: `The selection has ${raw.length.toLocaleString('en-US')} characters (${mb >= 0.1 ? `${mb.toFixed(1)} MB` : `${Math.round(raw.length / 1024)} KB`}); a training example is limited to ${MAX_PASSAGE_CHARS.toLocaleString('en-US')} characters. Select one passage, or use "Create Examples from Journal…" to split a long file. Nothing was written.`,
    };
  }
  if (!raw.trim()) return { code: 'empty', message: 'The selection is empty. Select a passage first. Nothing was written.' };
  return undefined;
}

/** Clean a raw passage and propose prompts for it (rules only; the model is asked separately). */
export function preparePassage(raw: string, opts: { format?: DatasetFormat; headingPath?: string[] } = {}): PreparedPassage {
  const cleaned = cleanPassage(raw, { format: opts.format });
  // Proposals look at the text before unwrapping: "Q: …" and "A: …" are often consecutive lines.
  let lite = stripHtmlComments(stripFrontMatter(normalizeText(raw)).text).text.replace(/^\s*\n/, '');
  if (cleaned.removed.heading) lite = lite.replace(/^[^\n]*\n?/, '');
  const proposals = proposePrompts({ passage: lite, heading: cleaned.heading, headingPath: opts.headingPath }).map((p) =>
    p.assistant !== undefined ? { ...p, assistant: cleanPassage(p.assistant, { format: opts.format, stripLeadingHeading: false }).text } : p,
  );
  return { assistant: cleaned.text, heading: cleaned.heading, proposals, removed: cleaned.removed };
}

/** Enclosing ATX headings of line `line` (0-based) in `lines`, outermost first (code fences respected). */
export function headingPathAt(lines: readonly string[], line: number): string[] {
  const path: { level: number; text: string }[] = [];
  let fence: string | undefined;
  for (let i = 0; i < Math.min(line, lines.length); i++) {
    const l = lines[i];
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(l);
    if (f) {
      if (fence === undefined) fence = f[1][0];
      else if (f[1][0] === fence) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const m = /^\s{0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/.exec(l);
    if (!m) continue;
    const level = m[1].length;
    while (path.length && path[path.length - 1].level >= level) path.pop();
    path.push({ level, text: m[2].trim() });
  }
  return path.map((p) => p.text);
}
