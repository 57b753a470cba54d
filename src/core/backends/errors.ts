/**
 * Every failure of a backend call becomes one `BackendErrorInfo`: a short title for a tree node, a
 * full message for a notification, the actions that can fix it, and the retry delay the server asked for.
 * Never a bare "403".
 */
import OpenAI from 'openai';
import type { BackendKind } from './types';
import { retryAfterMs } from '../http/retryAfter';

export type ErrorKind =
  | 'no-key'
  | 'config'
  | 'auth'
  | 'finetune-unavailable'
  | 'forbidden'
  | 'not-found'
  | 'unsupported'
  | 'rate-limit'
  | 'quota'
  | 'server'
  | 'network'
  | 'timeout'
  | 'bad-request'
  | 'aborted'
  | 'unknown';

export type ErrorAction = 'setApiKey' | 'chooseBackend' | 'openSettings' | 'windDownInfo' | 'retry' | 'showLog';

export interface BackendErrorInfo {
  readonly kind: ErrorKind;
  /** One line, for a tree node label. */
  readonly title: string;
  /** Full explanation for a notification or tooltip. */
  readonly message: string;
  readonly status?: number;
  readonly code?: string;
  readonly param?: string;
  readonly requestId?: string;
  /** Server-requested wait (retry-after-ms / retry-after), if any. */
  readonly retryAfterMs?: number;
  readonly actions: readonly ErrorAction[];
}

export type Operation = 'list' | 'get' | 'create' | 'upload' | 'events' | 'checkpoints' | 'cancel' | 'pause' | 'resume' | 'models' | 'delete-model' | 'file';

/** OpenAI's self-serve fine-tuning wind-down (developers.openai.com/api/docs/deprecations). */
export const OPENAI_WIND_DOWN = {
  neverFineTuned: '2026-05-07',
  noRecentInference: '2026-07-02',
  everyone: '2027-01-06',
  url: 'https://developers.openai.com/api/docs/deprecations',
} as const;

export function windDownExplanation(): string {
  return (
    'OpenAI is winding down self-serve fine-tuning: since ' +
    `${OPENAI_WIND_DOWN.neverFineTuned} organizations that never ran a fine-tuning job cannot create one; since ` +
    `${OPENAI_WIND_DOWN.noRecentInference} organizations with no fine-tuned-model inference in the past 60 days cannot either; ` +
    `from ${OPENAI_WIND_DOWN.everyone} nobody can. Existing fine-tunes keep answering until their base model shuts down. ` +
    'To keep training, choose another backend with "Socratune: Choose Backend…" (it lists each one with its price model and how it serves the result), ' +
    `and archive your jobs with "Socratune: Archive Fine-tunes…". Details: ${OPENAI_WIND_DOWN.url}`
  );
}

export { retryAfterMs };

function bodyMessage(err: InstanceType<typeof OpenAI.APIError>): string {
  const e = err.error as { message?: unknown } | undefined;
  if (e && typeof e.message === 'string' && e.message) return e.message;
  return err.message.replace(/^\d{3}\s+/, '');
}

export function explainError(err: unknown, ctx: { backend: BackendKind; op: Operation; label?: string }): BackendErrorInfo {
  const where = ctx.label ?? ctx.backend;
  if (err instanceof OpenAI.APIUserAbortError || (err instanceof Error && err.name === 'AbortError')) {
    return { kind: 'aborted', title: 'Cancelled', message: 'The request was cancelled.', actions: [] };
  }
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return {
      kind: 'timeout',
      title: `${where} did not answer in time`,
      message: `The request to ${where} timed out. Check the network or the server, then refresh.`,
      actions: ['retry', 'openSettings'],
    };
  }
  if (err instanceof OpenAI.APIConnectionError) {
    const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
    return {
      kind: 'network',
      title: `Cannot reach ${where}`,
      message: `Cannot connect to ${where}${cause}. Check the network, the base URL/endpoint setting, or whether the server is running.`,
      actions: ['retry', 'openSettings'],
    };
  }
  if (err instanceof OpenAI.APIError) return explainApiError(err, ctx, where);
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'unknown', title: message.split('\n')[0].slice(0, 120), message, actions: ['showLog'] };
}

