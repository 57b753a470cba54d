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

/** Read the lines owned by [start, end) and feed them to `sink`; returns the number of bytes owned. */
export async function readRange(file: string, start: number, end: number, sink: LineSink, opts: ReadOptions = {}): Promise<number> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    end = Math.min(end, size);
    const chunkBytes = opts.chunkBytes ?? 1024 * 1024;
    const maxLine = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    const buf = Buffer.allocUnsafe(chunkBytes);
    let pos = start;

    // Align to the first line that starts at or after `start`.
    if (start > 0) {
      let found = -1;
      let p = start - 1;
      while (found < 0 && p < size) {
        const { bytesRead } = await fh.read(buf, 0, chunkBytes, p);
        if (bytesRead === 0) break;
        const k = buf.subarray(0, bytesRead).indexOf(NL);
        if (k >= 0) found = p + k;
        else p += bytesRead;
      }
      if (found < 0) return 0;
      pos = found + 1;
    }
    if (pos >= end) return 0;
    let consumed = 0;

    let lineNo = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let skipping = false; // inside an over-long line
    let skippedBytes = 0;
    let done = false;

    const emitRegion = (region: Buffer): void => {
      // region holds complete lines, each terminated by "\n".
      let bad: Set<number> | undefined;
      if (!isUtf8(region)) {
        bad = new Set();
        let s = 0;
        for (let i = 0; s < region.length; i++) {
          const e = region.indexOf(NL, s);
          if (!isUtf8(region.subarray(s, e))) bad.add(i);
          s = e + 1;
        }
      }
      const text = region.toString('utf8', 0, region.length - 1);
      const mayBeTooLong = region.length > maxLine;
      let s = 0;
      for (let i = 0; ; i++) {
        const e = text.indexOf('\n', s);
        const line = e < 0 ? text.slice(s) : text.slice(s, e);
        const bytes = mayBeTooLong ? Buffer.byteLength(line) : 0;
        if (bytes > maxLine) sink.lineTooLong(++lineNo, bytes);
        else sink.line(line, ++lineNo, bad !== undefined && bad.has(i));
        if (e < 0) break;
        s = e + 1;
      }
    };

    const takeLines = (chunk: Buffer, lastNl: number): void => {
      // chunk[0..lastNl] completes the pending line and holds whole lines after it.
      if (skipping) {
        const first = chunk.indexOf(NL);
        sink.lineTooLong(++lineNo, skippedBytes + first + 1);
        skipping = false;
        skippedBytes = 0;
        if (first < lastNl) emitRegion(chunk.subarray(first + 1, lastNl + 1));
        return;
      }
      const head = chunk.subarray(0, lastNl + 1);
      if (pendingBytes > 0) {
        pending.push(head);
        const region = Buffer.concat(pending, pendingBytes + head.length);
        pending = [];
        pendingBytes = 0;
        emitRegion(region);
      } else emitRegion(head);
    };

    const keepTail = (tail: Buffer): void => {
      if (tail.length === 0) return;
      if (skipping) {
        skippedBytes += tail.length;
        return;
      }
      if (pendingBytes + tail.length > maxLine) {
        skipping = true;
        skippedBytes = pendingBytes + tail.length;
        pending = [];
        pendingBytes = 0;
        return;
      }
      pending.push(Buffer.from(tail)); // copy: `buf` is reused
      pendingBytes += tail.length;
    };

    while (!done) {
      if (opts.signal?.aborted) throw abortError();
      const { bytesRead } = await fh.read(buf, 0, chunkBytes, pos);
      if (bytesRead === 0) break;
      const chunkStart = pos;
      let chunk = buf.subarray(0, bytesRead);
      pos += bytesRead;
      if (pos >= end) {
        // The last owned line is the one containing byte end-1: stop at its "\n".
        const from = Math.max(0, end - 1 - chunkStart);
        const k = chunk.indexOf(NL, from);
        if (k >= 0) {
          chunk = chunk.subarray(0, k + 1);
          done = true;
        }
      }
      const lastNl = chunk.lastIndexOf(NL);
      if (lastNl >= 0) {
        takeLines(chunk, lastNl);
        keepTail(chunk.subarray(lastNl + 1));
      } else keepTail(chunk);
      consumed += chunk.length;
      opts.onBytes?.(chunk.length);
    }
    // A last line without a trailing newline.
    if (skipping) sink.lineTooLong(++lineNo, skippedBytes);
    else if (pendingBytes > 0) {
      pending.push(Buffer.from('\n'));
      emitRegion(Buffer.concat(pending, pendingBytes + 1));
    }
    return consumed;
  } finally {
    await fh.close();
  }
}
