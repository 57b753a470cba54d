/**
 * Runtime validation of everything the chat webview sends. The webview runs model output (sanitized, but
 * still untrusted territory), so the host treats each message as hostile input: exact shape, no unknown
 * keys, bounded sizes, ids of a fixed alphabet, enumerated commands only.
 */
import { FromChatWebview, FromChatWebviewType, HOST_COMMANDS, LIMITS, PromptChoice } from './protocol';

export type Validation = { readonly ok: true; readonly message: FromChatWebview } | { readonly ok: false; readonly reason: string };

type Obj = Record<string, unknown>;
/** A field check returns an error string, or undefined when the value is acceptable. */
type Check = (v: unknown) => string | undefined;

const ID_RE = /^[A-Za-z0-9_-]{1,80}$/;
// Model IDs: "ft:gpt-4.1-mini-2025-04-14:org:suffix:abc123:ckpt-step-10", "llama3.2:3b", "org/model@rev" …
const MODEL_RE = /^[\w.:/@+-]+$/;

const str =
  (max: number, allowEmpty = true): Check =>
  (v) =>
    typeof v !== 'string'
      ? 'must be a string'
      : !allowEmpty && v.trim() === ''
        ? 'must not be empty'
        : v.length > max
          ? `longer than ${max} characters`
          : undefined;
const id: Check = (v) => (typeof v === 'string' && ID_RE.test(v) ? undefined : 'must be an id ([A-Za-z0-9_-], ≤ 80)');
const model: Check = (v) =>
  typeof v !== 'string'
    ? 'must be a string'
    : v.length > LIMITS.modelIdChars
      ? 'model ID too long'
      : v !== '' && !MODEL_RE.test(v)
        ? 'model ID has characters a model ID cannot have'
        : undefined;
const bool: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be a boolean');
const oneOf =
  (values: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? undefined : `must be one of ${values.join(', ')}`;
const nullable =
  (c: Check): Check =>
  (v) =>
    v === null ? undefined : c(v);
const num =
  (min: number, max: number, integer = false): Check =>
  (v) =>
    typeof v !== 'number' || !Number.isFinite(v)
      ? 'must be a finite number'
      : v < min || v > max
        ? `must be between ${min} and ${max}`
        : integer && !Number.isInteger(v)
          ? 'must be an integer'
          : undefined;
const side = oneOf(['a', 'b']);

function shape(fields: Record<string, Check>, optional: Record<string, Check> = {}): Check {
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'must be an object';
    const o = v as Obj;
    for (const k of Object.keys(o)) if (!(k in fields) && !(k in optional)) return `unexpected field "${k}"`;
    for (const [k, c] of Object.entries(fields)) {
      if (!(k in o)) return `missing field "${k}"`;
      const e = c(o[k]);
      if (e) return `field "${k}" ${e}`;
    }
    for (const [k, c] of Object.entries(optional)) {
      if (k in o && o[k] !== undefined) {
        const e = c(o[k]);
        if (e) return `field "${k}" ${e}`;
      }
    }
    return undefined;
  };
}

const promptChoice: Check = (v) => {
  if (typeof v !== 'object' || v === null) return 'must be an object';
  const mode = (v as { mode?: unknown }).mode;
  switch (mode as PromptChoice['mode']) {
    case 'bound':
    case 'none':
      return shape({ mode: oneOf([mode as string]) })(v);
    case 'preset':
      return shape({ mode: oneOf(['preset']), presetId: id })(v);
    case 'custom':
      return shape({ mode: oneOf(['custom']), text: str(LIMITS.presetTextChars) })(v);
    default:
      return 'has an unknown mode';
  }
};

const params: Check = shape({}, { temperature: num(0, 2), topP: num(0, 1), maxTokens: num(1, 1_000_000, true) });

const href: Check = (v) => {
  const e = str(LIMITS.hrefChars, false)(v);
  if (e) return e;
  try {
    const u = new URL(v as string);
    return ['http:', 'https:', 'mailto:'].includes(u.protocol) ? undefined : `scheme ${u.protocol} is not allowed`;
  } catch {
    return 'is not an absolute URL';
  }
};

/** One exact shape per message type (the `type` field is checked by the table lookup). */
const SCHEMAS: { readonly [K in FromChatWebviewType]: Check } = {
  'chat/ready': shape({ type: str(32), version: num(0, 1000, true) }),
  'chat/send': shape({ type: str(32), text: str(LIMITS.promptChars, false) }),
  'chat/stop': shape({ type: str(32) }, { requestId: id }),
  'chat/regenerate': shape({ type: str(32), turnId: id }),
  'chat/retry': shape({ type: str(32), turnId: id }, { side }),
  'chat/editResend': shape({ type: str(32), turnId: id, text: str(LIMITS.promptChars, false) }),
  'chat/feedback': shape({ type: str(32), turnId: id, value: nullable(oneOf(['up', 'down'])) }, { side }),
  'chat/pick': shape({ type: str(32), turnId: id, pick: oneOf(['a', 'b', 'tie']) }),
  'chat/addToDataset': shape({ type: str(32), turnId: id, edit: bool }, { side }),
  'chat/copy': shape({ type: str(32), text: str(LIMITS.copyChars) }),
  'chat/openLink': shape({ type: str(32), href }),
  'chat/setModel': shape({ type: str(32), model }, { side: oneOf(['b']) }),
  'chat/setPrompt': shape({ type: str(32), choice: promptChoice }, { side: oneOf(['b']) }),
  'chat/setParams': shape({ type: str(32), params }),
  'chat/setCompare': shape({ type: str(32), enabled: bool }),
  'chat/savePreset': shape({ type: str(32), name: str(LIMITS.presetNameChars, false), text: str(LIMITS.presetTextChars) }, { id }),
  'chat/deletePreset': shape({ type: str(32), id }),
  'chat/refreshModels': shape({ type: str(32) }),
  'chat/runCommand': shape({ type: str(32), command: oneOf(HOST_COMMANDS) }),
  'conversation/new': shape({ type: str(32) }),
  'conversation/open': shape({ type: str(32), id }),
  'conversation/rename': shape({ type: str(32), id, title: str(LIMITS.titleChars, false) }),
  'conversation/delete': shape({ type: str(32), id }),
  'conversation/export': shape({ type: str(32), id }),
};

export function validateFromChatWebview(value: unknown): Validation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'message is not an object' };
  const type = (value as Obj).type;
  if (typeof type !== 'string') return { ok: false, reason: 'message has no string "type"' };
  if (!Object.prototype.hasOwnProperty.call(SCHEMAS, type)) return { ok: false, reason: `unknown message type "${type.slice(0, 40)}"` };
  const err = SCHEMAS[type as FromChatWebviewType](value);
  if (err) return { ok: false, reason: `${type}: ${err}` };
  return { ok: true, message: value as FromChatWebview };
}

/** Every message type the webview may send (for tests and docs). */
export const FROM_WEBVIEW_TYPES = Object.keys(SCHEMAS) as FromChatWebviewType[];
