/**
 * Exports for local trainers:
 * - openai: the chat JSONL as is;
 * - sharegpt: {"conversations":[{"from":"system|human|gpt|observation|function_call","value":…}]}
 *   (LLaMA-Factory `formatting: sharegpt`; Axolotl `type: chat_template` with field_messages/property mappings;
 *   Unsloth `standardize_sharegpt`);
 * - alpaca: {"instruction","input","output","system"?,"history"?} (LLaMA-Factory alpaca with history; Axolotl
 *   `type: alpaca`; Unsloth alpaca prompt).
 */
import { scanJsonlText } from './jsonl';

export type ExportFormat = 'openai' | 'sharegpt' | 'alpaca';

interface Msg {
  role?: unknown;
  content?: unknown;
  tool_calls?: unknown;
}

function textOf(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const parts = content.map((p) => (p && typeof p === 'object' && (p as { type?: unknown }).type === 'text' ? (p as { text?: unknown }).text : undefined));
    if (parts.every((p) => typeof p === 'string')) return parts.join('\n');
  }
  return undefined;
}

function messagesOf(value: unknown): Msg[] | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const m = (value as { messages?: unknown }).messages;
  return Array.isArray(m) ? (m as Msg[]) : undefined;
}

export type Converted = { ok: true; value: unknown } | { ok: false; reason: string };

const SHAREGPT_ROLE: Record<string, string> = {
  system: 'system',
  developer: 'system',
  user: 'human',
  assistant: 'gpt',
  tool: 'observation',
  function: 'observation',
};

export function toShareGpt(example: unknown): Converted {
  const msgs = messagesOf(example);
  if (!msgs) return { ok: false, reason: 'no "messages" array' };
  const conversations: { from: string; value: string }[] = [];
  for (const m of msgs) {
    const role = typeof m.role === 'string' ? m.role : '';
    const from = SHAREGPT_ROLE[role];
    if (!from) return { ok: false, reason: `unsupported role "${role}"` };
    if (role === 'assistant' && m.tool_calls !== undefined) {
      conversations.push({ from: 'function_call', value: JSON.stringify(m.tool_calls) });
      continue;
    }
    const text = textOf(m.content);
    if (text === undefined) return { ok: false, reason: `message with non-text content (role "${role}")` };
    conversations.push({ from, value: text });
  }
  return { ok: true, value: { conversations } };
}

export function toAlpaca(example: unknown): Converted {
  const msgs = messagesOf(example);
  if (!msgs) return { ok: false, reason: 'no "messages" array' };
  let system: string | undefined;
  const turns: { role: 'user' | 'assistant'; text: string }[] = [];
  for (const m of msgs) {
    const text = textOf(m.content);
    if (m.role === 'system' || m.role === 'developer') {
      if (text === undefined) return { ok: false, reason: 'system message with non-text content' };
      system = system ? `${system}\n\n${text}` : text;
    } else if (m.role === 'user' || m.role === 'assistant') {
      if (m.tool_calls !== undefined || text === undefined) return { ok: false, reason: 'tool calls or non-text content cannot be expressed in Alpaca' };
      turns.push({ role: m.role, text });
    } else return { ok: false, reason: `role "${String(m.role)}" cannot be expressed in Alpaca` };
  }
  if (turns.length < 2 || turns[turns.length - 1].role !== 'assistant' || turns[turns.length - 2].role !== 'user') {
    return { ok: false, reason: 'does not end with a user message followed by an assistant message' };
  }
  const history: [string, string][] = [];
  for (let i = 0; i < turns.length - 2; i += 2) {
    if (turns[i].role !== 'user' || turns[i + 1]?.role !== 'assistant') return { ok: false, reason: 'earlier turns do not alternate user/assistant' };
    history.push([turns[i].text, turns[i + 1].text]);
  }
  const out: Record<string, unknown> = { instruction: turns[turns.length - 2].text, input: '', output: turns[turns.length - 1].text };
  if (system) out.system = system;
  if (history.length) out.history = history;
  return { ok: true, value: out };
}

export interface ExportResult {
  text: string;
  exported: number;
  /** Lines that could not be converted (1-based line numbers in the source), never silently dropped. */
  skipped: { line: number; reason: string }[];
}

/** Convert a chat JSONL text to `format`, line by line. */
export function exportJsonl(text: string, format: ExportFormat): ExportResult {
  const out: string[] = [];
  const skipped: ExportResult['skipped'] = [];
  for (const l of scanJsonlText(text).lines) {
    const line = l.raw;
    if (l.blank) continue;
    if (l.problem) {
      skipped.push({ line: l.line, reason: l.message ?? 'not valid JSON' });
      continue;
    }
    const value = l.value;
    if (format === 'openai') {
      if (!messagesOf(value)) {
        skipped.push({ line: l.line, reason: 'no "messages" array' });
        continue;
      }
      out.push(line);
      continue;
    }
    const r = format === 'sharegpt' ? toShareGpt(value) : toAlpaca(value);
    if (r.ok) out.push(JSON.stringify(r.value));
    else skipped.push({ line: l.line, reason: r.reason });
  }
  return { text: out.length ? `${out.join('\n')}\n` : '', exported: out.length, skipped };
}
