/**
 * Python tracebacks (and CUDA out-of-memory lines) in a trainer log → one `crash` problem each, quoting the traceback's
 * first line, its last frames and the exception line. Lines may carry a `[rank1]: ` prefix or follow a tqdm bar.
 */
import type { LogProblem } from './trainerLog';

const START = /Traceback \(most recent call last\):/;
const FRAME = /^\s*File "[^"]+", line \d+/;
const OOM = /\b(?:OutOfMemoryError|CUDA out of memory|CUDA error: out of memory)\b/;
const KEEP_HEAD = 3;
const KEEP_TAIL = 12;

export class CrashCollector {
  private open: { line: number; lines: string[] } | undefined;

  /** Look at one log line; returns a finished crash problem when this line ends a traceback (or is an OOM line). */
  line(raw: string, lineNo: number, step: number | undefined): LogProblem | undefined {
    const text = raw.replace(/^\[rank\d+\]:\s?/, '');
    const at = text.search(START);
    if (at >= 0) {
      const previous = this.flush(step);
      this.open = { line: lineNo, lines: [text.slice(at).trimEnd()] };
      return previous;
    }
    if (!this.open && FRAME.test(text)) this.open = { line: lineNo, lines: [] };
    if (this.open) {
      if (text.trim() === '') return undefined;
      this.open.lines.push(text.trimEnd());
      // Frames and source lines are indented; the exception line is the first one that is not.
      if (/^\S/.test(text) && !START.test(text) && !FRAME.test(text)) return this.flush(step, text.trim());
      return undefined;
    }
    if (OOM.test(text)) return { kind: 'crash', line: lineNo, message: text.trim(), lines: [text.trim()], ...(step === undefined ? {} : { step }) };
    return undefined;
  }

  /** Close a traceback still open (the log ended inside it). */
  flush(step: number | undefined, exception?: string): LogProblem | undefined {
    const open = this.open;
    this.open = undefined;
    if (!open || open.lines.length === 0) return undefined;
    const lines =
      open.lines.length > KEEP_HEAD + KEEP_TAIL
        ? [...open.lines.slice(0, KEEP_HEAD), `… ${open.lines.length - KEEP_HEAD - KEEP_TAIL} lines …`, ...open.lines.slice(-KEEP_TAIL)]
        : open.lines;
    const message = exception ?? `traceback without an exception line (the log ends inside it): ${open.lines.at(-1)!.trim()}`;
    return { kind: 'crash', line: open.line, message, lines, ...(step === undefined ? {} : { step }) };
  }
}
