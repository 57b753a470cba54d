import type OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { classifyError, make } from './errors';
import { ChatError, SamplingParams, Usage } from './types';

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface StreamRequest {
  readonly client: OpenAI;
  /** For messages only ("could not reach 127.0.0.1:11434"). */
  readonly baseURL?: string;
  readonly model: string;
  readonly messages: ChatCompletionMessageParam[];
  readonly params?: SamplingParams;
  /** Stop: aborting this signal cancels the HTTP request, before the first token or mid-stream. */
  readonly signal?: AbortSignal;
  /** Abort as `stalled` when no byte of the reply arrives for this long (default 45 s). */
  readonly idleTimeoutMs?: number;
  /** Longer allowance before the first chunk (model loading, queueing); default = 2 × idle. */
  readonly firstChunkTimeoutMs?: number;
  /** OpenAI wants `max_completion_tokens`; many local servers only know `max_tokens`. */
  readonly maxTokensField?: 'max_completion_tokens' | 'max_tokens';
  /** Ask for the final usage chunk (`stream_options.include_usage`); default true. */
  readonly includeUsage?: boolean;
  /** SDK retries before the first byte; default 0 so the user sees a 429's wait instead of a silent pause. */
  readonly maxRetries?: number;
  /** Extra request headers (e.g. emulator fault injection in tests). */
  readonly headers?: Record<string, string>;
  /** The fetch the SDK should use (wrapped to watch for `[DONE]`); default global fetch. */
  readonly fetch?: Fetch;
  readonly onDelta: (text: string) => void;
  /** Called once when the HTTP response starts (headers received). */
  readonly onOpen?: () => void;
}

export interface StreamOutcome {
  readonly status: 'done' | 'stopped' | 'error';
  /** Everything received, also for `stopped` and `error` (the partial reply is kept). */
  readonly text: string;
  readonly finishReason?: string;
  readonly usage?: Usage;
  readonly error?: ChatError;
  /** Whether the SSE terminator `data: [DONE]` was seen on the wire. */
  readonly sawDone: boolean;
  readonly chunks: number;
  /** ms from start to the first content delta, when there was one. */
  readonly firstTokenMs?: number;
}

/**
 * Streams one chat completion through the `openai` SDK and always resolves (never rejects) with what
 * happened: the text received so far plus `done`, `stopped` or a classified `error`.
 *
 * - Stop = abort `signal`; the SDK aborts the fetch, so the server sees the connection close.
 * - Idle watchdog: no chunk for `idleTimeoutMs` aborts the request and reports `stalled`.
 * - A stream that ends without `finish_reason` (cut connection, server crash) is reported as `truncated`;
 *   `sawDone` records whether `[DONE]` arrived (a missing `[DONE]` after a finish_reason is tolerated).
 */
export async function runChatStream(req: StreamRequest): Promise<StreamOutcome> {
  const started = Date.now();
  const got: Received = { parts: [], chunks: 0, sawDone: false };
  const idleMs = req.idleTimeoutMs ?? 45_000;
  const firstMs = req.firstChunkTimeoutMs ?? idleMs * 2;
  const outcome = (o: OutcomeHead): StreamOutcome => outcomeOf(got, o);

  if (req.signal?.aborted) return outcome({ status: 'stopped' });
  const stop = new Stopper(req.signal);
  stop.arm(firstMs);
  // Stopped by the user or by the watchdog: that, rather than what the SDK threw or how the loop ended, is the outcome.
  const aborted = (): StreamOutcome | undefined => {
    if (stop.reason === 'user') return outcome({ status: 'stopped' });
    if (stop.reason === 'stalled') return outcome({ status: 'error', error: stalledError(req.baseURL, got.chunks ? idleMs : firstMs) });
    return undefined;
  };

  try {
    const client = req.client.withOptions({ fetch: watchDone(req.fetch ?? globalThis.fetch.bind(globalThis), got, () => stop.arm(idleMs), req.onOpen) });
    const stream = await client.chat.completions.create(requestBody(req), {
      signal: stop.signal,
      maxRetries: req.maxRetries ?? 0,
      ...(req.headers ? { headers: req.headers } : {}),
    });
    for await (const chunk of stream) {
      stop.arm(idleMs);
      receive(got, chunk, started, req.onDelta);
    }
    // The SDK ends the loop quietly when the request was aborted: find out why.
    const early = aborted();
    if (early) return early;
    if (!got.finishReason) return outcome({ status: 'error', error: truncatedError(req.baseURL, got.sawDone) });
    return outcome({ status: 'done' });
  } catch (err) {
    return aborted() ?? outcome({ status: 'error', error: classifyError(err, { model: req.model, baseURL: req.baseURL }) });
  } finally {
    stop.dispose();
  }
}

/** What decides an outcome; the rest comes from what was received. */
type OutcomeHead = Pick<StreamOutcome, 'status' | 'error'>;

