/**
 * The one way Socratune turns untrusted values (files, the wire, webview messages) into typed ones: a valibot
 * schema is both the TypeScript type (`v.InferOutput`) and the runtime guard. Only the valibot functions a
 * schema uses are bundled (it tree-shakes).
 */
import * as v from 'valibot';

export type Decoded<T> = { ok: true; value: T } | { ok: false; message: string };

const OBJECT_ISSUES = new Set(['object', 'strict_object', 'loose_object']);

/** A valibot issue in words: `field "a.b[2]" must be a string`, `unexpected field "apiKey"`, `missing field "text"`. */
export function describeIssue(issue: v.BaseIssue<unknown>): string {
  const keys = (issue.path ?? []).map((p) => p.key as string | number);
  let what = issue.message;
  if (OBJECT_ISSUES.has(issue.type) && keys.length > 0) {
    // A key-level issue of an object: its path ends with the key itself.
    const key = keys.pop();
    if (issue.expected === 'never') what = `unexpected field "${String(key)}"`;
    else if (issue.received === 'undefined') what = `missing field "${String(key)}"`;
    else keys.push(key as string | number);
  }
  const at = keys.map((k, i) => (typeof k === 'number' ? `[${k}]` : i ? `.${k}` : k)).join('');
  return at ? `field "${at}" ${what}` : what;
}

/** Decode `value` with `schema`; on failure the first issue, in words, with where it is. */
export function decode<S extends v.GenericSchema>(schema: S, value: unknown): Decoded<v.InferOutput<S>> {
  const r = v.safeParse(schema, value, { abortEarly: true });
  return r.success ? { ok: true, value: r.output } : { ok: false, message: describeIssue(r.issues[0]) };
}
