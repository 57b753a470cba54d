/**
 * Streaming JSONL reader over a byte range of a file: fixed 1 MiB reads into one reused buffer, one
 * UTF-8 decode per chunk, never the whole file in memory (a single line is buffered up to
 * `maxLineBytes`, then skipped and reported).
 *
 * Ranges partition a file exactly: a range [start, end) owns the lines whose first byte lies in it.
 * Line numbers passed to the sink are 1-based within the range.
 */
import { abortError } from './abort';
import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';

export interface LineSink {
  line(text: string, lineNo: number, invalidUtf8: boolean): void;
  lineTooLong(lineNo: number, bytes: number): void;
}

export interface ReadOptions {
  signal?: AbortSignal;
  /** Called after each chunk with the number of bytes consumed since the last call. */
  onBytes?: (bytes: number) => void;
  maxLineBytes?: number;
  chunkBytes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 256 * 1024 * 1024;
const NL = 10;

type FileHandle = Awaited<ReturnType<typeof open>>;

/** Indices (within the region) of the lines that are not valid UTF-8, or undefined when all are. */
function invalidUtf8Lines(region: Buffer): Set<number> | undefined {
  if (isUtf8(region)) return undefined;
  const bad = new Set<number>();
  let s = 0;
  for (let i = 0; s < region.length; i++) {
    const e = region.indexOf(NL, s);
    if (!isUtf8(region.subarray(s, e))) bad.add(i);
    s = e + 1;
  }
  return bad;
}

/**
 * Turns chunks into lines for the sink: whole lines are emitted, the unfinished tail is kept for the next chunk,
 * and a line over `maxLine` bytes is skipped (counted, not buffered) and reported once its end is seen.
 */
class LineAssembler {
  private lineNo = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipping = false; // inside an over-long line
  private skippedBytes = 0;

  constructor(
    private readonly sink: LineSink,
    private readonly maxLine: number,
  ) {}

  /** Feed one chunk (which may end in the middle of a line). */
  push(chunk: Buffer): void {
    const lastNl = chunk.lastIndexOf(NL);
    if (lastNl >= 0) {
      this.takeLines(chunk, lastNl);
      this.keepTail(chunk.subarray(lastNl + 1));
    } else this.keepTail(chunk);
  }

  /** A last line without a trailing newline. */
  finish(): void {
    if (this.skipping) this.sink.lineTooLong(++this.lineNo, this.skippedBytes);
    else if (this.pendingBytes > 0) {
      this.pending.push(Buffer.from('\n'));
      this.emitRegion(Buffer.concat(this.pending, this.pendingBytes + 1));
    }
  }

  private emitRegion(region: Buffer): void {
    // region holds complete lines, each terminated by "\n".
    const bad = invalidUtf8Lines(region);
    const text = region.toString('utf8', 0, region.length - 1);
    const mayBeTooLong = region.length > this.maxLine;
    let s = 0;
    for (let i = 0; ; i++) {
      const e = text.indexOf('\n', s);
      const line = e < 0 ? text.slice(s) : text.slice(s, e);
      const bytes = mayBeTooLong ? Buffer.byteLength(line) : 0;
      if (bytes > this.maxLine) this.sink.lineTooLong(++this.lineNo, bytes);
      else this.sink.line(line, ++this.lineNo, bad !== undefined && bad.has(i));
      if (e < 0) break;
      s = e + 1;
    }
  }

  private takeLines(chunk: Buffer, lastNl: number): void {
    // chunk[0..lastNl] completes the pending line and holds whole lines after it.
    if (this.skipping) {
      const first = chunk.indexOf(NL);
      this.sink.lineTooLong(++this.lineNo, this.skippedBytes + first + 1);
      this.skipping = false;
      this.skippedBytes = 0;
      if (first < lastNl) this.emitRegion(chunk.subarray(first + 1, lastNl + 1));
      return;
    }
    const head = chunk.subarray(0, lastNl + 1);
    if (this.pendingBytes > 0) {
      this.pending.push(head);
      const region = Buffer.concat(this.pending, this.pendingBytes + head.length);
      this.pending = [];
      this.pendingBytes = 0;
      this.emitRegion(region);
    } else this.emitRegion(head);
  }

  private keepTail(tail: Buffer): void {
    if (tail.length === 0) return;
    if (this.skipping) {
      this.skippedBytes += tail.length;
      return;
    }
    if (this.pendingBytes + tail.length > this.maxLine) {
      this.skipping = true;
      this.skippedBytes = this.pendingBytes + tail.length;
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    this.pending.push(Buffer.from(tail)); // copy: the read buffer is reused
    this.pendingBytes += tail.length;
  }
}

/** The offset of the first line that starts at or after `start` (-1: none does). */
async function firstLineAt(fh: FileHandle, buf: Buffer, start: number, size: number): Promise<number> {
  if (start === 0) return 0;
  let p = start - 1;
  while (p < size) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, p);
    if (bytesRead === 0) break;
    const k = buf.subarray(0, bytesRead).indexOf(NL);
    if (k >= 0) return p + k + 1;
    p += bytesRead;
  }
  return -1;
}

/** Read the lines owned by [start, end) and feed them to `sink`; returns the number of bytes owned. */
export async function readRange(file: string, start: number, end: number, sink: LineSink, opts: ReadOptions = {}): Promise<number> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    end = Math.min(end, size);
    const buf = Buffer.allocUnsafe(opts.chunkBytes ?? 1024 * 1024);
    let pos = await firstLineAt(fh, buf, start, size);
    if (pos < 0 || pos >= end) return 0;
    const lines = new LineAssembler(sink, opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    let consumed = 0;
    let done = false;
    while (!done) {
      if (opts.signal?.aborted) throw abortError();
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      const chunkStart = pos;
      let chunk = buf.subarray(0, bytesRead);
      pos += bytesRead;
      if (pos >= end) {
        // The last owned line is the one containing byte end-1: stop at its "\n".
        const k = chunk.indexOf(NL, Math.max(0, end - 1 - chunkStart));
        if (k >= 0) {
          chunk = chunk.subarray(0, k + 1);
          done = true;
        }
      }
      lines.push(chunk);
      consumed += chunk.length;
      opts.onBytes?.(chunk.length);
    }
    lines.finish();
    return consumed;
  } finally {
    await fh.close();
  }
}
