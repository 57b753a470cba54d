import OpenAI from 'openai';
import { fireworksFetch } from '../backends/fireworksShape';
import { BackendProfile, keyOptional, resolveBaseUrl } from './profile';

export interface ClientOptions {
  /** Per-request timeout in ms (SDK default is 10 minutes). */
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  /** Extra headers, e.g. emulator fault injection in tests. */
  readonly headers?: Record<string, string>;
  /** The fetch the SDK uses (tests wrap the real one to record what is sent; default: global fetch). */
  readonly fetch?: typeof fetch;
}

export type ClientResult = { ok: true; client: OpenAI; baseURL: string } | { ok: false; reason: 'no-key' | 'config'; message: string };

/**
 * The one place an `openai` client is constructed. Every backend (OpenAI, Azure v1, OpenAI-shape servers,
 * the emulator, local chat servers) talks through this SDK.
 */
export function createClient(profile: BackendProfile, apiKey: string | undefined, opts: ClientOptions = {}): ClientResult {
  const base = resolveBaseUrl(profile);
  if (!base.ok) return { ok: false, reason: 'config', message: base.message };
  if (!apiKey && !keyOptional(profile)) {
    return { ok: false, reason: 'no-key', message: `No API key is set for the ${profile.provider} backend. Run "Socratune: Set API Key".` };
  }
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (profile.provider === 'azure' && apiKey) headers['api-key'] = apiKey;
  // Azure's v1 route takes no api-version for GA features; `preview` opts every request into preview ones.
  const apiVersion = profile.provider === 'azure' ? profile.azureApiVersion.trim() : '';
  const client = new OpenAI({
    apiKey: apiKey || 'no-key',
    baseURL: base.baseURL,
    timeout: opts.timeoutMs ?? 120_000,
    maxRetries: opts.maxRetries ?? 2,
    defaultHeaders: headers,
    defaultQuery: apiVersion ? { 'api-version': apiVersion } : undefined,
    dangerouslyAllowBrowser: false,
    // Fireworks' control plane answers errors as grpc Status bodies; the wrapper gives the SDK their message.
    ...(profile.provider === 'fireworks' ? { fetch: fireworksFetch(opts.fetch ?? fetch) } : opts.fetch ? { fetch: opts.fetch } : {}),
  });
  return { ok: true, client, baseURL: base.baseURL };
}