/** An HTTP error from the server, by status: who rejected what, and what the user can do about it. */
function explainApiError(err: InstanceType<typeof OpenAI.APIError>, ctx: { backend: BackendKind; op: Operation }, where: string): BackendErrorInfo {
  const status = err.status;
  const code = typeof err.code === 'string' ? err.code : undefined;
  const param = typeof err.param === 'string' ? err.param : undefined;
  const base = { status, code, param, requestId: err.requestID ?? undefined, retryAfterMs: retryAfterMs(err.headers) };
  const detail = bodyMessage(err);
  const ref = base.requestId ? ` (request ${base.requestId})` : '';
  if (status === 401) {
    return {
      ...base,
      kind: 'auth',
      title: 'API key rejected',
      message: `${where} rejected the API key: ${detail}. Set a valid key with "Socratune: Set API Key".`,
      actions: ['setApiKey'],
    };
  }
  if (status === 403) {
    if (ctx.backend === 'openai' && ctx.op === 'create') {
      return {
        ...base,
        kind: 'finetune-unavailable',
        title: 'OpenAI no longer accepts fine-tuning jobs from this organization',
        message: `OpenAI refused to create the job (403: ${detail}). ${windDownExplanation()}`,
        actions: ['chooseBackend', 'windDownInfo'],
      };
    }
    return {
      ...base,
      kind: 'forbidden',
      title: 'Permission denied',
      message: `${where} denied access (403): ${detail}${ref}. Check the key's project/role permissions.`,
      actions: ['setApiKey', 'chooseBackend'],
    };
  }
  if (status === 404) {
    const unsupported =
      ctx.op === 'events' ||
      ctx.op === 'checkpoints' ||
      ctx.op === 'pause' ||
      ctx.op === 'resume' ||
      (ctx.op === 'list' && /fine_tuning|not found|unknown url|no route/i.test(detail));
    if (unsupported) {
      return {
        ...base,
        kind: 'unsupported',
        title: `${where} does not support this`,
        message: `${where} does not serve this fine-tuning endpoint (404: ${detail}). Is the base URL right, and does the server implement OpenAI fine-tuning?`,
        actions: ['openSettings', 'chooseBackend'],
      };
    }
    return { ...base, kind: 'not-found', title: 'Not found', message: `${where}: not found (404: ${detail})${ref}.`, actions: ['retry'] };
  }
  return explainLoadOrRequestError(base, detail, ref, where);
}

/** 429, 5xx and rejected requests (the statuses that say nothing about the key or the route). */
function explainLoadOrRequestError(
  base: Pick<BackendErrorInfo, 'status' | 'code' | 'param' | 'requestId' | 'retryAfterMs'>,
  detail: string,
  ref: string,
  where: string,
): BackendErrorInfo {
  const { status, code, param } = base;
  if (status === 429) {
    if (code === 'insufficient_quota' || /quota|billing/i.test(detail)) {
      return {
        ...base,
        kind: 'quota',
        title: 'Quota exceeded',
        message: `${where}: ${detail}. Retrying will not help; check your plan and billing.`,
        actions: [],
      };
    }
    return {
      ...base,
      kind: 'rate-limit',
      title: 'Rate limited — backing off',
      message: `${where} is rate-limiting requests: ${detail}. Socratune slows down and retries automatically.`,
      actions: ['retry'],
    };
  }
  if (status !== undefined && status >= 500) {
    return {
      ...base,
      kind: 'server',
      title: `${where} server error (${status})`,
      message: `${where} failed with ${status}: ${detail}${ref}. Socratune retries with backoff.`,
      actions: ['retry'],
    };
  }
  if (status === 400 || status === 422 || status === 409 || status === 413) {
    const what = param ? ` (${param})` : '';
    return {
      ...base,
      kind: 'bad-request',
      title: `Rejected${what}: ${detail}`,
      message: `${where} rejected the request${what}: ${detail}${code ? ` [${code}]` : ''}${ref}. Your local dataset is unchanged.`,
      actions: [],
    };
  }
  return { ...base, kind: 'unknown', title: `Error ${status ?? ''}`.trim(), message: `${where}: ${detail}${ref}`, actions: ['retry', 'showLog'] };
}
