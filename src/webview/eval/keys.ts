/**
 * Keyboard first: 1 / 2 pick a side, = is a tie, s skips, u undoes the last rating or flag, n then 1 / 2 flags that
 * reply as nonsense (again: unflags it; Escape or any other key cancels the n).
 */
export type RatingKeyAction =
  { kind: 'rate'; verdict: '1' | '2' | 'tie' | 'skip' } | { kind: 'undo' } | { kind: 'nonsense' } | { kind: 'flag'; side: '1' | '2' } | { kind: 'cancel' };

/** The key help shown under the pair (one entry per key, in the order they are usually used). */
export const KEY_HELP: readonly (readonly [key: string, what: string])[] = [
  ['1 / 2', 'that reply is better'],
  ['=', 'tie'],
  ['s', 'skip'],
  ['n then 1 / 2', 'flag that reply as nonsense (counts as a failure)'],
  ['u', 'undo'],
];

/** `pending`: n was pressed, so the next 1 / 2 flags a reply instead of rating the pair. */
export function ratingKey(e: { key: string; ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean }, pending = false): RatingKeyAction | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey) return undefined;
  if (pending) return e.key === '1' || e.key === '2' ? { kind: 'flag', side: e.key } : { kind: 'cancel' };
  switch (e.key) {
    case '1':
      return { kind: 'rate', verdict: '1' };
    case '2':
      return { kind: 'rate', verdict: '2' };
    case '=':
      return { kind: 'rate', verdict: 'tie' };
    case 's':
    case 'S':
      return { kind: 'rate', verdict: 'skip' };
    case 'u':
    case 'U':
      return { kind: 'undo' };
    case 'n':
    case 'N':
      return { kind: 'nonsense' };
    default:
      return undefined;
  }
}
