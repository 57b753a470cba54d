/** Keyboard first: 1 / 2 pick a side, = is a tie, s skips, u undoes the last rating. */
export type RatingKeyAction = { kind: 'rate'; verdict: '1' | '2' | 'tie' | 'skip' } | { kind: 'undo' };

export function ratingKey(e: { key: string; ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean }): RatingKeyAction | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey) return undefined;
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
    default:
      return undefined;
  }
}
