/**
 * Personal data and secret scanner with locations, and redaction that produces a copy.
 * Kinds: email, phone, address (street addresses, EN/DE/FR/ES/IT/NL street words), iban (mod-97 checked),
 * card (Luhn checked, known issuer prefixes), api-key (known token formats and `key = value` pairs),
 * private-key, secret (high-entropy strings).
 */

export type PiiKind = 'email' | 'phone' | 'address' | 'iban' | 'card' | 'api-key' | 'private-key' | 'secret';

export const PII_KINDS: readonly PiiKind[] = ['email', 'phone', 'address', 'iban', 'card', 'api-key', 'private-key', 'secret'];

export const PII_LABELS: Record<PiiKind, string> = {
  email: 'email address',
  phone: 'phone number',
  address: 'street address',
  iban: 'IBAN (bank account)',
  card: 'payment card number',
  'api-key': 'API key or token',
  'private-key': 'private key',
  secret: 'high-entropy string (possible secret)',
};

export interface PiiFinding {
  kind: PiiKind;
  /** Offsets in the scanned text, end exclusive. */
  start: number;
  end: number;
  text: string;
  /** 0-based line and column of `start` in the scanned text. */
  line: number;
  column: number;
}

const PRIORITY: Record<PiiKind, number> = { 'private-key': 0, 'api-key': 1, iban: 2, card: 3, email: 4, phone: 5, address: 6, secret: 7 };

// --- checks -----------------------------------------------------------------------------------------

/** ISO 13616 IBAN check: rearrange, letters → numbers, remainder mod 97 must be 1. */
export function ibanValid(candidate: string): boolean {
  const s = candidate.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s)) return false;
  const r = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of r) {
    const v = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return rem === 1;
}

