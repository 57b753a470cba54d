import type { ValidationResult } from './types';

/** 9,999 · 12.3k · 123k · 1.23M · 12.3M */
export function compactCount(n: number): string {
  if (n < 10_000) return n.toLocaleString('en-US');
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 2 : 1)}M`;
}

/** $0.68 · <$0.01 · $1,234 */
export function formatUsd(usd: number): string {
  if (usd > 0 && usd < 0.01) return '<$0.01';
  return `$${usd < 100 ? usd.toFixed(2) : Math.round(usd).toLocaleString('en-US')}`;
}

/** The status bar text: `$(database) <dataset> · N examples · T tokens · ≈$C` (cost only when priced). */
export function statusText(name: string, r: Pick<ValidationResult, 'examples' | 'tokens' | 'estimatedCost'> | undefined): string {
  if (!r) return `$(database) ${name}`;
  const parts = [
    `$(database) ${name}`,
    `${r.examples.toLocaleString('en-US')} example${r.examples === 1 ? '' : 's'}`,
    `${compactCount(r.tokens.total)} tokens`,
  ];
  if (r.estimatedCost) parts.push(`≈${formatUsd(r.estimatedCost.usd)}`);
  return parts.join(' · ');
}
