import { ApiError, invalidRequest } from './errors';
import { hash32, rng } from './random';

/**
 * Fault injection. A spec is a comma-separated list of directives, each `name[=value][;param=value…]`:
 *
 *   429;retry-after-ms=200;times=2   status fault (any 4xx/5xx), optional retry-after(-ms), x-should-retry, code, message
 *   500 · 503                        server errors
 *   reset[;after=N]                  destroy the connection (before the response, or after N stream chunks)
 *   stall[;after=N][;ms=M]           stop responding (before the response, or after N chunks) for M ms or until the client leaves
 *   cut[;after=N]                    end a stream cleanly after N chunks, with no finish chunk and no [DONE]
 *   stream-error[;after=N]           send an SSE `data: {"error":…}` after N chunks, then end
 *   latency=MS                       delay before handling
 *   tps=N                            stream at N tokens per second (0 = as fast as possible)
 *   job-fail[;at=validating|running][;step=N][;code=…][;message=…]   the created fine-tuning job fails
 *
 * Common params: `times=N` (only the first N attempts: for a header fault, attempts are counted by the SDK's
 * `x-stainless-retry-count`; for a server fault, by matching requests), `p=0.3` (probability, drawn from the
 * seeded RNG, so reproducible), `path=/chat/completions` (only requests whose path under /v1 starts with it).
 */
export type FaultKind = 'status' | 'reset' | 'stall' | 'cut' | 'stream-error' | 'latency' | 'tps' | 'job-fail';

export interface Fault {
  readonly kind: FaultKind;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly retryAfter?: string;
  readonly shouldRetry?: boolean;
  readonly code?: string;
  readonly message?: string;
  readonly after?: number;
  readonly ms?: number;
  readonly tps?: number;
  readonly at?: 'validating' | 'running';
  readonly step?: number;
  readonly times?: number;
  readonly p?: number;
  readonly path?: string;
  /** The directive text, used to key counters and random draws. */
  readonly source: string;
}

/** Faults configured for the whole server: a spec string or already-parsed directives. */
export type ServerFaults = string | readonly Fault[];

export class FaultSyntaxError extends Error {}

const STREAM_DEFAULT_AFTER = 3;

export function parseFaults(spec: string): Fault[] {
  const faults: Fault[] = [];
  for (const raw of spec.split(',')) {
    const source = raw.trim();
    if (!source) continue;
    const [head, ...rest] = source.split(';').map((s) => s.trim());
    const params = new Map<string, string>();
    for (const p of rest) {
      if (!p) continue;
      const eq = p.indexOf('=');
      if (eq <= 0) throw new FaultSyntaxError(`Fault parameter "${p}" in "${source}" must be name=value.`);
      params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim());
    }
    const eq = head.indexOf('=');
    const name = (eq >= 0 ? head.slice(0, eq) : head).trim().toLowerCase();
    const value = eq >= 0 ? head.slice(eq + 1).trim() : undefined;
    faults.push(buildFault(name, value, params, source));
  }
  return faults;
}

function num(source: string, key: string, v: string | undefined, min = 0): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new FaultSyntaxError(`Fault "${source}": ${key} must be a number >= ${min}, got "${v}".`);
  return n;
}

function buildFault(name: string, value: string | undefined, params: Map<string, string>, source: string): Fault {
  const common = {
    source,
    times: num(source, 'times', params.get('times'), 1),
    p: num(source, 'p', params.get('p')),
    path: params.get('path'),
    code: params.get('code'),
    message: params.get('message'),
  };
  if (common.p !== undefined && common.p > 1) throw new FaultSyntaxError(`Fault "${source}": p must be within [0, 1].`);
  const known = new Set(['times', 'p', 'path', 'code', 'message']);
  const allow = (...keys: string[]) => {
    for (const k of params.keys()) if (!known.has(k) && !keys.includes(k)) throw new FaultSyntaxError(`Fault "${source}": unknown parameter "${k}".`);
  };
  if (/^[45]\d\d$/.test(name)) {
    allow('retry-after-ms', 'retry-after', 'x-should-retry');
    const shouldRetry = params.get('x-should-retry');
    return {
      ...common,
      kind: 'status',
      status: Number(name),
      retryAfterMs: num(source, 'retry-after-ms', params.get('retry-after-ms')),
      retryAfter: params.get('retry-after'),
      shouldRetry: shouldRetry === undefined ? undefined : shouldRetry === 'true',
    };
  }
  switch (name) {
    case 'reset':
    case 'cut':
    case 'stream-error':
      allow('after');
      return { ...common, kind: name, after: num(source, 'after', params.get('after')) };
    case 'stall':
      allow('after', 'ms');
      return { ...common, kind: 'stall', after: num(source, 'after', params.get('after')), ms: num(source, 'ms', params.get('ms')) };
    case 'latency':
      allow();
      return { ...common, kind: 'latency', ms: num(source, 'latency', value ?? params.get('ms')) ?? 0 };
    case 'tps':
      allow();
      return { ...common, kind: 'tps', tps: num(source, 'tps', value) ?? 0 };
    case 'job-fail': {
      allow('at', 'step');
      const at = params.get('at') ?? 'running';
      if (at !== 'validating' && at !== 'running') throw new FaultSyntaxError(`Fault "${source}": at must be validating or running.`);
      return { ...common, kind: 'job-fail', at, step: num(source, 'step', params.get('step'), 1) };
    }
    default:
      throw new FaultSyntaxError(
        `Unknown fault "${name}" in "${source}". Known: 4xx/5xx status, reset, stall, cut, stream-error, latency=MS, tps=N, job-fail.`,
      );
  }
}

