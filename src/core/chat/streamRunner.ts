import type OpenAI from 'openai';
import type { ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
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
  const parts: string[] = [];
  let chunks = 0;
  let finishReason: string | undefined;
  let usage: Usage | undefined;
  let firstTokenMs: number | undefined;
  const wire = { sawDone: false };
  const ac = new AbortController();
  let abortReason: 'user' | 'stalled' | undefined;
  const idleMs = req.idleTimeoutMs ?? 45_000;
  const firstMs = req.firstChunkTimeoutMs ?? idleMs * 2;

  const text = (): string => parts.join('');
  const outcome = (o: Omit<StreamOutcome, 'text' | 'sawDone' | 'chunks' | 'firstTokenMs' | 'usage' | 'finishReason'>): StreamOutcome => ({
    ...o,
    text: text(),
    sawDone: wire.sawDone,
    chunks,
    ...(firstTokenMs !== undefined ? { firstTokenMs } : {}),
    ...(usage ? { usage } : {}),
    ...(finishReason ? { finishReason } : {}),
  });

  if (req.signal?.aborted) return outcome({ status: 'stopped' });
  const onUserAbort = (): void => {
    abortReason ??= 'user';
    ac.abort();
  };
  req.signal?.addEventListener('abort', onUserAbort, { once: true });

  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const arm = (ms: number): void => {
    if (watchdog) clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      abortReason ??= 'stalled';
      ac.abort();
    }, ms);
  };
  arm(firstMs);

  const stalledError = (): ChatError =>
    make(
      'stalled',
      `No data arrived from ${hostOf(req.baseURL)} for ${Math.round((chunks ? idleMs : firstMs) / 1000)} s, so the request was stopped. What arrived is kept; retry when the server responds again.`,
      { retryable: true },
    );

  try {
    const client = req.client.withOptions({ fetch: watchDone(req.fetch ?? globalThis.fetch.bind(globalThis), wire, () => arm(idleMs), req.onOpen) });
    const body: ChatCompletionCreateParamsStreaming = {
      model: req.model,
      messages: req.messages,
      stream: true,
      ...(req.includeUsage === false ? {} : { stream_options: { include_usage: true } }),
      ...(req.params?.temperature !== undefined ? { temperature: req.params.temperature } : {}),
      ...(req.params?.topP !== undefined ? { top_p: req.params.topP } : {}),
      ...(req.params?.maxTokens !== undefined ? { [req.maxTokensField ?? 'max_completion_tokens']: req.params.maxTokens } : {}),
    };
    const stream = await client.chat.completions.create(body, {
      signal: ac.signal,
      maxRetries: req.maxRetries ?? 0,
      ...(req.headers ? { headers: req.headers } : {}),
    });
    for await (const chunk of stream) {
      chunks++;
      arm(idleMs);
      const choice = chunk.choices?.[0];
      const delta = choice?.delta?.content;
      if (delta) {
        if (firstTokenMs === undefined) firstTokenMs = Date.now() - started;
        parts.push(delta);
        req.onDelta(delta);
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (chunk.usage) {
        usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens, totalTokens: chunk.usage.total_tokens };
      }
    }
    // The SDK ends the loop quietly when the request was aborted: find out why.
    if (abortReason === 'user') return outcome({ status: 'stopped' });
    if (abortReason === 'stalled') return outcome({ status: 'error', error: stalledError() });
    if (!finishReason) {
      return outcome({
        status: 'error',
        error: make(
          'truncated',
          `The stream from ${hostOf(req.baseURL)} ended before the reply was finished (no finish_reason${wire.sawDone ? '' : ', no [DONE]'}). What arrived is kept.`,
          { retryable: true },
        ),
      });
    }
    return outcome({ status: 'done' });
  } catch (err) {
    if (abortReason === 'user') return outcome({ status: 'stopped' });
    if (abortReason === 'stalled') return outcome({ status: 'error', error: stalledError() });
    return outcome({ status: 'error', error: classifyError(err, { model: req.model, baseURL: req.baseURL }) });
  } finally {
    if (watchdog) clearTimeout(watchdog);
    req.signal?.removeEventListener('abort', onUserAbort);
  }
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
