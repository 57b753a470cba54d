import type { RequestContext } from './context';
import type { ActiveFaults, Fault } from './faults';
import { sleep } from './http';

const BATCH = 32;

export interface StreamOptions {
  /** Pause between chunks (0 = as fast as the socket takes them). */
  readonly intervalMs: number;
  /** Returns the `obfuscation` padding OpenAI adds to each chunk, or undefined to leave it out. */
  readonly obfuscate?: () => string;
  readonly faults: ActiveFaults;
  readonly faultAfter: (f: Fault | undefined) => number;
}

export interface StreamResult {
  /** Data events written (not counting [DONE]). */
  sent: number;
  aborted: boolean;
  fault?: string;
}

/**
 * Writes Server-Sent Events `data: <json>\n\n` … `data: [DONE]\n\n` at a steady pace, honouring back-pressure,
 * stopping as soon as the client disconnects, and applying mid-stream faults (reset, stall, cut, stream-error).
 */
export async function writeStream(ctx: RequestContext, chunks: readonly object[], opts: StreamOptions): Promise<StreamResult> {
  const { res, signal } = ctx;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
  const f = opts.faults;
  const midStream = [f.reset?.after !== undefined ? f.reset : undefined, f.stall?.after !== undefined ? f.stall : undefined, f.cut, f.streamError].filter(
    (x): x is Fault => x !== undefined,
  );
  const result: StreamResult = { sent: 0, aborted: false };
  const start = Date.now();
  for (let i = 0; i <= chunks.length; i++) {
    for (const fault of midStream) {
      if (opts.faultAfter(fault) !== i) continue;
      result.fault = fault.source;
      switch (fault.kind) {
        case 'reset':
          // Let what was written reach the client first, so "reset after N chunks" is exact.
          await flushed(res);
          res.socket?.destroy();
          return result;
        case 'cut':
          res.end();
          return result;
        case 'stream-error':
          await write(
            res,
            `data: ${JSON.stringify({ error: { message: fault.message ?? 'The server had an error while streaming the response (emulated fault).', type: 'server_error', param: null, code: fault.code ?? null } })}\n\n`,
            signal,
          );
          res.end();
          return result;
        case 'stall':
          if (!(await sleep(fault.ms ?? 2 ** 31 - 1, signal))) {
            result.aborted = true;
            return result;
          }
          break;
        case 'status':
        case 'latency':
        case 'tps':
        case 'job-fail':
          break; // not mid-stream faults: never in `midStream`
      }
    }
    if (signal.aborted) {
      result.aborted = true;
      return result;
    }
    if (i === chunks.length) break;
    if (opts.intervalMs > 0 && i > 0) {
      const wait = start + i * opts.intervalMs - Date.now();
      if (!(await sleep(Math.max(0, wait), signal))) {
        result.aborted = true;
        return result;
      }
    }
    let json = JSON.stringify(chunks[i]);
    if (opts.obfuscate) json = `${json.slice(0, -1)},"obfuscation":${JSON.stringify(opts.obfuscate())}}`;
    // Unthrottled streams go out in corked batches (fewer, larger socket writes); paced ones chunk by chunk.
    if (opts.intervalMs === 0 && i % BATCH === 0) {
      res.cork();
      process.nextTick(() => res.uncork());
    }
    if (!(await write(res, `data: ${json}\n\n`, signal))) {
      result.aborted = true;
      return result;
    }
    result.sent++;
  }
  await write(res, 'data: [DONE]\n\n', signal);
  res.end();
  return result;
}

/** Writes, waiting for 'drain' under back-pressure. False if the client went away. */
function write(res: RequestContext['res'], text: string, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted || res.destroyed) return Promise.resolve(false);
  if (res.write(text)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      signal.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onAbort = () => done(false);
    res.once('drain', onDrain);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves once everything written so far has been handed to the operating system. */
function flushed(res: RequestContext['res']): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    res.write('', () => resolve());
  });
}
