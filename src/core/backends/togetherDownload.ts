/**
 * Bringing a Together fine-tune's weights home (`GET /finetune/download`: `ft_id`, `checkpoint` or `checkpoint_step`;
 * the body is the archive's bytes). Streamed to a temp file beside the target (fsynced, then renamed over it), so a
 * cancelled or failed download leaves nothing half-written under the target's name. `confirm` sees the size Together
 * announces (Content-Length) before any byte is written; declining aborts the request.
 */
import { createWriteStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type OpenAI from 'openai';

export interface WeightsDownloadRequest {
  /** The fine-tune job id (`ft-…`). */
  readonly jobId: string;
  /** The archive's path; its folder must exist. */
  readonly dest: string;
  /** Defaults to the adapter. Ignored by Together when `checkpointStep` is set. */
  readonly checkpoint?: 'adapter' | 'merged';
  readonly checkpointStep?: number;
  readonly signal?: AbortSignal;
  /** Asked once the response headers arrived: false = stop, nothing written. `bytes` undefined = size not announced. */
  readonly confirm?: (bytes: number | undefined) => Promise<boolean>;
  readonly onProgress?: (bytesDone: number, bytesTotal: number | undefined) => void;
}

export type WeightsDownloadResult =
  { readonly status: 'downloaded'; readonly file: string; readonly bytes: number; readonly filename?: string } | { readonly status: 'declined' };

function filenameOf(disposition: string | null): string | undefined {
  const m = disposition ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition) : null;
  return m ? path.basename(decodeURIComponent(m[1])) : undefined;
}

export async function downloadWeights(client: OpenAI, req: WeightsDownloadRequest): Promise<WeightsDownloadResult> {
  const ctl = new AbortController();
  const abort = () => ctl.abort(req.signal?.reason);
  req.signal?.addEventListener('abort', abort, { once: true });
  const query: Record<string, string | number> = { ft_id: req.jobId };
  if (req.checkpointStep !== undefined) query.checkpoint_step = req.checkpointStep;
  else query.checkpoint = req.checkpoint ?? 'adapter';
  const tmp = path.join(path.dirname(req.dest), `.${path.basename(req.dest)}.${process.pid}.download.tmp`);
  try {
    const res = await client.get('/finetune/download', { query, signal: ctl.signal, maxRetries: 0 }).asResponse();
    const length = Number(res.headers.get('content-length'));
    const total = Number.isFinite(length) && length > 0 ? length : undefined;
    if (req.confirm && !(await req.confirm(total))) {
      ctl.abort();
      return { status: 'declined' };
    }
    if (!res.body) throw new Error('Together sent no body for the download.');
    let done = 0;
    const count = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        done += chunk.length;
        req.onProgress?.(done, total);
        cb(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), count, createWriteStream(tmp, { flags: 'w' }), {
      signal: ctl.signal,
    });
    if (total !== undefined && done !== total) throw new Error(`The download ended after ${done} of ${total} bytes.`);
    const fh = await fsp.open(tmp, 'r+');
    await fh.sync().finally(() => fh.close());
    await fsp.rename(tmp, req.dest);
    return { status: 'downloaded', file: req.dest, bytes: done, filename: filenameOf(res.headers.get('content-disposition')) };
  } finally {
    req.signal?.removeEventListener('abort', abort);
    await fsp.rm(tmp, { force: true });
  }
}
