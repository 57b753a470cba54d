import { invalidRequest } from './errors';

export interface CursorPageBody<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

/**
 * OpenAI cursor pagination over `items` (already in response order): the page starts after the item whose id is
 * `after`. An unknown cursor is a 400, as OpenAI does, rather than silently restarting.
 */
export function cursorPage<T extends { id: string }>(items: readonly T[], after: string | null, limit: number): CursorPageBody<T> {
  let start = 0;
  if (after) {
    const i = items.findIndex((x) => x.id === after);
    if (i < 0) throw invalidRequest(`No such object for 'after': ${after}`, 'after', 'invalid_cursor');
    start = i + 1;
  }
  const data = items.slice(start, start + limit);
  return {
    object: 'list',
    data,
    has_more: start + limit < items.length,
    first_id: data[0]?.id ?? null,
    last_id: data[data.length - 1]?.id ?? null,
  };
}
