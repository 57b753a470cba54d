/**
 * Together AI's published OpenAPI description (/work/shared/reference/together-openapi.yaml, MIT; a copy in
 * test/unit/fixtures/) compiled with ajv: `response(path, method, status)` and `request(path, method)` validate a
 * body against the schema of that operation, `$ref`s into `components` included. Formats are not checked (the
 * description marks job ids `format: uuid`, which Together's own `ft-…` ids are not); extra properties are allowed
 * wherever the description allows them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { load } from 'js-yaml';

const FILE = join(__dirname, '..', 'fixtures', 'together-openapi.yaml');

const isOnlyNullable = (x: unknown) => !!x && typeof x === 'object' && Object.keys(x).length === 1 && (x as { nullable?: unknown }).nullable === true;

/** OpenAPI's `nullable: true` as JSON Schema: `type: [t, 'null']` (ajv refuses `nullable` without a `type`). */
function nullableToType(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(nullableToType);
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  // allOf: [{ nullable: true }, X] (a nullable reference) → anyOf: [null, X]
  if (Array.isArray(o.allOf) && o.allOf.some((x) => isOnlyNullable(x))) {
    const rest = o.allOf.filter((x) => !isOnlyNullable(x));
    delete o.allOf;
    o.anyOf = [{ type: 'null' }, { allOf: rest }];
  }
  if ('nullable' in o) {
    if (o.nullable === true && typeof o.type === 'string') o.type = [o.type, 'null'];
    delete o.nullable;
  }
  Object.values(o).forEach(nullableToType);
}

const doc = load(readFileSync(FILE, 'utf8')) as { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };
nullableToType(doc);
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema({ $id: 'together', ...doc });
const cache = new Map<string, ValidateFunction>();

const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

function compile(pointer: string): ValidateFunction {
  let v = cache.get(pointer);
  if (!v) {
    v = ajv.compile({ $ref: `together#${pointer}` });
    cache.set(pointer, v);
  }
  return v;
}

function check(pointer: string, body: unknown, what: string): void {
  const v = compile(pointer);
  if (!v(body))
    assert.fail(`${what} does not match Together's schema: ${ajv.errorsText(v.errors, { separator: '\n  ' })}\n${JSON.stringify(body).slice(0, 600)}`);
}

/**
 * Checks a response body against the operation's schema for `status`; an error status the description does not list
 * for the operation is checked against Together's generic `ErrorData`.
 */
export function assertResponse(path: string, method: string, status: number, body: unknown, contentType = 'application/json'): void {
  const r = doc.paths[path]?.[method.toLowerCase()]?.responses?.[String(status)] as { content?: Record<string, unknown> } | undefined;
  const documented = r?.content?.[contentType] !== undefined;
  if (!documented && status >= 400) return check('/components/schemas/ErrorData', body, `${method} ${path} → ${status} (ErrorData)`);
  check(`/paths/${esc(path)}/${method.toLowerCase()}/responses/${status}/content/${esc(contentType)}/schema`, body, `${method} ${path} → ${status}`);
}

/** The content types the description documents for one response of an operation. */
export function responseContentTypes(path: string, method: string, status: number): string[] {
  const r = doc.paths[path]?.[method.toLowerCase()]?.responses?.[String(status)] as { content?: Record<string, unknown> } | undefined;
  return Object.keys(r?.content ?? {});
}

export function assertRequest(path: string, method: string, body: unknown, contentType = 'application/json'): void {
  check(`/paths/${esc(path)}/${method.toLowerCase()}/requestBody/content/${esc(contentType)}/schema`, body, `request ${method} ${path}`);
}

/** Which operation of the description a concrete path (`/fine-tunes/ft-1/events`) belongs to. */
export function operationPath(concrete: string): string | undefined {
  const seg = concrete.split('/');
  const candidates = Object.keys(doc.paths).filter((p) => {
    const t = p.split('/');
    return t.length === seg.length && t.every((x, i) => x === seg[i] || /^\{.+\}$/.test(x));
  });
  // A literal segment beats a parameter (/fine-tunes/estimate-price before /fine-tunes/{id}).
  return candidates.sort((a, b) => (b.match(/\{/g)?.length ?? 0) - (a.match(/\{/g)?.length ?? 0)).pop();
}
