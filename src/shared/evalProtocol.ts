/**
 * Messages between the extension host and the blind-rating webview (types + runtime guards). The webview only ever
 * sees a pair's opaque id and the two texts: never which contestant wrote which.
 */

export interface BlindPair {
  readonly id: string;
  readonly question: string;
  /** The user's own held-out answer, when there is one. */
  readonly reference?: string;
  readonly left: string;
  readonly right: string;
}

export type ToRatingWebview =
  | { readonly type: 'eval/pair'; readonly pair: BlindPair; readonly rated: number; readonly total: number; readonly canUndo: boolean }
  | { readonly type: 'eval/done'; readonly rated: number; readonly total: number; readonly canUndo: boolean };

export type RatingVerdict = '1' | '2' | 'tie' | 'skip';

export type FromRatingWebview =
  { readonly type: 'eval/ready' } | { readonly type: 'eval/rate'; readonly pair: string; readonly verdict: RatingVerdict } | { readonly type: 'eval/undo' };

const VERDICTS: readonly string[] = ['1', '2', 'tie', 'skip'];

export function isFromRatingWebview(m: unknown): m is FromRatingWebview {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'eval/ready':
    case 'eval/undo':
      return Object.keys(o).length === 1;
    case 'eval/rate':
      return typeof o.pair === 'string' && o.pair.length > 0 && o.pair.length <= 64 && typeof o.verdict === 'string' && VERDICTS.includes(o.verdict);
    default:
      return false;
  }
}

/** One contestant's row in the results view (numbers as computed by src/core/eval/stats.ts). */
export interface ResultsRow {
  readonly label: string;
  readonly model: string;
  readonly winRate?: number;
  readonly low?: number;
  readonly high?: number;
  readonly comparisons: number;
  readonly failureRate?: number;
  readonly spreadSd?: number;
  readonly rougeL?: number;
  readonly tokens: number;
  readonly cost: string;
}

export interface ToResultsWebview {
  readonly type: 'eval/results';
  readonly title: string;
  /** "yours (blind)" or "a model's opinion (…)". */
  readonly rater: string;
  readonly rows: readonly ResultsRow[];
}
