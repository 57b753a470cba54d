/**
 * The cookbook's message-token accounting (num_tokens_from_messages / num_assistant_tokens_from_messages),
 * with its known crashes fixed: numbers/booleans/null (weight) count 0 instead of crashing, objects
 * (tool_calls, function_call) count as their JSON text, content-part arrays count their text parts
 * (and 85 tokens per image, OpenAI's low-detail figure).
 */
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
/** Every reply is primed with <|start|>assistant<|message|>. */
export const REPLY_PRIMING_TOKENS = 3;
export const TOKENS_PER_IMAGE = 85;

export type CountFn = (text: string) => number;

export interface ExampleTokens {
  total: number;
  assistant: number;
}

function contentTokens(content: unknown, count: CountFn): number {
  if (typeof content === 'string') return count(content);
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content) {
    if (typeof part !== 'object' || part === null) continue;
    const p = part as { type?: unknown; text?: unknown; refusal?: unknown };
    if (p.type === 'text' && typeof p.text === 'string') n += count(p.text);
    else if (p.type === 'refusal' && typeof p.refusal === 'string') n += count(p.refusal);
    else if (p.type === 'image_url') n += TOKENS_PER_IMAGE;
  }
  return n;
}

function valueTokens(key: string, value: unknown, count: CountFn): number {
  if (typeof value === 'string') return count(value);
  if (value === null || typeof value !== 'object') return 0;
  if (key === 'content' && Array.isArray(value)) return contentTokens(value, count);
  return count(JSON.stringify(value));
}

/** Tokens of one example's messages, counted the cookbook's way. */
export function countExampleTokens(messages: readonly unknown[], count: CountFn): ExampleTokens {
  let total = REPLY_PRIMING_TOKENS;
  let assistant = 0;
  for (const m of messages) {
    if (typeof m !== 'object' || m === null || Array.isArray(m)) continue;
    total += TOKENS_PER_MESSAGE;
    const msg = m as Record<string, unknown>;
    let content = 0;
    for (const key in msg) {
      const n = valueTokens(key, msg[key], count);
      total += n;
      if (key === 'content') content = n;
      else if (key === 'name') total += TOKENS_PER_NAME;
    }
    if (msg.role === 'assistant') assistant += content;
  }
  return { total, assistant };
}
