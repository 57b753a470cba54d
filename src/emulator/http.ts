import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, invalidRequest, jsonParseError } from './errors';
import { isObject, typeName, type JsonObject } from './params';

/** Reads the whole request body, failing with 413 past `limit` bytes (the rest is drained, not buffered). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge)
        reject(
          new ApiError(413, `Request body too large: ${size} bytes exceeds the limit of ${limit} bytes.`, 'invalid_request_error', null, 'request_too_large'),
        );
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/** Parses a JSON object body. Empty bodies count as `{}` (endpoints then report the missing parameters). */
export async function readJsonObject(req: IncomingMessage, limit: number): Promise<JsonObject> {
  const raw = await readBody(req, limit);
  const text = raw.toString('utf8').trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw jsonParseError();
  }
  if (!isObject(value)) throw invalidRequest(`Invalid type for request body: expected an object, but got ${typeName(value)} instead.`, null, 'invalid_type');
  return value;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

export function sendError(res: ServerResponse, err: ApiError, headers: Readonly<Record<string, string>> = {}): void {
  sendJson(res, err.status, err.body(), { ...headers, ...err.headers });
}

/** Resolves after `ms`, or early (with `false`) if the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    if (ms <= 0) return setImmediate(() => resolve(!signal?.aborted));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
