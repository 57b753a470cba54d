import type { AddressInfo } from 'node:net';
import { DEMO_KEY } from './auth';
import { Clock } from './clock';
import type { Emulator, EmulatorConfig, EmulatorFlavor } from './context';
export type { EmulatorFlavor } from './context';
import { FaultPlanner, parseFaults, type Fault, type ServerFaults } from './faults';
import { Persister, emptyState, loadState } from './persistence';
import { hashId } from './random';
import { buildServer, type RequestLogEntry } from './server';

export { DEMO_KEY } from './auth';
export { parseFaults, type Fault, type ServerFaults } from './faults';
export type { RequestLogEntry } from './server';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback only: 127.0.0.1 (default), localhost or ::1. */
  host?: string;
  /** Simulated work runs this many times faster than on OpenAI (default 3: a small job takes about a minute). */
  timeScale?: number;
  /** Seed for ids, job seeds and loss noise (default 1). */
  seed?: number;
  /** Accepted API keys (default: the demo key `sk-emulator-demo`). The first one is returned as `key`. */
  keys?: string[];
  /**
   * Check `Authorization: Bearer <key>` against `keys` (default true, as on OpenAI). `false` behaves like a
   * local server (Ollama, LM Studio, llama.cpp, vLLM without `--api-key`): any Authorization header, or
   * none, is accepted. Cannot be combined with `keys`.
   */
  auth?: boolean;
  /** Directory for a JSON snapshot of the state; without it everything stays in memory. */
  stateDir?: string;
  /** Faults applied to every request (same syntax as the `x-emulator-fault` header). */
  faults?: ServerFaults;
  /** Organization slug used in fine-tuned model names `ft:<base>:<org>:<suffix>:<id>` (default `emulator`). */
  org?: string;
  /** Default streaming speed in tokens per second (default 40; 0 = as fast as possible). */
  tokensPerSecond?: number;
  /** Largest accepted file upload (default 512 MB, OpenAI's limit). */
  maxUploadBytes?: number;
  /** Largest accepted Uploads API part (default 64 MB). */
  maxPartBytes?: number;
  /**
   * Which provider's API to speak: `openai` (default), `together` (Together AI's paths, shapes and serving rules),
   * `fireworks` (Fireworks AI's account-scoped control plane at /v1/accounts/<org>/… and its inference API at
   * /inference/v1; the account ID is `org`), `nebius` (OpenAI's paths, Nebius' hyperparameters) or `azure` (Azure's
   * trainingType, suffix rule and checkpoint IDs).
   */
  flavor?: EmulatorFlavor;
  /** Store the results CSV base64-encoded, as OpenAI's files sometimes are (default false). */
  resultsBase64?: boolean;
}

export interface EmulatorHandle {
  /** Base URL for the SDK, e.g. http://127.0.0.1:PORT/v1 */
  readonly url: string;
  /** A key the server accepts (with `auth: false` any key, or none, is accepted; this is still the demo key). */
  readonly key: string;
  /** Whether requests need one of the accepted keys (false: `auth: false`). */
  readonly auth: boolean;
  readonly port: number;
  /** Server-side record of recent requests (attempt counting, abort checks). */
  readonly requests: readonly RequestLogEntry[];
  /** Moves emulator time forward by `ms` (jobs progress as if that much real time had passed). */
  advance(ms: number): void;
  readonly timeScale: number;
  readonly flavor: EmulatorFlavor;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export async function startEmulator(opts: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new Error(`The emulator binds to loopback only (127.0.0.1, localhost, ::1), not "${host}".`);
  const seed = opts.seed ?? 1;
  const org = opts.org ?? 'emulator';
  if (!/^[\w.-]+$/.test(org)) throw new Error(`org must be a slug (letters, digits, - _ .), got "${org}"`);
  const auth = opts.auth ?? true;
  if (!auth && opts.keys && opts.keys.length > 0) throw new Error('keys and auth: false contradict each other: with authentication off every key is accepted.');
  const keys = opts.keys && opts.keys.length > 0 ? opts.keys : [DEMO_KEY];
  const clock = new Clock(opts.timeScale ?? 3);
  const serverFaults: readonly Fault[] = typeof opts.faults === 'string' ? parseFaults(opts.faults) : (opts.faults ?? []);
  const state = opts.stateDir ? loadState(opts.stateDir, seed, clock) : emptyState(seed);
  const persister = opts.stateDir ? new Persister(opts.stateDir, state, clock) : null;
  const flavor = opts.flavor ?? 'openai';
  if (flavor !== 'openai' && flavor !== 'together' && flavor !== 'fireworks' && flavor !== 'nebius' && flavor !== 'azure')
    throw new Error(`Unknown emulator flavor "${String(flavor)}": use openai, together, fireworks, nebius or azure.`);
  const config: EmulatorConfig = {
    flavor,
    org,
    organizationId: `org-${hashId(24, 'org', org)}`,
    seed,
    tokensPerSecond: opts.tokensPerSecond ?? 40,
    maxUploadBytes: opts.maxUploadBytes ?? 512 * 1024 * 1024,
    maxPartBytes: opts.maxPartBytes ?? 64 * 1024 * 1024,
    maxJsonBytes: 32 * 1024 * 1024,
    resultsBase64: opts.resultsBase64 ?? false,
  };
  const emu: Emulator = { config, state, clock, changed: () => persister?.schedule() };
  const { server, log, shutdown } = buildServer(emu, auth ? new Set(keys) : null, new FaultPlanner(serverFaults, seed));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${hostInUrl}:${port}/v1`,
    key: keys[0],
    auth,
    port,
    requests: log,
    timeScale: clock.timeScale,
    flavor,
    advance: (ms) => {
      clock.advance(ms);
      persister?.schedule();
    },
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close(() => {
          try {
            persister?.flush(); // after the last request, so the snapshot is final
            resolve();
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
        shutdown();
      })),
  };
}
