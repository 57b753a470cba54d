/**
 * Schemas (valibot) for what the dataset folder holds on disk: the one source of both the TypeScript types and
 * the runtime checks. `dataset.json` is read only through `decodeSettings`; a train.jsonl line through `ChatExampleSchema`.
 */
import * as v from 'valibot';
import { decode, type Decoded } from '../../shared/decode';

const RoleSchema = v.picklist(['system', 'user', 'assistant']);

const ChatMessageSchema = v.looseObject({ role: RoleSchema, content: v.string() });

/** One line of train.jsonl as Socratune reads it: a `messages` array of role/content pairs (other keys kept). */
export const ChatExampleSchema = v.looseObject({ messages: v.array(ChatMessageSchema) });

/** `dataset.json`, leniently: unknown keys are kept, missing ones get defaults, a wrong type is an error. */
export const DatasetSettingsFileSchema = v.looseObject({
  name: v.optional(v.string()),
  systemPrompt: v.optional(v.string('must be a string')),
  format: v.optional(v.picklist(['markdown', 'plain'], 'must be "markdown" or "plain"')),
  createdAt: v.optional(v.string()),
  version: v.optional(v.unknown()),
  split: v.optional(v.looseObject({ ratio: v.number(), seed: v.number(), at: v.string() })),
  nearDuplicateThreshold: v.optional(
    v.pipe(v.number('must be a number in (0, 1]'), v.gtValue(0, 'must be a number in (0, 1]'), v.maxValue(1, 'must be a number in (0, 1]')),
  ),
});

type DatasetSettingsFile = v.InferOutput<typeof DatasetSettingsFileSchema>;

/** dataset.json's text → its fields, or in words what is wrong with it. */
export function decodeSettingsText(text: string): Decoded<DatasetSettingsFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `is not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, message: 'must hold a JSON object' };
  return decode(DatasetSettingsFileSchema, raw);
}

/** The system message of a chat example, if it is one. */
export function systemPromptOf(value: unknown): string | undefined {
  const ex = decode(ChatExampleSchema, value);
  return ex.ok ? ex.value.messages.find((m) => m.role === 'system')?.content : undefined;
}
