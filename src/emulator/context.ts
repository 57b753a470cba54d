import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from './clock';
import type { ActiveFaults } from './faults';
import type { EmulatorState } from './state';

/** Settings every handler may read. */
export type EmulatorFlavor = 'openai' | 'together' | 'fireworks' | 'nebius' | 'azure';

export interface EmulatorConfig {
  /** Which provider's API the server speaks (paths, shapes, serving rules). */
  readonly flavor: EmulatorFlavor;
  readonly org: string;
  readonly organizationId: string;
  readonly seed: number;
  /** Default streaming speed in tokens/s (0 = as fast as possible). */
  readonly tokensPerSecond: number;
  readonly maxUploadBytes: number;
  readonly maxPartBytes: number;
  readonly maxJsonBytes: number;
  /** Results CSV stored base64-encoded (OpenAI's files sometimes come back that way). */
  readonly resultsBase64: boolean;
}

/** The emulator instance as handlers see it. */
export interface Emulator {
  readonly config: EmulatorConfig;
  readonly state: EmulatorState;
  readonly clock: Clock;
  /** Call after any change that should reach the state directory. */
  changed(): void;
}

/** One request. `path` is relative to /v1; `params` are the route's captured, decoded segments. */
export interface RequestContext {
  readonly emu: Emulator;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly params: readonly string[];
  readonly faults: ActiveFaults;
  /** Aborts when the client goes away or the server closes. */
  readonly signal: AbortSignal;
  readonly note: (info: Record<string, unknown>) => void;
}

/** A handler either returns a JSON body (sent with 200) or writes the response itself and returns undefined. */
export type Handler = (ctx: RequestContext) => Promise<unknown> | unknown;

export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handler: Handler;
}

/** `route('GET', '/files/:id/content', h)`: `:name` captures one path segment. */
export function route(method: string, template: string, handler: Handler): Route {
  const source = template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[a-z_]+/g, '([^/]+)');
  return { method, pattern: new RegExp(`^${source}/?$`), handler };
}
