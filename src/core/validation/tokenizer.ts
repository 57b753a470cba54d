/**
 * Exact token counting with gpt-tokenizer (pure JS, the fastest of gpt-tokenizer / tiktoken WASM /
 * js-tiktoken on this corpus, and it counts without materializing token arrays).
 *
 * This module pulls in ~3.6 MB of BPE ranks. It is NEVER imported statically by the extension: it is
 * bundled alone to dist/tokenizer.js and loaded on first use by ./loadTokenizer.ts (and by the
 * validation worker threads).
 */
import { installLinearMerge } from './linearMerge';
import type { EncodingName } from './types';

export interface TokenCounter {
  readonly encoding: EncodingName;
  /** Tokens of `text` as plain text (special-token strings count as ordinary text, like tiktoken's disallowed_special=()). */
  count(text: string): number;
}

export interface CounterOptions {
  /** Memoize counts of repeated strings (system prompts, roles, re-used answers). Default true. */
  memoize?: boolean;
  /** Max entries per cache generation (two generations are kept). Default 20,000. */
  memoEntries?: number;
  /** Max UTF-16 units held per cache generation. Default 4 M (≤ 8 MB of text per generation). */
  memoChars?: number;
}

interface Encoder {
  countTokens(text: string, opts?: { disallowedSpecial?: Set<string> }): number;
}

const NO_SPECIALS = { disallowedSpecial: new Set<string>() };
const encoders = new Map<EncodingName, Encoder>();

/** Each encoding's ranks are parsed only when first needed (~150 ms and ~30 MB for o200k_base). */
async function encoderFor(encoding: EncodingName): Promise<Encoder> {
  let enc = encoders.get(encoding);
  if (!enc) {
    enc =
      encoding === 'cl100k_base' ? (await import('gpt-tokenizer/encoding/cl100k_base')).default : (await import('gpt-tokenizer/encoding/o200k_base')).default;
    installLinearMerge(enc); // long unbroken runs in O(n log n), same tokens (./linearMerge.ts)
    encoders.set(encoding, enc);
  }
  return enc;
}

/**
 * A bounded two-generation memo: lookups hit the current or the previous generation; when the
 * current one is full it becomes the previous one (the oldest is dropped). O(1), no per-hit bookkeeping,
 * memory bounded by 2 × (entries, chars).
 */
class Memo {
  private cur = new Map<string, number>();
  private old = new Map<string, number>();
  private chars = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxChars: number,
  ) {}

  get(s: string): number | undefined {
    const v = this.cur.get(s);
    if (v !== undefined) return v;
    const o = this.old.get(s);
    if (o !== undefined) this.set(s, o);
    return o;
  }

  set(s: string, n: number): void {
    if (s.length > this.maxChars) return;
    if (this.cur.size >= this.maxEntries || this.chars + s.length > this.maxChars) {
      this.old = this.cur;
      this.cur = new Map();
      this.chars = 0;
    }
    this.cur.set(s, n);
    this.chars += s.length;
  }
}

export async function createTokenCounter(encoding: EncodingName, opts: CounterOptions = {}): Promise<TokenCounter> {
  const enc = await encoderFor(encoding);
  const raw = (text: string): number => (text.includes('<|') ? enc.countTokens(text, NO_SPECIALS) : enc.countTokens(text));
  if (opts.memoize === false) return { encoding, count: raw };
  const memo = new Memo(opts.memoEntries ?? 20_000, opts.memoChars ?? 4_000_000);
  return {
    encoding,
    count(text: string): number {
      if (text.length === 0) return 0;
      const hit = memo.get(text);
      if (hit !== undefined) return hit;
      const n = raw(text);
      memo.set(text, n);
      return n;
    },
  };
}
