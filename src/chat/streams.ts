import * as vscode from 'vscode';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { newId } from '../core/chat/conversation';
import { DeltaBatcher, timerScheduler } from '../core/chat/deltaBatcher';
import { make } from '../core/chat/errors';
import { runChatStream, StreamOutcome } from '../core/chat/streamRunner';
import { CompareSide, ReplySetup } from '../core/chat/types';
import { Services } from '../platform/services';
import { StreamInfo, ToChatWebview } from '../shared/protocol';

/** How often deltas are sent to the webview (the webview renders at most once per animation frame). */
const DELTA_CADENCE_MS = 16;
/** A streaming reply is saved this often, so a window reload mid-stream keeps what had arrived. */
const CHECKPOINT_MS = 2_000;

interface Active {
  readonly info: StreamInfo;
  readonly controller: AbortController;
  readonly parts: string[];
  sent: number;
  readonly batcher: DeltaBatcher;
  lastCheckpoint: number;
}

export interface StartOptions {
  readonly conversationId: string;
  readonly turnId: string;
  readonly side?: CompareSide;
  readonly setup: ReplySetup;
  readonly messages: ChatCompletionMessageParam[];
  /** Called every couple of seconds with the text so far (persist a checkpoint). */
  readonly onCheckpoint: (text: string) => void;
  readonly onEnd: (outcome: StreamOutcome) => void | Promise<void>;
}

interface StreamManagerOptions {
  /** Extra headers on every chat request, read per request (injected by SocratuneApi's test seam). */
  readonly requestHeaders?: () => Record<string, string> | undefined;
}

/**
 * Runs chat streams for the session: one `requestId` and AbortController per stream, deltas batched on a
 * timer and posted with their character offset, periodic checkpoints, Stop by id or all at once.
 */
export class StreamManager implements vscode.Disposable {
  private readonly active = new Map<string, Active>();
  private readonly idle = new vscode.EventEmitter<void>();

  constructor(
    private readonly s: Services,
    private readonly post: (m: ToChatWebview) => void,
    private readonly opts: StreamManagerOptions = {},
  ) {}

  list(): StreamInfo[] {
    return [...this.active.values()].map((a) => a.info);
  }

  isStreaming(conversationId: string): boolean {
    return [...this.active.values()].some((a) => a.info.conversationId === conversationId);
  }

  /** Text received so far for a streaming turn (for snapshots). */
  textOf(turnId: string, side?: CompareSide): string | undefined {
    for (const a of this.active.values()) if (a.info.turnId === turnId && a.info.side === side) return a.parts.join('');
    return undefined;
  }

  /** Resolves when no stream is running. */
  whenIdle(): Promise<void> {
    if (this.active.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const sub = this.idle.event(() => {
        if (this.active.size === 0) {
          sub.dispose();
          resolve();
        }
      });
    });
  }

  stop(requestId?: string): number {
    let n = 0;
    for (const a of this.active.values()) {
      if (!requestId || a.info.requestId === requestId) {
        a.controller.abort();
        n++;
      }
    }
    return n;
  }

  stopTurn(turnId: string): void {
    for (const a of this.active.values()) if (a.info.turnId === turnId) a.controller.abort();
  }

  start(o: StartOptions): StreamInfo {
    const info: StreamInfo = { requestId: newId('req'), conversationId: o.conversationId, turnId: o.turnId, ...(o.side ? { side: o.side } : {}) };
    const controller = new AbortController();
    const a: Active = {
      info,
      controller,
      parts: [],
      sent: 0,
      lastCheckpoint: Date.now(),
      batcher: new DeltaBatcher((text) => {
        this.post({
          type: 'chat/delta',
          requestId: info.requestId,
          conversationId: info.conversationId,
          turnId: info.turnId,
          ...(info.side ? { side: info.side } : {}),
          offset: a.sent,
          text,
        });
        a.sent += text.length;
      }, timerScheduler(DELTA_CADENCE_MS)),
    };
    this.active.set(info.requestId, a);
    this.post({ type: 'chat/streamStart', stream: info });
    void this.run(a, o);
    return info;
  }

  private async run(a: Active, o: StartOptions): Promise<void> {
    let outcome: StreamOutcome;
    try {
      outcome = await this.stream(a, o);
    } catch (e) {
      outcome = {
        status: 'error',
        text: a.parts.join(''),
        sawDone: false,
        chunks: 0,
        error: make('unknown', `Unexpected error: ${e instanceof Error ? e.message : String(e)}`, { retryable: true }),
      };
    }
    a.batcher.dispose();
    this.active.delete(a.info.requestId);
    this.post({
      type: 'chat/streamEnd',
      requestId: a.info.requestId,
      conversationId: a.info.conversationId,
      turnId: a.info.turnId,
      ...(a.info.side ? { side: a.info.side } : {}),
    });
    if (outcome.error) this.s.log.warn(`Chat: ${o.setup.model}: ${outcome.error.kind}: ${outcome.error.message}`);
    else
      this.s.log.info(
        `Chat: ${o.setup.model}: ${outcome.status}, ${outcome.text.length} chars${outcome.usage ? `, ${outcome.usage.completionTokens} tokens` : ''}`,
      );
    if (outcome.status === 'done' && outcome.text) void this.s.onboarding.set('socratune.chatReplied', true);
    try {
      await o.onEnd(outcome);
    } catch (e) {
      this.s.log.error(`Chat: could not save the reply from ${o.setup.model}: ${e instanceof Error ? e.message : String(e)}`);
      this.post({ type: 'chat/notice', level: 'error', message: `The reply could not be saved: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      this.idle.fire();
    }
  }

  private async stream(a: Active, o: StartOptions): Promise<StreamOutcome> {
    const profile = this.s.profile();
    const headers = this.opts.requestHeaders?.();
    const c = await this.s.client({ maxRetries: 0, ...(headers ? { headers } : {}) });
    if (!c.ok) {
      return {
        status: 'error',
        text: '',
        sawDone: false,
        chunks: 0,
        error: make(c.reason === 'no-key' ? 'no-key' : 'config', c.message, { retryable: false }),
      };
    }
    if (a.controller.signal.aborted) return { status: 'stopped', text: '', sawDone: false, chunks: 0 };
    return runChatStream({
      client: c.client,
      baseURL: c.baseURL,
      model: o.setup.model,
      messages: o.messages,
      params: o.setup.params,
      signal: a.controller.signal,
      // Fireworks' inference API documents max_tokens (OpenAI's older name), like most OpenAI-shaped servers.
      maxTokensField: profile.provider === 'openai-compatible' || profile.provider === 'fireworks' ? 'max_tokens' : 'max_completion_tokens',
      onDelta: (t) => {
        a.parts.push(t);
        a.batcher.push(t);
        const now = Date.now();
        if (now - a.lastCheckpoint >= CHECKPOINT_MS) {
          a.lastCheckpoint = now;
          o.onCheckpoint(a.parts.join(''));
        }
      },
    });
  }

  dispose(): void {
    this.stop();
    this.idle.dispose();
  }
}
