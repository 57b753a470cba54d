import OpenAI from 'openai';
import { ChatError, ErrorKind } from './types';
import { retryAfterMs } from '../http/retryAfter';

/**
 * Turns anything a chat request can throw into a `ChatError` with a message a person can act on.
 * Uses the SDK's error classes (`openai@6`), never string matching on messages alone.
 */
export function classifyError(err: unknown, ctx: { model: string; baseURL?: string }): ChatError {
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return make('timeout', `The request to ${where(ctx)} timed out. The server may be overloaded or unreachable.`, { retryable: true });
  }
  if (err instanceof OpenAI.APIConnectionError) {
    const cause = describeCause(err);
    return make(
      'network',
      `Could not reach ${where(ctx)}${cause ? ` (${cause})` : ''}. Check that the server is running and the base URL is right, then retry.`,
      { retryable: true },
    );
  }
  if (err instanceof OpenAI.APIError) {
    const status = err.status;
    const requestId = err.requestID ?? undefined;
    const detail = serverMessage(err);
    const code = typeof err.code === 'string' ? err.code : undefined;
    const base = { status, requestId };
    if (status === 401) {
      return make('auth', `The API key was rejected (401)${detail ? `: ${detail}` : ''}. Run "Socratune: Set API Key" to replace it.`, {
        ...base,
        retryable: false,
      });
    }
    if (status === 403) {
      return make('permission', `Access denied (403)${detail ? `: ${detail}` : ''}. This key or organization may not be allowed to use ${ctx.model}.`, {
        ...base,
        retryable: false,
      });
    }
    if (status === 404) {
      return make(
        'not-found',
        `Model "${ctx.model}" was not found on ${where(ctx)} (404)${detail ? `: ${detail}` : ''}. Pick another model; a fine-tune that just finished can take a few minutes to load.`,
        { ...base, retryable: true },
      );
    }
    if (status === 429) {
      const retryAfterMs = retryAfter(err.headers);
      if (code === 'insufficient_quota' || err.type === 'insufficient_quota') {
        return make(
          'quota',
          `Your quota is exhausted (429 insufficient_quota)${detail ? `: ${detail}` : ''}. Check plan and billing; retrying will not help.`,
          { ...base, retryable: false },
        );
      }
      const wait = retryAfterMs !== undefined ? ` Try again in ${formatWait(retryAfterMs)}.` : ' Wait a moment, then retry.';
      return make('rate-limit', `Rate limited by ${where(ctx)} (429)${detail ? `: ${detail}` : ''}.${wait}`, { ...base, retryAfterMs, retryable: true });
    }
    if (status !== undefined && status >= 500) {
      return make('server', `${where(ctx)} had a server error (${status})${detail ? `: ${detail}` : ''}. This is usually temporary; retry.`, {
        ...base,
        retryable: true,
      });
    }
    if (status === 400 || status === 422) {
      return make('bad-request', `The server refused the request (${status})${detail ? `: ${detail}` : ''}.`, { ...base, retryable: false });
    }
    if (status === undefined) {
      // An error event inside an SSE stream (the HTTP status was 200).
      return make('server', `The stream reported an error${detail ? `: ${detail}` : ''}.`, { ...base, retryable: true });
    }
    return make('unknown', `Request failed (${status})${detail ? `: ${detail}` : ''}.`, { ...base, retryable: true });
  }
  if (err instanceof OpenAI.OpenAIError && /credentials|api key/i.test(err.message)) {
    return make('no-key', 'No API key is set. Run "Socratune: Set API Key".', { retryable: false });
  }
  const msg = err instanceof Error ? err.message : String(err);
  if (/terminated|ECONNRESET|socket hang up|other side closed|premature close/i.test(msg)) {
    return make('truncated', `The connection to ${where(ctx)} dropped in the middle of the reply. What arrived is kept.`, { retryable: true });
  }
  return make('unknown', `Unexpected error: ${msg}`, { retryable: true });
}

export function make(kind: ErrorKind, message: string, extra: Partial<ChatError> & { retryable: boolean }): ChatError {
  const out: { -readonly [K in keyof ChatError]: ChatError[K] } = { kind, message, retryable: extra.retryable };
  if (extra.status !== undefined) out.status = extra.status;
  if (extra.retryAfterMs !== undefined) out.retryAfterMs = extra.retryAfterMs;
  if (extra.requestId) out.requestId = extra.requestId;
  return out;
}

/** `retry-after-ms`, else `retry-after` (seconds or an HTTP date), as the SDK reads them. */
export const retryAfter: (headers: Headers | undefined, now?: number) => number | undefined = retryAfterMs;

export function formatWait(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  return rest ? `${m} min ${rest} s` : `${m} min`;
}

function where(ctx: { baseURL?: string }): string {
  if (!ctx.baseURL) return 'the server';
  try {
    return new URL(ctx.baseURL).host;
  } catch {
    return 'the server';
  }
}

function serverMessage(err: InstanceType<typeof OpenAI.APIError>): string | undefined {
  const e = err.error;
  if (e && typeof e === 'object' && 'message' in e && typeof e.message === 'string' && e.message) return truncate(e.message);
  return undefined;
}

function describeCause(err: Error): string | undefined {
  const cause = (err as Error & { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const inner = (cause as Error & { cause?: unknown }).cause;
    if (inner instanceof Error && typeof (inner as Error & { code?: unknown }).code === 'string') return String((inner as Error & { code?: unknown }).code);
    return cause.message;
  }
  return undefined;
}

function truncate(s: string): string {
  return s.length > 300 ? `${s.slice(0, 297)}…` : s;
}
