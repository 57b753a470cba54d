import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';

export type LineProblem = 'invalid-json' | 'not-utf8' | 'torn';

/** One line of a JSONL file. `line` is 1-based. Blank lines are reported with `blank: true`. */
export interface JsonlLine {
  line: number;
  /** The line text without its newline (and without a trailing \r). Lossy for non-UTF-8 lines. */
  raw: string;
  blank: boolean;
  value?: unknown;
  problem?: LineProblem;
  message?: string;
  /** Byte offset of the line start in the file. */
  offset: number;
  /** Raw bytes, only kept for lines with a problem (so nothing is ever lost when they are moved aside). */
  bytes?: Buffer;
}

export interface JsonlScan {
  lines: JsonlLine[];
  /** Number of lines, counting a final line without newline. */
  lineCount: number;
  /** Whether the file ends with a newline (or is empty). */
  endsWithNewline: boolean;
  /** Size in bytes that was read. */
  size: number;
  hadBom: boolean;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function decodeLine(buf: Buffer): string | undefined {
  try {
    return decoder.decode(buf);
  } catch {
    return undefined;
  }
}

/**
 * Parse JSONL from a buffer: every line is parsed on its own; problems are reported with line numbers and
 * never dropped. A last line without a terminating newline that does not parse is reported as `torn`
 * (the signature of a write interrupted by a crash, or of a hand edit in progress).
 */
export function scanJsonlBuffer(buf: Buffer, startOffset = 0, keepValues = true): JsonlScan {
  const lines: JsonlLine[] = [];
  // One validation of the whole buffer; only when it fails is every line decoded strictly on its own.
  const allUtf8 = isUtf8(buf);
  let pos = 0;
  let hadBom = false;
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    hadBom = true;
    pos = 3;
  }
  let n = 0;
  while (pos < buf.length) {
    let end = buf.indexOf(0x0a, pos);
    const terminated = end !== -1;
    if (!terminated) end = buf.length;
    n++;
    let slice = buf.subarray(pos, end);
    if (slice.length && slice[slice.length - 1] === 0x0d) slice = slice.subarray(0, slice.length - 1);
    lines.push(parseLine(slice, n, startOffset + pos, !terminated, keepValues, allUtf8));
    pos = end + 1;
  }
  const endsWithNewline = buf.length === 0 || buf[buf.length - 1] === 0x0a;
  return { lines, lineCount: n, endsWithNewline, size: buf.length, hadBom };
}

function parseLine(slice: Buffer, line: number, offset: number, unterminated: boolean, keepValue: boolean, known: boolean): JsonlLine {
  const raw = known ? slice.toString('utf8') : decodeLine(slice);
  if (raw === undefined) {
    return {
      line,
      raw: slice.toString('utf8'),
      blank: false,
      problem: 'not-utf8',
      message: `line ${line} is not valid UTF-8`,
      offset,
      bytes: Buffer.from(slice),
    };
  }
  if (!raw.trim()) return { line, raw, blank: true, offset };
  try {
    const value: unknown = JSON.parse(raw);
    return keepValue ? { line, raw, blank: false, value, offset } : { line, raw: '', blank: false, value, offset };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    if (unterminated) {
      return {
        line,
        raw,
        blank: false,
        problem: 'torn',
        message: `line ${line} is an incomplete last line (no newline, not valid JSON: ${why})`,
        offset,
        bytes: Buffer.from(slice),
      };
    }
    return { line, raw, blank: false, problem: 'invalid-json', message: `line ${line} is not valid JSON: ${why}`, offset, bytes: Buffer.from(slice) };
  }
}

/** Read and scan a JSONL file (missing file = empty scan). */
export async function scanJsonlFile(file: string): Promise<JsonlScan> {
  const chunks: Buffer[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      createReadStream(file)
        .on('data', (c) => chunks.push(typeof c === 'string' ? Buffer.from(c) : c))
        .on('end', resolve)
        .on('error', reject);
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], lineCount: 0, endsWithNewline: true, size: 0, hadBom: false };
    throw err;
  }
  return scanJsonlBuffer(Buffer.concat(chunks));
}

/** Split text into lines the way scanJsonlBuffer counts them (for callers holding a string). */
export function scanJsonlText(text: string): JsonlScan {
  return scanJsonlBuffer(Buffer.from(text, 'utf8'));
}

/**
 * Stream a JSONL file line by line (memory bounded by the longest line), parsed exactly like `scanJsonlBuffer`:
 * the one JSONL line reader for callers that need not hold the whole file. A missing file yields nothing.
 */
export async function* readJsonlLines(file: string, opts: { signal?: AbortSignal; keepValues?: boolean } = {}): AsyncGenerator<JsonlLine> {
  const stream = createReadStream(file, { signal: opts.signal });
  let rest: Buffer = Buffer.alloc(0);
  let offset = 0;
  let n = 0;
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      if (first) {
        first = false;
        if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
          buf = buf.subarray(3);
          offset = 3;
        }
      }
      let pos = 0;
      for (let end = buf.indexOf(0x0a, pos); end !== -1; end = buf.indexOf(0x0a, pos)) {
        let slice = buf.subarray(pos, end);
        if (slice.length && slice[slice.length - 1] === 0x0d) slice = slice.subarray(0, slice.length - 1);
        yield parseLine(slice, ++n, offset + pos, false, opts.keepValues ?? true, false);
        pos = end + 1;
      }
      offset += pos;
      rest = Buffer.from(buf.subarray(pos));
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (rest.length) {
    let slice = rest;
    if (slice[slice.length - 1] === 0x0d) slice = slice.subarray(0, slice.length - 1);
    yield parseLine(slice, ++n, offset, true, opts.keepValues ?? true, false);
  }
}
