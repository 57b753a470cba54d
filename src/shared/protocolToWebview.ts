/**
 * What the chat webview checks in every message from the host before it touches the DOM (defence in depth, the
 * same way the report and curves webviews check theirs): the message kind and the fields the view reads. The
 * full types stay in ./protocol.ts; turns are checked whole against src/core/chat/schema.ts.
 */
import * as v from 'valibot';
import { TurnSchema } from '../core/chat/schema';
import { decode, type Decoded } from './decode';
import type { ToChatWebview } from './protocol';

const side = v.optional(v.picklist(['a', 'b']));
// Turns are checked whole, with the schema that is the source of their type (and of the history store's guard).
const turn = TurnSchema;
const summary = v.looseObject({ id: v.string(), title: v.string() });
const conversation = v.looseObject({ id: v.string(), title: v.string(), turns: v.array(turn) });
const models = v.looseObject({ entries: v.array(v.looseObject({ id: v.string(), kind: v.string() })), loading: v.boolean(), backend: v.string() });
const dataset = v.looseObject({ available: v.boolean(), name: v.optional(v.string()) });
const settings = {
  settings: v.looseObject({ model: v.string() }),
  activePrompt: v.looseObject({}),
  activePromptB: v.looseObject({}),
  presets: v.array(v.looseObject({})),
};
const stream = v.looseObject({ requestId: v.string(), conversationId: v.string(), turnId: v.string(), side });

const ToChatWebviewSchema = v.variant('type', [
  v.looseObject({
    type: v.literal('chat/state'),
    version: v.number(),
    snapshot: v.looseObject({
      ...settings,
      conversation: v.nullable(conversation),
      conversations: v.array(summary),
      models,
      streams: v.array(stream),
      dataset,
    }),
  }),
  v.looseObject({ type: v.literal('chat/turn'), conversationId: v.string(), turn }),
  v.looseObject({ type: v.literal('chat/truncate'), conversationId: v.string(), keep: v.pipe(v.number(), v.integer(), v.minValue(0)) }),
  v.looseObject({ type: v.literal('chat/streamStart'), stream }),
  v.looseObject({
    type: v.literal('chat/delta'),
    requestId: v.string(),
    conversationId: v.string(),
    turnId: v.string(),
    side,
    offset: v.pipe(v.number(), v.integer(), v.minValue(0)),
    text: v.string(),
  }),
  v.looseObject({ type: v.literal('chat/streamEnd'), requestId: v.string(), conversationId: v.string(), turnId: v.string(), side }),
  v.looseObject({ type: v.literal('chat/conversations'), conversations: v.array(summary) }),
  v.looseObject({ type: v.literal('chat/settings'), ...settings }),
  v.looseObject({ type: v.literal('chat/models'), models }),
  v.looseObject({ type: v.literal('chat/dataset'), dataset }),
  v.looseObject({ type: v.literal('chat/notice'), level: v.picklist(['info', 'warning', 'error']), message: v.string() }),
  v.looseObject({ type: v.literal('chat/focusComposer'), text: v.optional(v.string()) }),
]);

export function decodeToChatWebview(m: unknown): Decoded<ToChatWebview> {
  const r = decode(ToChatWebviewSchema, m);
  return r.ok ? { ok: true, value: m as ToChatWebview } : r;
}
