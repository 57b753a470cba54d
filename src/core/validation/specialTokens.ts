/**
 * Special tokens of OpenAI's tokenizers (r50k/p50k/cl100k/o200k/o200k_harmony). OpenAI rejects training
 * examples that contain them ("Example 6174 message contains an invalid token: <|fim_suffix|>").
 */
export const KNOWN_SPECIAL_TOKENS: ReadonlySet<string> = new Set([
  '<|endoftext|>',
  '<|fim_prefix|>',
  '<|fim_middle|>',
  '<|fim_suffix|>',
  '<|endofprompt|>',
  '<|im_start|>',
  '<|im_end|>',
  '<|im_sep|>',
  '<|startoftext|>',
  '<|start|>',
  '<|end|>',
  '<|message|>',
  '<|channel|>',
  '<|constrain|>',
  '<|return|>',
  '<|call|>',
]);

const PATTERN = /<\|[A-Za-z0-9_.:-]{1,64}\|>/g;

export interface SpecialTokenHit {
  token: string;
  /** Known OpenAI special token (error) or only something shaped like one (warning). */
  known: boolean;
  index: number;
}

/** First known special token, else first lookalike, in `text`; undefined when none (fast path: no "<|"). */
export function findSpecialToken(text: string): SpecialTokenHit | undefined {
  if (!text.includes('<|')) return undefined;
  let lookalike: SpecialTokenHit | undefined;
  PATTERN.lastIndex = 0;
  for (let m = PATTERN.exec(text); m; m = PATTERN.exec(text)) {
    const known = KNOWN_SPECIAL_TOKENS.has(m[0]) || /^<\|reserved_[0-9]+\|>$/.test(m[0]);
    if (known) return { token: m[0], known: true, index: m.index };
    lookalike ??= { token: m[0], known: false, index: m.index };
  }
  return lookalike;
}
