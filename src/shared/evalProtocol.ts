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
  /** Which of the two replies you flagged as nonsense. */
  readonly nonsense: { readonly left: boolean; readonly right: boolean };
}

export type ToRatingWebview =
  | { readonly type: 'eval/pair'; readonly pair: BlindPair; readonly rated: number; readonly total: number; readonly canUndo: boolean }
  | { readonly type: 'eval/done'; readonly rated: number; readonly total: number; readonly canUndo: boolean };

export type RatingVerdict = '1' | '2' | 'tie' | 'skip';

export type FromRatingWebview =
  | { readonly type: 'eval/ready' }
  | { readonly type: 'eval/rate'; readonly pair: string; readonly verdict: RatingVerdict }
  /** Toggles the nonsense flag of reply 1 or 2 of the pair (the host knows which reply that is). */
  | { readonly type: 'eval/flag'; readonly pair: string; readonly side: '1' | '2' }
  | { readonly type: 'eval/undo' };

const VERDICTS: readonly string[] = ['1', '2', 'tie', 'skip'];
const isPairId = (p: unknown): boolean => typeof p === 'string' && p.length > 0 && p.length <= 64;

export function isFromRatingWebview(m: unknown): m is FromRatingWebview {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'eval/ready':
    case 'eval/undo':
      return Object.keys(o).length === 1;
    case 'eval/rate':
      return isPairId(o.pair) && typeof o.verdict === 'string' && VERDICTS.includes(o.verdict);
    case 'eval/flag':
      return isPairId(o.pair) && (o.side === '1' || o.side === '2') && Object.keys(o).length === 3;
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
