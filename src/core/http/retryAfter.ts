/**
 * How long a server asked us to wait: `retry-after-ms`, else `retry-after` (seconds or an HTTP date),
 * read the way the openai SDK reads them. Used by the jobs backends and the chat stream alike.
 */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined, nowMs: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = headers.get('retry-after');
  if (ra === null || ra.trim() === '') return undefined;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const date = Date.parse(ra);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : undefined;
}
