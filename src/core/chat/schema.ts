/**
 * The chat data model as valibot schemas: the source of the types in ./types.ts and of the guards applied to what
 * is read back from disk (the history store's logs) and to what the chat webview receives from the host.
 */
import * as v from 'valibot';

export const SamplingParamsSchema = v.object({
  temperature: v.optional(v.number()),
  topP: v.optional(v.number()),
  maxTokens: v.optional(v.number()),
});

export const ReplySetupSchema = v.object({
  model: v.string(),
  systemPrompt: v.string(),
  promptSource: v.picklist(['bound', 'preset', 'custom', 'none']),
  /** Preset name or the dataset a bound prompt came from. */
  promptLabel: v.optional(v.string()),
  params: SamplingParamsSchema,
});

export const ErrorKindSchema = v.picklist([
  'no-key',
  'config',
  'auth',
  'permission',
  'not-found',
  'rate-limit',
  'quota',
  'server',
  'network',
  'timeout',
  'stalled',
  'truncated',
  'bad-request',
  'unknown',
]);

export const ChatErrorSchema = v.object({
  kind: ErrorKindSchema,
  message: v.string(),
  status: v.optional(v.number()),
  /** For rate limits: how long the server asked us to wait. */
  retryAfterMs: v.optional(v.number()),
  requestId: v.optional(v.string()),
  /** Whether pressing Retry can plausibly help. */
  retryable: v.boolean(),
});

export const UsageSchema = v.object({ promptTokens: v.number(), completionTokens: v.number(), totalTokens: v.number() });

/**
 * The life of a reply: `streaming` while tokens arrive; then `done`, `stopped` (user pressed Stop; partial kept),
 * `error` (partial kept, `error` says why) or `interrupted` (the window closed mid-stream).
 */
const ReplyStatusSchema = v.picklist(['streaming', 'done', 'stopped', 'error', 'interrupted']);

export const ReplySchema = v.object({
  text: v.string(),
  status: ReplyStatusSchema,
  setup: ReplySetupSchema,
  error: v.optional(ChatErrorSchema),
  finishReason: v.optional(v.string()),
  usage: v.optional(UsageSchema),
  feedback: v.optional(v.picklist(['up', 'down'])),
  /** Set once the reply was written to a dataset through the dataset service. */
  addedToDataset: v.optional(v.object({ id: v.string(), at: v.number() })),
  startedAt: v.number(),
  endedAt: v.optional(v.number()),
});

export const UserTurnSchema = v.object({ kind: v.literal('user'), id: v.string(), text: v.string(), at: v.number() });

export const AssistantTurnSchema = v.object({ kind: v.literal('assistant'), id: v.string(), reply: ReplySchema });

export const CompareTurnSchema = v.object({
  kind: v.literal('compare'),
  id: v.string(),
  prompt: v.string(),
  at: v.number(),
  a: ReplySchema,
  b: ReplySchema,
  /** Which side the user preferred. */
  pick: v.optional(v.picklist(['a', 'b', 'tie'])),
  pickedAt: v.optional(v.number()),
});

export const TurnSchema = v.variant('kind', [UserTurnSchema, AssistantTurnSchema, CompareTurnSchema]);

export const ConversationMetaSchema = v.object({
  id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,80}$/)),
  title: v.string(),
  createdAt: v.number(),
  updatedAt: v.number(),
  /** Model of the last request, for the list. */
  model: v.optional(v.string()),
});

export const ConversationSummarySchema = v.object({ ...ConversationMetaSchema.entries, turnCount: v.number() });

/** A conversation log's size and mtime as of its entry in the history index (history index.json, `logs`). */
export const LogStampSchema = v.object({ size: v.number(), mtimeMs: v.number() });
export type LogStamp = v.InferOutput<typeof LogStampSchema>;