export function luhnValid(digits: string): boolean {
  const d = digits.replace(/\D/g, '');
  if (d.length < 12 || d.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    let n = d.charCodeAt(d.length - 1 - i) - 48;
    if (i % 2 === 1) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return sum % 10 === 0;
}

/** Issuer prefixes (Visa, Mastercard, Amex, Discover, JCB, Diners, Maestro, UnionPay). */
function cardPrefix(d: string): boolean {
  return /^(4|5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720)|3[47]|6011|65|64[4-9]|35(2[89]|[3-8]\d)|30[0-5]|36|38|5[06-9]|6\d|62)/.test(d);
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

// --- patterns -----------------------------------------------------------------------------------------

interface Rule {
  kind: PiiKind;
  re: RegExp;
  /** Return false to reject a match; return [start, end] (relative to the match) to narrow it. */
  check?: (m: RegExpExecArray) => boolean | [number, number];
}

const STREET_EN =
  'Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl|Terrace|Square|Sq|Highway|Hwy|Parkway|Pkwy|Crescent|Close|Row|Walk';

const RULES: Rule[] = [
  { kind: 'private-key', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$)/g },
  {
    kind: 'api-key',
    re: /\b(?:sk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_-]{20,}|(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}|xox[abprs]-[A-Za-z0-9-]{10,}|(?:AKIA|ASIA)[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{16,}|glpat-[0-9A-Za-z_-]{20}|hf_[A-Za-z0-9]{30,}|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})/g,
  },
  {
    kind: 'api-key',
    re: /\b(?:Bearer|Basic)\s+([A-Za-z0-9._~+/-]{16,}=*)/g,
    check: (m) => [m[0].length - m[1].length, m[0].length],
  },
  {
    kind: 'api-key',
    re: /\b(?:api[_-]?key|access[_-]?key|secret(?:[_-]?key)?|client[_-]?secret|auth[_-]?token|token|password|passwd|pwd)\b\s*[:=]\s*["']?([^\s"'`,;]{8,})/gi,
    check: (m) => {
      const v = m[1];
      if (!/\d/.test(v) && !/[^A-Za-z]/.test(v)) return false; // "password: forgotten" is prose
      return [m[0].length - v.length, m[0].length];
    },
  },
  {
    kind: 'iban',
    re: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g,
    check: (m) => ibanValid(m[0]),
  },
  {
    kind: 'card',
    re: /(?<![\d-])\d(?:[ -]?\d){11,18}(?![\d-])/g,
    check: (m) => {
      const d = m[0].replace(/\D/g, '');
      return d.length >= 13 && luhnValid(d) && cardPrefix(d) && !/^(\d)\1+$/.test(d);
    },
  },
  { kind: 'email', re: /\b[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,24}\b/g },
  {
    kind: 'phone',
    re: /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{1,5}(?:[ .-]\d{1,5}){1,5}(?![\w])|(?<![\w+])\+\d{8,15}(?!\w)/g,
    check: (m) => {
      const s = m[0];
      const digits = s.replace(/\D/g, '');
      if (digits.length < 9 || digits.length > 15) return false;
      if (/^\d{4}[-./]\d{1,2}[-./]\d{1,2}/.test(s) || /^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$/.test(s)) return false; // dates
      if (/^\d{1,2}[.:]\d{2}/.test(s) && !s.startsWith('+')) return false; // times
      const seps = (s.match(/[ .-]/g) ?? []).length;
      const plus = s.startsWith('+') || s.includes('(');
      // Without a country code or area code in parentheses, ask for the shape of a real number.
      if (!plus && !(seps >= 2 && /^0|^\d{3}[ .-]\d{3}[ .-]\d{4}$/.test(s))) return false;
      if (/^[\d ]+$/.test(s) && s.split(' ').every((g) => g.length === 4) && !plus) return false; // card-like groups
      return true;
    },
  },
  {
    kind: 'address',
    re: new RegExp(String.raw`\b\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][\p{L}'.-]*\s+){1,4}(?:${STREET_EN})\b\.?`, 'gu'),
  },
  {
    kind: 'address',
    re: /\b[A-ZÄÖÜ][\p{L}-]*(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|gracht|laan|straat)\s+\d{1,4}(?:\s?[a-z])?\b/gu,
  },
  {
    kind: 'address',
    re: /\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|boulevard|bd|place|chemin|allée|impasse|quai|calle|via|viale|piazza|corso)\s+(?:d[eu]s?\s+|de\s+la\s+|l'|del\s+|della\s+)?[\p{Lu}][\p{L}'-]+(?:\s+[\p{Lu}][\p{L}'-]+){0,3}/giu,
  },
  {
    kind: 'address',
    re: /\b(?:calle|via|rue|avenida)\s+[\p{Lu}][\p{L}'-]+(?:\s+[\p{Lu}][\p{L}'-]+){0,3},?\s+\d{1,4}\b/gu,
  },
  {
    kind: 'secret',
    re: /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/=_-]{24,}(?![A-Za-z0-9+/=_-])/g,
    check: (m) => {
      const s = m[0];
      if (!/\d/.test(s) || !/[A-Za-z]/.test(s)) return false;
      if (/^[a-f0-9]+$/i.test(s)) return s.length >= 32 && entropy(s) >= 3.0;
      return entropy(s) >= 4.0 && /[A-Z]/.test(s) && /[a-z]/.test(s);
    },
  },
];

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function position(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, column: offset - starts[lo] };
}

/** All findings in `text`, in order; overlapping matches resolved in favour of the more specific kind. */
export function scanText(text: string, kinds: readonly PiiKind[] = PII_KINDS): PiiFinding[] {
  const want = new Set(kinds);
  const raw: { kind: PiiKind; start: number; end: number }[] = [];
  for (const rule of RULES) {
    if (!want.has(rule.kind)) continue;
    rule.re.lastIndex = 0;
    for (let m = rule.re.exec(text); m; m = rule.re.exec(text)) {
      if (m[0].length === 0) {
        rule.re.lastIndex++;
        continue;
      }
      const c = rule.check ? rule.check(m) : true;
      if (c === false) continue;
      const [s, e] = c === true ? [0, m[0].length] : c;
      raw.push({ kind: rule.kind, start: m.index + s, end: m.index + e });
    }
  }
  raw.sort((a, b) => PRIORITY[a.kind] - PRIORITY[b.kind] || a.start - b.start);
  const kept: typeof raw = [];
  for (const f of raw) if (!kept.some((k) => f.start < k.end && k.start < f.end)) kept.push(f);
  kept.sort((a, b) => a.start - b.start);
  const starts = lineStarts(text);
  return kept.map((f) => ({ ...f, text: text.slice(f.start, f.end), ...position(starts, f.start) }));
}

export const REDACTION_TAGS: Record<PiiKind, string> = {
  email: '[EMAIL]',
  phone: '[PHONE]',
  address: '[ADDRESS]',
  iban: '[IBAN]',
  card: '[CARD]',
  'api-key': '[API_KEY]',
  'private-key': '[PRIVATE_KEY]',
  secret: '[SECRET]',
};

