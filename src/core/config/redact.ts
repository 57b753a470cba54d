/**
 * Redaction of credentials, applied to every line written to the log.
 *
 * 1. Exact secrets the caller registers: every key stored in SecretStorage, of every backend (platform/secrets).
 * 2. Key shapes that are unmistakable on their own (bare text): OpenAI `sk-…` (`sk-proj-…`, `sk-svcacct-…`),
 *    Together `tgp_v1_…`, Fireworks `fw_…`, Groq `gsk_…`, Hugging Face `hf_…`, Azure's 84-character keys, JWTs.
 * 3. Anything in a credential context, whatever its shape: after `Bearer`/`Basic`; the value of a key-like name
 *    (`api-key`, `api key:`, `x-api-key`, `authorization`, `token`, `secret`, `password`, `TOGETHER_API_KEY=`, any
 *    `…_API_KEY`/`…_TOKEN`/`…_SECRET` variable, JSON `"apiKey": "…"`) and the `key=`/`api_key=`/`token=` query
 *    parameters. That is how Together's 64-hex and Azure's 32-hex keys are caught.
 *
 * Bare hex strings are left alone: content hashes (sha256, 64 hex; 32-hex digests) in Socratune's own messages
 * must stay readable, and a stored hex key is still masked exactly by (1).
 */
export const REDACTED = '[REDACTED]';

/** Names whose value is a credential: `name: value`, `name=value`, `"name": "value"`. */
const NAMED_VALUE =
  /(\b(?:api[-_ ]?key|x-api-key|access[-_]?token|auth[-_]?token|refresh[-_]?token|token|authorization|password|passwd|secret|client[-_]?secret|[A-Z][A-Z0-9]*_(?:API_KEY|KEY|TOKEN|SECRET)))(["']?\s*[:=]\s*["']?)(?!\[REDACTED\])(?:(?:Bearer|Basic)\s+)?[^\s"',;}&]{4,}/gi;
/** `?key=…`, `&api_key=…`, `?token=…` in URLs. */
const QUERY_VALUE = /([?&](?:key|api[-_]?key|token|access_token|sig)=)(?!\[REDACTED\])[^&\s"'#]+/gi;
/** A bearer or basic credential of any length. */
const AUTH_SCHEME = /\b(Bearer|Basic)\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=:-]+/gi;

const BARE_PATTERNS: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{8,}/g, // OpenAI: sk-…, sk-proj-…, sk-svcacct-…
  /\btgp_v1_[A-Za-z0-9_-]{8,}/g, // Together
  /\bfw_[A-Za-z0-9]{8,}/g, // Fireworks
  /\bgsk_[A-Za-z0-9]{8,}/g, // Groq
  /\bhf_[A-Za-z0-9]{8,}/g, // Hugging Face
  /(?<![A-Za-z0-9])[A-Za-z0-9]{84}(?![A-Za-z0-9])/g, // Azure (the 84-character key format)
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWT
];

/** Heuristic for a value pasted where a key must not go (settings): long, no spaces, key-like alphabet. */
export function looksLikeApiKey(value: string): boolean {
  const v = value.trim();
  if (v.length < 16 || /\s/.test(v)) return false;
  return /^sk-[A-Za-z0-9_-]{8,}$/.test(v) || /^[a-f0-9]{32}$/i.test(v) || /^[A-Za-z0-9_\-.]{32,}$/.test(v);
}

export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  // Longest first, so a secret containing another one is masked whole.
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s && s.length >= 4) out = out.split(s).join(REDACTED);
  }
  out = out.replace(AUTH_SCHEME, (_m, scheme: string) => `${scheme} ${REDACTED}`);
  out = out.replace(NAMED_VALUE, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`);
  out = out.replace(QUERY_VALUE, (_m, name: string) => `${name}${REDACTED}`);
  for (const re of BARE_PATTERNS) out = out.replace(re, REDACTED);
  return out;
}
