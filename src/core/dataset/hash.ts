import { createHash } from 'node:crypto';

/** sha256 hex, truncated to 32 hex chars (128 bits) — plenty for content identity, keeps sidecars small. */
export function sha(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32);
}

/** JSON with object keys sorted, so that semantically equal values hash equally whatever the key order. */
export function canonicalJson(value: unknown): string {
  // Native JSON.stringify with a replacer that re-creates objects with sorted keys: ~10× faster than
  // building the string by hand on large datasets.
  return (
    JSON.stringify(value, (_k, v: unknown) => {
      if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      let sorted = true;
      for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) sorted = false;
      if (sorted) return v;
      const out: Record<string, unknown> = {};
      for (const k of keys.sort()) out[k] = o[k];
      return out;
    }) ?? 'null'
  );
}

/**
 * Identity of an example for provenance joins: the hash of everything except system messages (so a changed
 * training system prompt keeps provenance) in canonical form (so re-formatting a line by hand keeps it too).
 * Works on any parsed JSONL value; non-chat values hash as a whole.
 */
export function exampleKey(value: unknown): string {
  if (value && typeof value === 'object' && Array.isArray((value as { messages?: unknown }).messages)) {
    const v = value as { messages: unknown[] } & Record<string, unknown>;
    const messages = v.messages.filter((m) => !(m && typeof m === 'object' && (m as { role?: unknown }).role === 'system'));
    return sha(canonicalJson({ ...v, messages }));
  }
  return sha(canonicalJson(value));
}

/**
 * Normalized text for duplicate detection: Unicode NFKC, case-folded, markdown punctuation and
 * other non-letter/digit characters turned into spaces, whitespace collapsed.
 */
export function normalizeForComparison(text: string): string {
  // ASCII fast path (most journals): same result as the Unicode path, several times faster.
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(text))
    return text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Hash of a passage's normalized text (exact-duplicate key; survives whitespace/markdown/case edits). */
export function passageHash(text: string): string {
  return sha(normalizeForComparison(text));
}

/** The assistant text of a chat example (all assistant messages joined), or '' when there is none. */
export function assistantText(value: unknown): string {
  if (!value || typeof value !== 'object') return '';
  const messages = (value as { messages?: unknown }).messages;
  if (!Array.isArray(messages)) return '';
  return messages
    .filter(
      (m): m is { role: 'assistant'; content: string } =>
        !!m && typeof m === 'object' && (m as { role?: unknown }).role === 'assistant' && typeof (m as { content?: unknown }).content === 'string',
    )
    .map((m) => m.content)
    .join('\n\n');
}

/** The (last) user prompt of a chat example, or ''. */
export function userText(value: unknown): string {
  if (!value || typeof value !== 'object') return '';
  const messages = (value as { messages?: unknown }).messages;
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; content?: unknown } | null;
    if (m && m.role === 'user' && typeof m.content === 'string') return m.content;
  }
  return '';
}
