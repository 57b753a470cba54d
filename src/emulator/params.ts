import { invalidRequest } from './errors';

/** Request-parameter checks that fail with OpenAI's messages and codes. `name` is the dotted parameter path. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a decimal';
  if (typeof v === 'boolean') return 'a boolean';
  if (typeof v === 'string') return 'a string';
  return 'an object';
}

function wrongType(name: string, expected: string, v: unknown) {
  return invalidRequest(`Invalid type for '${name}': expected ${expected}, but got ${typeName(v)} instead.`, name, 'invalid_type');
}

export function missing(name: string) {
  return invalidRequest(`Missing required parameter: '${name}'.`, name, 'missing_required_parameter');
}

export function requireString(body: JsonObject, key: string, path = key): string {
  const v = body[key];
  if (v === undefined) throw missing(path);
  if (typeof v !== 'string') throw wrongType(path, 'a string', v);
  return v;
}

export function optString(body: JsonObject, key: string, path = key): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw wrongType(path, 'a string', v);
  return v;
}

export function optBoolean(body: JsonObject, key: string, path = key): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw wrongType(path, 'a boolean', v);
  return v;
}

export function optInteger(body: JsonObject, key: string, min: number, max: number, path = key): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw wrongType(path, 'an integer', v);
  checkRange(path, v, min, max, 'integer');
  return v;
}

export function optNumber(body: JsonObject, key: string, min: number, max: number, path = key): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw wrongType(path, 'a number', v);
  checkRange(path, v, min, max, 'decimal');
  return v;
}

function checkRange(path: string, v: number, min: number, max: number, kind: 'integer' | 'decimal'): void {
  if (v < min)
    throw invalidRequest(`Invalid '${path}': ${kind} below minimum value. Expected a value >= ${min}, but got ${v} instead.`, path, `${kind}_below_min_value`);
  if (v > max)
    throw invalidRequest(`Invalid '${path}': ${kind} above maximum value. Expected a value <= ${max}, but got ${v} instead.`, path, `${kind}_above_max_value`);
}

export function optObject(body: JsonObject, key: string, path = key): JsonObject | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw wrongType(path, 'an object', v);
  return v;
}

export function optArray(body: JsonObject, key: string, path = key): Json[] | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw wrongType(path, 'an array', v);
  return v;
}

export function oneOf<T extends string>(path: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) {
    throw invalidRequest(`Invalid value: '${v}'. Supported values are: ${allowed.map((a) => `'${a}'`).join(', ')}.`, path, 'invalid_value');
  }
  return v as T;
}

/** `'auto'` or a number within [min, max] (integer when `integer`), as fine-tuning hyperparameters accept. */
export function autoOrNumber(
  obj: JsonObject,
  key: string,
  path: string,
  min: number,
  max: number,
  integer: boolean,
  exclusiveMin = false,
): 'auto' | number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (v === 'auto') return 'auto';
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw invalidRequest(
      `Invalid value for '${path}': expected 'auto' or ${integer ? 'an integer' : 'a number'}, but got ${typeName(v)} instead.`,
      path,
      'invalid_type',
    );
  }
  if (exclusiveMin ? v <= min : v < min)
    throw invalidRequest(`Invalid '${path}': must be ${exclusiveMin ? 'greater than' : 'at least'} ${min}, got ${v}.`, path, 'invalid_value');
  if (v > max) throw invalidRequest(`Invalid '${path}': must be at most ${max}, got ${v}.`, path, 'invalid_value');
  return v;
}

/** Rejects keys a strict endpoint doesn't know, as OpenAI does (`Unrecognized request argument supplied`). */
export function rejectUnknown(body: JsonObject, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw invalidRequest(`Unrecognized request argument supplied: ${key}`, key, 'unknown_parameter');
  }
}

/** Query-string integer parameter (`limit`). */
export function queryInt(query: URLSearchParams, key: string, dflt: number, min: number, max: number): number {
  const raw = query.get(key);
  if (raw === null || raw === '') return dflt;
  if (!/^-?\d+$/.test(raw)) throw invalidRequest(`Invalid type for '${key}': expected an integer, but got a string instead.`, key, 'invalid_type');
  const v = Number(raw);
  checkRange(key, v, min, max, 'integer');
  return v;
}
