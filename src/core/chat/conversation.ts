import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { AssistantTurn, ComparePick, CompareSide, CompareTurn, Conversation, Reply, Turn, UserTurn } from './types';

export function newId(prefix: string): string {
  return `${prefix}_${globalThis.crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

/** The reply text that counts as the assistant's answer in the history sent to the model. */
function replyForHistory(r: Reply): string | undefined {
  return r.text.trim() ? r.text : undefined;
}

/**
 * The messages sent to the model for the next request: the system prompt (if any), then the transcript.
 * Failed or empty replies are left out; a compare contributes its prompt and the picked reply (or, before
 * a pick, nothing — the user has not said which answer the conversation continues from).
 */
export function buildMessages(turns: readonly Turn[], systemPrompt: string): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  if (systemPrompt.trim()) out.push({ role: 'system', content: systemPrompt });
  for (const t of turns) {
    if (t.kind === 'user') out.push({ role: 'user', content: t.text });
    else if (t.kind === 'assistant') {
      const text = replyForHistory(t.reply);
      if (text !== undefined) out.push({ role: 'assistant', content: text });
    } else if (t.pick === 'a' || t.pick === 'b') {
      const text = replyForHistory(t[t.pick]);
      out.push({ role: 'user', content: t.prompt });
      if (text !== undefined) out.push({ role: 'assistant', content: text });
    }
  }
  return out;
}

export function indexOfTurn(conv: { turns: readonly Turn[] }, turnId: string): number {
  return conv.turns.findIndex((t) => t.id === turnId);
}

/** The user turn an assistant reply answers (the nearest user turn before it). */
export function promptFor(turns: readonly Turn[], assistantIndex: number): UserTurn | undefined {
  for (let i = assistantIndex - 1; i >= 0; i--) {
    const t = turns[i];
    if (t.kind === 'user') return t;
    if (t.kind === 'compare') return undefined;
  }
  return undefined;
}

export function getReply(turn: Turn, side?: CompareSide): Reply | undefined {
  if (turn.kind === 'assistant') return turn.reply;
  if (turn.kind === 'compare') return turn[side ?? 'a'];
  return undefined;
}

export function withReply(turn: AssistantTurn | CompareTurn, reply: Reply, side?: CompareSide): AssistantTurn | CompareTurn {
  if (turn.kind === 'assistant') return { ...turn, reply };
  return side === 'b' ? { ...turn, b: reply } : { ...turn, a: reply };
}

/** Markdown transcript of a conversation (for "Export Conversation"). */
export function toMarkdown(conv: Conversation): string {
  const lines: string[] = [`# ${conv.title}`, '', `_Exported from Socratune · ${new Date(conv.updatedAt).toISOString()}_`, ''];
  const setupLine = (r: Reply): string => {
    const bits = [`model \`${r.setup.model}\``];
    if (r.setup.systemPrompt) bits.push(`system prompt: ${r.setup.promptLabel ?? r.setup.promptSource}`);
    if (r.status !== 'done') bits.push(`**${r.status}**${r.error ? `: ${r.error.message}` : ''}`);
    if (r.feedback) bits.push(r.feedback === 'up' ? '👍' : '👎');
    return `_${bits.join(' · ')}_`;
  };
  let lastSystem: string | undefined;
  const systemBlock = (r: Reply): void => {
    if (r.setup.systemPrompt && r.setup.systemPrompt !== lastSystem) {
      lines.push('> **System:** ' + r.setup.systemPrompt.split(/\r?\n/).join('\n> '), '');
      lastSystem = r.setup.systemPrompt;
    }
  };
  for (const t of conv.turns) {
    if (t.kind === 'user') {
      lines.push('## You', '', t.text, '');
    } else if (t.kind === 'assistant') {
      systemBlock(t.reply);
      lines.push('## Assistant', '', setupLine(t.reply), '', t.reply.text || '_(no text)_', '');
    } else {
      lines.push('## You (compare)', '', t.prompt, '');
      for (const side of ['a', 'b'] as const) {
        const r = t[side];
        const picked = t.pick === side ? ' ✔ picked' : t.pick === 'tie' ? ' (tie)' : '';
        lines.push(`### ${side.toUpperCase()}${picked}`, '', setupLine(r), '', r.text || '_(no text)_', '');
      }
    }
  }
  return lines.join('\n');
}

/** Record the user's pick on a compare turn (pure). */
export function recordPick(turn: CompareTurn, pick: ComparePick, at = Date.now()): CompareTurn {
  return { ...turn, pick, pickedAt: at };
}
