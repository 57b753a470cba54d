import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { authenticate } from './auth';
import { chatRoutes } from './chat';
import type { Emulator, RequestContext, Route } from './context';
import { ApiError, invalidUrl, serverError } from './errors';
import { FaultPlanner, statusFaultError, type ActiveFaults } from './faults';
import { fileRoutes } from './files';
import { sendError, sendJson, sleep } from './http';
import { jobRoutes } from './jobs';
import { modelRoutes } from './models';
import { togetherRoutes } from './together';
import { togetherDownloadRoutes } from './togetherDownload';
import { togetherEndpointRoutes } from './togetherEndpoints';
import { fireworksRoutes } from './fireworks';
import { fireworksErrorBody, fwUnauthenticated } from './fireworksErrors';
import { uploadRoutes } from './uploads';

/** What the server remembers about each request (tests count attempts and check aborts with it). */
export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  /** Wall-clock arrival time (ms). */
  readonly at: number;
  status: number;
  readonly retryCount: number | null;
  readonly faults: string[];
  /** Extra facts from the handler: streamed chunk count, `aborted`, created job id… */
  info: Record<string, unknown>;
}

const OPENAI_ROUTES: readonly Route[] = [...modelRoutes, ...fileRoutes, ...uploadRoutes, ...jobRoutes, ...chatRoutes];
const TOGETHER_ROUTES: readonly Route[] = [...togetherRoutes, ...togetherEndpointRoutes, ...togetherDownloadRoutes, ...chatRoutes];
const FIREWORKS_ROUTES: readonly Route[] = fireworksRoutes;
/** Fireworks' inference API lives at /inference/v1 (its control plane at /v1). */
const INFERENCE_PREFIX = '/inference/v1';
const LOG_LIMIT = 2000;

export interface ServerParts {
  readonly server: Server;
  readonly log: RequestLogEntry[];
  /** Aborts every in-flight request (stalled streams included) and destroys sockets. */
  readonly shutdown: () => void;
}

