/**
 * The chat data model shared by the host, the history store and (as plain JSON) the webview.
 * Pure data: no VS Code, no DOM.
 */

import type * as v from 'valibot';
import type {
  AssistantTurnSchema,
  ChatErrorSchema,
  CompareTurnSchema,
  ConversationMetaSchema,
  ErrorKindSchema,
  ReplySchema,
  ReplySetupSchema,
  SamplingParamsSchema,
  UsageSchema,
  UserTurnSchema,
} from './schema';

// The types are the schemas' (./schema.ts): one source for the type and for the guard applied to what is read back.

/** Sampling parameters the user can set in the chat view. `undefined` = leave it to the server. */
export type SamplingParams = Readonly<v.InferOutput<typeof SamplingParamsSchema>>;

/** Where the system prompt of a request came from (shown at a glance in the view). */
export type PromptSource = 'bound' | 'preset' | 'custom' | 'none';

/** What one request was sent with: recorded on every assistant reply so a transcript is reproducible. */
export type ReplySetup = Readonly<v.InferOutput<typeof ReplySetupSchema>>;

export type ErrorKind = v.InferOutput<typeof ErrorKindSchema>;

/** A classified failure, with a message written for the user (never containing a key). */
export type ChatError = Readonly<v.InferOutput<typeof ChatErrorSchema>>;

export type Usage = Readonly<v.InferOutput<typeof UsageSchema>>;

/** One assistant reply (a linear turn or one side of a compare). */
export type Reply = Readonly<v.InferOutput<typeof ReplySchema>>;

export type UserTurn = Readonly<v.InferOutput<typeof UserTurnSchema>>;

export type AssistantTurn = Readonly<v.InferOutput<typeof AssistantTurnSchema>>;

export type CompareSide = 'a' | 'b';
export type ComparePick = CompareSide | 'tie';

/** The same prompt sent to two setups side by side; `pick` records which one the user preferred. */
export type CompareTurn = Readonly<v.InferOutput<typeof CompareTurnSchema>>;

export type Turn = UserTurn | AssistantTurn | CompareTurn;

export type ConversationMeta = Readonly<v.InferOutput<typeof ConversationMetaSchema>>;

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