/** What applies to one request after filtering by path, attempt count and probability. */
export interface ActiveFaults {
  readonly latencyMs: number;
  readonly status?: Fault;
  readonly reset?: Fault;
  readonly stall?: Fault;
  readonly cut?: Fault;
  readonly streamError?: Fault;
  readonly tps?: number;
  readonly jobFail?: Fault;
}

/** Chooses the faults for each request, reproducibly (seeded draws, counted attempts). */
export class FaultPlanner {
  private readonly counters = new Map<string, number>();

  constructor(
    private readonly server: readonly Fault[],
    private readonly seed: number,
  ) {}

  /** Parses the request header; a malformed header is the client's error (400), never a crash. */
  static parseHeader(value: string | string[] | undefined): Fault[] {
    const text = Array.isArray(value) ? value.join(',') : value;
    if (!text) return [];
    try {
      return parseFaults(text);
    } catch (err) {
      throw invalidRequest(`Invalid x-emulator-fault header: ${(err as Error).message}`, 'x-emulator-fault', 'invalid_fault');
    }
  }

  plan(path: string, header: readonly Fault[], retryCount: number | null): ActiveFaults {
    const picked: Fault[] = [];
    for (const f of this.server) if (this.applies(f, path, `server|${f.source}`, undefined)) picked.push(f);
    for (const f of header) if (this.applies(f, path, `header|${f.source}`, retryCount ?? undefined)) picked.push(f);
    let latencyMs = 0;
    const out: { -readonly [K in keyof ActiveFaults]: ActiveFaults[K] } = { latencyMs };
    for (const f of picked) {
      switch (f.kind) {
        case 'latency':
          latencyMs += f.ms ?? 0;
          break;
        case 'tps':
          out.tps = f.tps;
          break;
        case 'status':
          out.status ??= f;
          break;
        case 'reset':
          out.reset ??= f;
          break;
        case 'stall':
          out.stall ??= f;
          break;
        case 'cut':
          out.cut ??= f;
          break;
        case 'stream-error':
          out.streamError ??= f;
          break;
        case 'job-fail':
          out.jobFail ??= f;
          break;
      }
    }
    out.latencyMs = latencyMs;
    return out;
  }

  private applies(f: Fault, path: string, key: string, retryCount: number | undefined): boolean {
    if (f.path && !path.startsWith(f.path)) return false;
    const n = this.counters.get(key) ?? 0;
    this.counters.set(key, n + 1);
    if (f.times !== undefined) {
      const attempt = retryCount ?? n;
      if (attempt >= f.times) return false;
    }
    if (f.p !== undefined) {
      const draw = rng(hash32(this.seed, key, n))();
      if (draw >= f.p) return false;
    }
    return true;
  }
}

/** The error response for a status fault, with OpenAI's type/code for well-known statuses. */
export function statusFaultError(f: Fault): ApiError {
  const status = f.status ?? 500;
  const headers: Record<string, string> = {};
  if (f.retryAfterMs !== undefined) headers['retry-after-ms'] = String(f.retryAfterMs);
  if (f.retryAfter !== undefined) headers['retry-after'] = f.retryAfter;
  if (f.shouldRetry !== undefined) headers['x-should-retry'] = String(f.shouldRetry);
  const d = defaults(status, f.code);
  return new ApiError(status, f.message ?? d.message, d.type, null, f.code ?? d.code, headers);
}

function defaults(status: number, code: string | undefined): { message: string; type: string; code: string | null } {
  if (status === 429 && code === 'insufficient_quota') {
    return { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', code };
  }
  switch (status) {
    case 429:
      return { message: 'Rate limit reached for requests (emulated). Please try again shortly.', type: 'requests', code: 'rate_limit_exceeded' };
    case 500:
      return { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', code: null };
    case 502:
      return { message: 'Bad gateway.', type: 'server_error', code: null };
    case 503:
      return { message: 'The engine is currently overloaded, please try again later.', type: 'server_error', code: 'server_is_overloaded' };
    case 401:
      return { message: 'Incorrect API key provided (emulated fault).', type: 'invalid_request_error', code: 'invalid_api_key' };
    case 403:
      return { message: 'You are not allowed to perform this operation (emulated fault).', type: 'invalid_request_error', code: null };
    case 404:
      return { message: 'Not found (emulated fault).', type: 'invalid_request_error', code: null };
    default:
      return { message: `Emulated ${status} error.`, type: status >= 500 ? 'server_error' : 'invalid_request_error', code: null };
  }
}

export const streamFaultAfter = (f: Fault | undefined): number => f?.after ?? STREAM_DEFAULT_AFTER;