/** What the stream brought so far (`sawDone` is set by the fetch wrapper watching the wire). */
interface Received {
  parts: string[];
  chunks: number;
  sawDone: boolean;
  finishReason?: string;
  usage?: Usage;
  firstTokenMs?: number;
}

function outcomeOf(got: Received, o: OutcomeHead): StreamOutcome {
  return {
    ...o,
    text: got.parts.join(''),
    sawDone: got.sawDone,
    chunks: got.chunks,
    ...(got.firstTokenMs !== undefined ? { firstTokenMs: got.firstTokenMs } : {}),
    ...(got.usage ? { usage: got.usage } : {}),
    ...(got.finishReason ? { finishReason: got.finishReason } : {}),
  };
}

/** Take in one chunk: its text delta (passed on to `onDelta`), finish reason and usage. */
function receive(got: Received, chunk: ChatCompletionChunk, started: number, onDelta: (text: string) => void): void {
  got.chunks++;
  const choice = chunk.choices?.[0];
  const delta = choice?.delta?.content;
  if (delta) {
    if (got.firstTokenMs === undefined) got.firstTokenMs = Date.now() - started;
    got.parts.push(delta);
    onDelta(delta);
  }
  if (choice?.finish_reason) got.finishReason = choice.finish_reason;
  if (chunk.usage) {
    got.usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens, totalTokens: chunk.usage.total_tokens };
  }
}

function requestBody(req: StreamRequest): ChatCompletionCreateParamsStreaming {
  return {
    model: req.model,
    messages: req.messages,
    stream: true,
    ...(req.includeUsage === false ? {} : { stream_options: { include_usage: true } }),
    ...(req.params?.temperature !== undefined ? { temperature: req.params.temperature } : {}),
    ...(req.params?.topP !== undefined ? { top_p: req.params.topP } : {}),
    ...(req.params?.maxTokens !== undefined ? { [req.maxTokensField ?? 'max_completion_tokens']: req.params.maxTokens } : {}),
  };
}

/** Aborts the request when the user stops (the caller's signal) or the idle watchdog fires, remembering which came first. */
class Stopper {
  private readonly ac = new AbortController();
  private watchdog: ReturnType<typeof setTimeout> | undefined;
  reason: 'user' | 'stalled' | undefined;
  readonly signal = this.ac.signal;

  constructor(private readonly user: AbortSignal | undefined) {
    user?.addEventListener('abort', this.onUserAbort, { once: true });
  }

  private readonly onUserAbort = (): void => this.abort('user');

  private abort(reason: 'user' | 'stalled'): void {
    this.reason ??= reason;
    this.ac.abort();
  }

  /** (Re)start the watchdog: no data for `ms` aborts as `stalled`. */
  arm(ms: number): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => this.abort('stalled'), ms);
  }

  dispose(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.user?.removeEventListener('abort', this.onUserAbort);
  }
}

function stalledError(baseURL: string | undefined, waitedMs: number): ChatError {
  return make(
    'stalled',
    `No data arrived from ${hostOf(baseURL)} for ${Math.round(waitedMs / 1000)} s, so the request was stopped. What arrived is kept; retry when the server responds again.`,
    { retryable: true },
  );
}

function truncatedError(baseURL: string | undefined, sawDone: boolean): ChatError {
  return make(
    'truncated',
    `The stream from ${hostOf(baseURL)} ended before the reply was finished (no finish_reason${sawDone ? '' : ', no [DONE]'}). What arrived is kept.`,
    { retryable: true },
  );
}

/**
 * Wraps fetch so the SSE body is watched (not copied) for `data: [DONE]` and each received byte chunk
 * re-arms the idle watchdog (so a slow model that sends keep-alive comments is not "stalled").
 * Work per chunk is O(chunk); the tail kept between chunks is a few bytes.
 */
function watchDone(base: Fetch, wire: { sawDone: boolean }, onBytes: () => void, onOpen?: () => void): Fetch {
  return async (input, init) => {
    const res = await base(input, init);
    onOpen?.();
    onBytes();
    if (!res.body || !(res.headers.get('content-type') ?? '').includes('text/event-stream')) return res;
    const decoder = new TextDecoder();
    let tail = '';
    const watcher = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, ctl) {
        onBytes();
        const s = tail + decoder.decode(chunk, { stream: true });
        if (!wire.sawDone && /(^|\n)data:\s*\[DONE\]/.test(s)) wire.sawDone = true;
        tail = s.slice(-16);
        ctl.enqueue(chunk);
      },
    });
    return new Response(res.body.pipeThrough(watcher), { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

function hostOf(baseURL: string | undefined): string {
  if (!baseURL) return 'the server';
  try {
    return new URL(baseURL).host;
  } catch {
    return 'the server';
  }
}