/** Replace findings of the given kinds with tags like [EMAIL]. */
export function redactText(text: string, kinds: readonly PiiKind[] = PII_KINDS): { text: string; count: number } {
  const findings = scanText(text, kinds);
  let out = text;
  for (let i = findings.length - 1; i >= 0; i--) {
    const f = findings[i];
    out = out.slice(0, f.start) + REDACTION_TAGS[f.kind] + out.slice(f.end);
  }
  return { text: out, count: findings.length };
}

// --- JSONL ---------------------------------------------------------------------------------------

/** A string literal in a JSON text with the map from decoded offsets to raw offsets. */
interface Literal {
  value: string;
  /** raw[i] = offset in the line of decoded char i; raw[value.length] = offset of the closing quote. */
  raw: number[];
  isKey: boolean;
  /** The key this value belongs to (for values inside objects). */
  key?: string;
}

/** Every string literal of a JSON line, with positions (a tolerant scanner: also works on broken lines). */
export function jsonStringLiterals(line: string): Literal[] {
  const out: Literal[] = [];
  let lastKey: string | undefined;
  for (let i = 0; i < line.length; i++) {
    if (line[i] !== '"') continue;
    let value = '';
    const raw: number[] = [];
    let j = i + 1;
    for (; j < line.length && line[j] !== '"'; j++) {
      if (line[j] === '\\' && j + 1 < line.length) {
        const start = j;
        const c = line[j + 1];
        if (c === 'u' && /^[0-9a-fA-F]{4}$/.test(line.slice(j + 2, j + 6))) {
          value += String.fromCharCode(parseInt(line.slice(j + 2, j + 6), 16));
          j += 5;
        } else {
          value += c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c === 'b' ? '\b' : c === 'f' ? '\f' : c;
          j += 1;
        }
        raw.push(start);
      } else {
        value += line[j];
        raw.push(j);
      }
    }
    raw.push(j);
    let k = j + 1;
    while (k < line.length && /\s/.test(line[k])) k++;
    const isKey = line[k] === ':';
    out.push({ value, raw, isKey, key: isKey ? undefined : lastKey });
    if (isKey) lastKey = value;
    i = j;
  }
  return out;
}

export interface JsonlFinding extends PiiFinding {
  /** 1-based line in the JSONL file; column/endColumn are 0-based positions in that raw line. */
  jsonlLine: number;
  endColumn: number;
  /** The JSON key the string belongs to (e.g. "content"). */
  field?: string;
}

/** Scan every string value of every line of a JSONL text; positions point into the raw file. */
export function scanJsonl(text: string, kinds: readonly PiiKind[] = PII_KINDS): JsonlFinding[] {
  const out: JsonlFinding[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].replace(/\r$/, '');
    if (!line.trim()) continue;
    for (const lit of jsonStringLiterals(line)) {
      if (lit.isKey || lit.key === 'role' || lit.key === 'type' || lit.key === 'id' || lit.key === 'tool_call_id') continue;
      for (const f of scanText(lit.value, kinds)) {
        const col = lit.raw[f.start];
        const endCol =
          f.end - 1 < lit.raw.length - 1
            ? lit.raw[f.end - 1] + (line[lit.raw[f.end - 1]] === '\\' ? (line[lit.raw[f.end - 1] + 1] === 'u' ? 6 : 2) : 1)
            : lit.raw[lit.raw.length - 1];
        out.push({ ...f, jsonlLine: n + 1, line: n, column: col, endColumn: endCol, field: lit.key });
      }
    }
  }
  return out;
}

/**
 * A redacted copy of a JSONL text: string values of parsable lines are redacted and re-serialized (the
 * result stays valid JSON); lines that are not valid JSON are redacted as text. Line count is preserved.
 */
export function redactJsonl(text: string, kinds: readonly PiiKind[] = PII_KINDS): { text: string; count: number; byKind: Partial<Record<PiiKind, number>> } {
  let count = 0;
  const byKind: Partial<Record<PiiKind, number>> = {};
  const tally = (s: string) => {
    for (const f of scanText(s, kinds)) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
    const r = redactText(s, kinds);
    count += r.count;
    return r.text;
  };
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') return key === 'role' ? v : tally(v);
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  const out = text.split('\n').map((line) => {
    if (!line.trim()) return line;
    try {
      return JSON.stringify(walk(JSON.parse(line)));
    } catch {
      return tally(line);
    }
  });
  return { text: out.join('\n'), count, byKind };
}
