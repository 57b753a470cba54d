/**
 * The chat data model shared by the host, the history store and (as plain JSON) the webview.
 * Pure data: no VS Code, no DOM.
 */

/** Sampling parameters the user can set in the chat view. `undefined` = leave it to the server. */
export interface SamplingParams {
  readonly temperature?: number;
  readonly topP?: number;
  readonly maxTokens?: number;
}

/** Where the system prompt of a request came from (shown at a glance in the view). */
export type PromptSource = 'bound' | 'preset' | 'custom' | 'none';

/** What one request was sent with: recorded on every assistant reply so a transcript is reproducible. */
export interface ReplySetup {
  readonly model: string;
  readonly systemPrompt: string;
  readonly promptSource: PromptSource;
  /** Preset name or the dataset a bound prompt came from. */
  readonly promptLabel?: string;
  readonly params: SamplingParams;
}

export type ErrorKind =
  | 'no-key'
  | 'config'
  | 'auth'
  | 'permission'
  | 'not-found'
  | 'rate-limit'
  | 'quota'
  | 'server'
  | 'network'
  | 'timeout'
  | 'stalled'
  | 'truncated'
  | 'bad-request'
  | 'unknown';

/** A classified failure, with a message written for the user (never containing a key). */
export interface ChatError {
  readonly kind: ErrorKind;
  readonly message: string;
  readonly status?: number;
  /** For rate limits: how long the server asked us to wait. */
  readonly retryAfterMs?: number;
  readonly requestId?: string;
  /** Whether pressing Retry can plausibly help. */
  readonly retryable: boolean;
}

export interface Usage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
}

/**
 * The life of a reply: `streaming` while tokens arrive; then `done`, `stopped` (user pressed Stop; partial kept),
 * `error` (partial kept, `error` says why) or `interrupted` (the window closed mid-stream).
 */
export type ReplyStatus = 'streaming' | 'done' | 'stopped' | 'error' | 'interrupted';

export type Feedback = 'up' | 'down';

/** One assistant reply (a linear turn or one side of a compare). */
export interface Reply {
  readonly text: string;
  readonly status: ReplyStatus;
  readonly setup: ReplySetup;
  readonly error?: ChatError;
  readonly finishReason?: string;
  readonly usage?: Usage;
  readonly feedback?: Feedback;
  /** Set once the reply was written to a dataset through `socratune.addExample`. */
  readonly addedToDataset?: { readonly id: string; readonly at: number };
  readonly startedAt: number;
  readonly endedAt?: number;
}

export interface UserTurn {
  readonly kind: 'user';
  readonly id: string;
  readonly text: string;
  readonly at: number;
}

export interface AssistantTurn {
  readonly kind: 'assistant';
  readonly id: string;
  readonly reply: Reply;
}

export type CompareSide = 'a' | 'b';
export type ComparePick = CompareSide | 'tie';

/** The same prompt sent to two setups side by side; `pick` records which one the user preferred. */
export interface CompareTurn {
  readonly kind: 'compare';
  readonly id: string;
  readonly prompt: string;
  readonly at: number;
  readonly a: Reply;
  readonly b: Reply;
  readonly pick?: ComparePick;
  readonly pickedAt?: number;
}

export type Turn = UserTurn | AssistantTurn | CompareTurn;

export interface ConversationMeta {
  readonly id: string;
  readonly title: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Model of the last request, for the list. */
  readonly model?: string;
}

export interface Conversation extends ConversationMeta {
  readonly turns: readonly Turn[];
}

/** One row of the conversation list. */
export interface ConversationSummary extends ConversationMeta {
  readonly turnCount: number;
}

export const MAX_TITLE_LENGTH = 120;

/** A title from the first prompt: first line, trimmed, shortened. */
export function titleFromPrompt(text: string): string {
  const line = text.trim().split(/\r?\n/, 1)[0]?.replace(/\s+/g, ' ').trim() ?? '';
  if (!line) return 'New conversation';
  return line.length > 60 ? `${line.slice(0, 57).trimEnd()}…` : line;
}

/** Stopped, cut at max tokens, failed or interrupted: not a whole answer, so never training data unless edited. */
export function isPartialReply(r: Pick<Reply, 'status' | 'finishReason'>): boolean {
  return r.status !== 'done' || r.finishReason === 'length';
}
