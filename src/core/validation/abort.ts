/** Cancellation errors (DOMException 'AbortError'), shared by the engine and the editor glue. */
export function abortError(): Error {
  return new DOMException('Validation was cancelled.', 'AbortError');
}

export function isAbortError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'AbortError';
}
