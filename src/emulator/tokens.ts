/**
 * Approximate tokenization. The emulator is not a model and needs no real vocabulary: it splits text into
 * token-sized pieces (a word with its leading space, words over 9 letters cut into 5-letter chunks, digits in groups of 3,
 * punctuation runs) so that usage counts, `max_tokens` cut-offs and streaming chunks behave like the real API.
 * Counts are within roughly ±15% of o200k_base on English prose; they are never used for billing.
 */
const PIECE = /\s?[\p{L}\p{M}']+|\s?\p{N}{1,3}|\s?[^\s\p{L}\p{M}\p{N}]{1,3}|\s+/gu;
const MAX_WORD = 9;

export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(PIECE)) {
    const piece = match[0];
    const lead = piece.startsWith(' ') ? 1 : 0;
    if (piece.length - lead <= MAX_WORD || !/[\p{L}]/u.test(piece)) {
      out.push(piece);
      continue;
    }
    out.push(piece.slice(0, lead + 5));
    for (let i = lead + 5; i < piece.length; i += 5) out.push(piece.slice(i, i + 5));
  }
  return out;
}

export function countTokens(text: string): number {
  return tokenize(text).length;
}

export interface TokenMessage {
  readonly role?: unknown;
  readonly content?: unknown;
  readonly name?: unknown;
  readonly tool_calls?: unknown;
  readonly function_call?: unknown;
}

/** Text of a message content that is a string or an array of `{type:'text', text}` parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part: unknown) =>
        part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : '',
      )
      .join('');
  }
  return '';
}

/** OpenAI's chat accounting: 3 tokens per message plus its values, 1 per name, 3 to prime the reply. */
export function countMessageTokens(messages: readonly TokenMessage[]): number {
  let total = 3;
  for (const m of messages) {
    total += 3;
    if (typeof m.role === 'string') total += countTokens(m.role);
    total += countTokens(contentText(m.content));
    if (typeof m.name === 'string') total += countTokens(m.name) + 1;
    if (m.tool_calls !== undefined) total += countTokens(JSON.stringify(m.tool_calls));
    if (m.function_call !== undefined) total += countTokens(JSON.stringify(m.function_call));
  }
  return total;
}