/** `keys` = the accepted API keys; null turns authentication off (any or no Authorization header, like a local server). */
export function buildServer(emu: Emulator, keys: ReadonlySet<string> | null, planner: FaultPlanner): ServerParts {
  const log: RequestLogEntry[] = [];
  const inflight = new Set<AbortController>();
  const sockets = new Set<Socket>();

  const server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    // The abort signal is made on first use: most requests never need one, and making one per request is costly.
    let controller: AbortController | null = null;
    let gone = false;
    const signal = () => {
      if (!controller) {
        controller = new AbortController();
        inflight.add(controller);
        if (gone) controller.abort();
      }
      return controller.signal;
    };
    res.on('close', () => {
      if (controller) inflight.delete(controller);
      if (res.writableFinished) return;
      gone = true;
      controller?.abort();
    });
    handle({ emu, keys, planner, log }, req, res, signal).catch(() => {
      if (!res.headersSent) sendError(res, serverError());
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  return {
    server,
    log,
    shutdown: () => {
      for (const c of inflight) c.abort();
      for (const s of sockets) s.destroy();
    },
  };
}

/** One request: logged, authenticated, faults applied, routed to its handler; errors in the flavor's error body. */
async function handle(
  s: { emu: Emulator; keys: ReadonlySet<string> | null; planner: FaultPlanner; log: RequestLogEntry[] },
  req: IncomingMessage,
  res: ServerResponse,
  signal: () => AbortSignal,
): Promise<void> {
  const { emu, keys, planner, log } = s;
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const fullPath = url.pathname;
  const retryHeader = req.headers['x-stainless-retry-count'];
  const retryCount = typeof retryHeader === 'string' && /^\d+$/.test(retryHeader) ? Number(retryHeader) : null;
  const entry: RequestLogEntry = { method, path: fullPath, at: Date.now(), status: 0, retryCount, faults: [], info: {} };
  log.push(entry);
  if (log.length > LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT);
  res.setHeader('x-request-id', `req_${randomUUID().replace(/-/g, '')}`);
  if (emu.config.flavor === 'openai') {
    res.setHeader('openai-organization', emu.config.org);
    res.setHeader('openai-version', '2020-10-01');
  }
  res.setHeader('x-ratelimit-limit-requests', '10000');
  res.setHeader('x-ratelimit-remaining-requests', '9999');
  res.setHeader('x-ratelimit-reset-requests', '6ms');
  const started = Date.now();
  res.on('finish', () => (entry.status = res.statusCode));
  res.on('close', () => {
    if (!entry.status) entry.status = res.writableFinished ? res.statusCode : 0;
  });
  const fireworks = emu.config.flavor === 'fireworks';
  const inference = fireworks && fullPath.startsWith(`${INFERENCE_PREFIX}/`);
  const fail = (err: unknown) => {
    const e = err instanceof ApiError ? err : serverError();
    if (!(err instanceof ApiError)) entry.info.internalError = String((err as Error)?.stack ?? err);
    const headers = { 'openai-processing-ms': String(Date.now() - started) };
    if (res.headersSent) res.end();
    else if (fireworks) sendJson(res, e.status, fireworksErrorBody(e, inference), { ...headers, ...e.headers });
    else sendError(res, e, headers);
  };
  try {
    if (!inference && !fullPath.startsWith('/v1/') && fullPath !== '/v1') throw invalidUrl(method, fullPath);
    const path = (inference ? fullPath.slice(INFERENCE_PREFIX.length) : fullPath.slice(3)) || '/';
    if (keys) authenticateAs(req, keys, fireworks);
    const headerFaults = FaultPlanner.parseHeader(req.headers['x-emulator-fault']);
    const faults = planner.plan(path, headerFaults, retryCount);
    entry.faults.push(...listFaults(faults));
    if (!(await preResponseFaults(req, res, faults, signal))) return;
    const found = match(routesFor(emu.config.flavor, inference), method, path);
    if (!found) throw invalidUrl(method, fullPath);
    const ctx: RequestContext = {
      emu,
      req,
      res,
      method,
      path,
      query: url.searchParams,
      params: found.params,
      faults,
      get signal() {
        return signal();
      },
      note: (info) => Object.assign(entry.info, info),
    };
    const body = await found.route.handler(ctx);
    if (body !== undefined) sendJson(res, 200, body, { 'openai-processing-ms': String(Date.now() - started) });
  } catch (err) {
    // Let an unread request body drain so the client sees the error instead of a reset connection.
    if (!req.complete && !req.readableEnded) req.resume();
    fail(err);
  }
}

/** latency, reset, stall and status faults that act before any handler runs. False if the response is over. */
async function preResponseFaults(req: IncomingMessage, res: ServerResponse, f: ActiveFaults, signal: () => AbortSignal): Promise<boolean> {
  if (f.latencyMs > 0 && !(await sleep(f.latencyMs, signal()))) return false;
  if (f.reset && f.reset.after === undefined) {
    req.socket.destroy();
    return false;
  }
  if (f.stall && f.stall.after === undefined && !(await sleep(f.stall.ms ?? 2 ** 31 - 1, signal()))) return false;
  if (f.status) {
    req.resume();
    throw statusFaultError(f.status);
  }
  return !res.destroyed;
}

function routesFor(flavor: Emulator['config']['flavor'], inference: boolean): readonly Route[] {
  switch (flavor) {
    case 'openai':
    case 'nebius':
    case 'azure':
      return OPENAI_ROUTES;
    case 'together':
      return TOGETHER_ROUTES;
    case 'fireworks':
      return inference ? chatRoutes : FIREWORKS_ROUTES;
  }
}

/** OpenAI's 401 bodies, or Fireworks' UNAUTHENTICATED for the fireworks flavor. */
function authenticateAs(req: IncomingMessage, keys: ReadonlySet<string>, fireworks: boolean): void {
  try {
    authenticate(req, keys);
  } catch (err) {
    throw fireworks && err instanceof ApiError ? fwUnauthenticated() : err;
  }
}

function listFaults(f: ActiveFaults): string[] {
  const out: string[] = [];
  if (f.latencyMs) out.push(`latency=${f.latencyMs}`);
  if (f.tps !== undefined) out.push(`tps=${f.tps}`);
  for (const x of [f.status, f.reset, f.stall, f.cut, f.streamError, f.jobFail]) if (x) out.push(x.source);
  return out;
}

function match(routes: readonly Route[], method: string, path: string): { route: Route; params: string[] } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (!m) continue;
    try {
      return { route, params: m.slice(1).map((p) => decodeURIComponent(p)) };
    } catch {
      return undefined;
    }
  }
  return undefined;
}
