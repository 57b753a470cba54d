/**
 * The schemas (valibot) of everything the chat webview sends: the one source of the `FromChatWebview` type
 * (src/shared/protocol.ts) and of its run-time check. The webview runs model output (sanitized, but still
 * untrusted territory), so the host treats each message as hostile input: exact shape, no unknown keys,
 * bounded sizes, ids of a fixed alphabet, enumerated commands only.
 */
import * as v from 'valibot';
import { decode } from './decode';
import { HOST_COMMANDS, LIMITS } from './protocol';
import type { FromChatWebview } from './protocol';

export type Validation = { readonly ok: true; readonly message: FromChatWebview } | { readonly ok: false; readonly reason: string };

const ID_RE = /^[A-Za-z0-9_-]{1,80}$/;
// Model IDs: "ft:gpt-4.1-mini-2025-04-14:org:suffix:abc123:ckpt-step-10", "llama3.2:3b", "org/model@rev" …
const MODEL_RE = /^[\w.:/@+-]*$/;

const str = (max: number) => v.pipe(v.string('must be a string'), v.maxLength(max, `longer than ${max} characters`));
const text = (max: number) =>
  v.pipe(
    str(max),
    v.check((s) => s.trim() !== '', 'must not be empty'),
  );
const id = v.pipe(v.string('must be a string'), v.regex(ID_RE, 'must be an id ([A-Za-z0-9_-], ≤ 80)'));
const model = v.pipe(
  v.string('must be a string'),
  v.maxLength(LIMITS.modelIdChars, 'model ID too long'),
  v.regex(MODEL_RE, 'model ID has characters a model ID cannot have'),
);
const bool = v.boolean('must be a boolean');
const num = (min: number, max: number) =>
  v.pipe(
    v.number('must be a finite number'),
    v.finite('must be a finite number'),
    v.minValue(min, `must be between ${min} and ${max}`),
    v.maxValue(max, `must be between ${min} and ${max}`),
  );
const side = v.optional(v.picklist(['a', 'b'], 'must be one of a, b'));
const sideB = v.optional(v.picklist(['b'], 'must be b'));
const type = <T extends string>(t: T) => v.literal(t);
const msg = <T extends string, E extends v.ObjectEntries>(t: T, entries: E) => v.strictObject({ type: type(t), ...entries });

const href = v.pipe(
  text(LIMITS.hrefChars),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    let u: URL;
    try {
      u = new URL(dataset.value);
    } catch {
      addIssue({ message: 'is not an absolute URL' });
      return;
    }
    if (!['http:', 'https:', 'mailto:'].includes(u.protocol)) addIssue({ message: `scheme ${u.protocol} is not allowed` });
  }),
);

const PromptChoiceSchema = v.variant(
  'mode',
  [
    v.strictObject({ mode: v.literal('bound') }),
    v.strictObject({ mode: v.literal('none') }),
    v.strictObject({ mode: v.literal('preset'), presetId: id }),
    v.strictObject({ mode: v.literal('custom'), text: str(LIMITS.presetTextChars) }),
  ],
  'has an unknown mode',
);

const SamplingParamsSchema = v.strictObject({
  temperature: v.optional(num(0, 2)),
  topP: v.optional(num(0, 1)),
  maxTokens: v.optional(v.pipe(num(1, 1_000_000), v.integer('must be an integer'))),
});

/** One exact shape per message type. */
export const FromChatWebviewSchema = v.variant(
  'type',
  [
    msg('chat/ready', { version: v.pipe(num(0, 1000), v.integer('must be an integer')) }),
    msg('chat/send', { text: text(LIMITS.promptChars) }),
    msg('chat/stop', { requestId: v.optional(id) }),
    msg('chat/regenerate', { turnId: id }),
    msg('chat/retry', { turnId: id, side }),
    msg('chat/editResend', { turnId: id, text: text(LIMITS.promptChars) }),
    msg('chat/feedback', { turnId: id, value: v.nullable(v.picklist(['up', 'down'], 'must be one of up, down')), side }),
    msg('chat/pick', { turnId: id, pick: v.picklist(['a', 'b', 'tie'], 'must be one of a, b, tie') }),
    msg('chat/addToDataset', { turnId: id, edit: bool, side }),
    msg('chat/copy', { text: str(LIMITS.copyChars) }),
    msg('chat/openLink', { href }),
    msg('chat/setModel', { model, side: sideB }),
    msg('chat/setPrompt', { choice: PromptChoiceSchema, side: sideB }),
    msg('chat/setParams', { params: SamplingParamsSchema }),
    msg('chat/setCompare', { enabled: bool }),
    msg('chat/savePreset', { id: v.optional(id), name: text(LIMITS.presetNameChars), text: str(LIMITS.presetTextChars) }),
    msg('chat/deletePreset', { id }),
    msg('chat/refreshModels', {}),
    msg('chat/runCommand', { command: v.picklist(HOST_COMMANDS, `must be one of ${HOST_COMMANDS.join(', ')}`) }),
    msg('conversation/new', {}),
    msg('conversation/open', { id }),
    msg('conversation/rename', { id, title: text(LIMITS.titleChars) }),
    msg('conversation/delete', { id }),
    msg('conversation/export', { id }),
  ],
  'unknown message type',
);

export function validateFromChatWebview(value: unknown): Validation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'message is not an object' };
  const t = (value as { type?: unknown }).type;
  if (typeof t !== 'string') return { ok: false, reason: 'message has no string "type"' };
  const r = decode(FromChatWebviewSchema, value);
  if (!r.ok) return { ok: false, reason: r.message === 'unknown message type' ? `unknown message type "${t.slice(0, 40)}"` : `${t}: ${r.message}` };
  return { ok: true, message: r.value };
}

/** Every message type the webview may send (for tests and docs). */
export const FROM_WEBVIEW_TYPES = FromChatWebviewSchema.options.map((o) => o.entries.type.literal);
