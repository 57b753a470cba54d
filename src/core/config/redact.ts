/**
 * Redaction of anything that looks like a credential, applied to every line written to the log.
 * Known key formats (OpenAI `sk-…`, Azure 32-hex keys, bearer tokens, JWTs, `api-key: …` pairs) plus
 * any exact secret the caller registers (the key currently in SecretStorage).
 */
export const REDACTED = '[REDACTED]';

const NAMED_VALUE = /\b(api[-_]?key|x-api-key|authorization|password|secret)(["']?\s*[:=]\s*["']?)(?!\[REDACTED\])(?:(?:Bearer|Basic)\s+)?[^\s"',}]{6,}/gi;
const BARE_PATTERNS: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{8,}/g, // OpenAI keys: sk-…, sk-proj-…, sk-svcacct-…
  /\b(?:Bearer|Basic)\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{8,}/gi,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWT
  /\b[a-f0-9]{32}\b/gi, // Azure OpenAI keys
];

/** Heuristic for a value pasted where a key must not go (settings): long, no spaces, key-like alphabet. */
export function looksLikeApiKey(value: string): boolean {
  const v = value.trim();
  if (v.length < 16 || /\s/.test(v)) return false;
  return /^sk-[A-Za-z0-9_-]{8,}$/.test(v) || /^[a-f0-9]{32}$/i.test(v) || /^[A-Za-z0-9_\-.]{32,}$/.test(v);
}

export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join(REDACTED);
  }
  out = out.replace(NAMED_VALUE, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`);
  for (const re of BARE_PATTERNS) {
    out = out.replace(re, (m) => (/^(Bearer|Basic)\s/i.test(m) ? `${m.split(/\s+/)[0]} ${REDACTED}` : REDACTED));
  }
  return out;
}
