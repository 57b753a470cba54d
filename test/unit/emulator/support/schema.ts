import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runtime check of response bodies against OpenAI's published schemas (fixtures/openai-schemas.json, extracted
 * from the OpenAPI description by scripts/dev/extract-openai-schemas.mjs): types, required fields, enums,
 * nullability, nested objects and arrays. Extra properties are allowed, as OpenAI itself sends some.
 */
interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  nullable?: boolean;
}

const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'openai-schemas.json'), 'utf8')) as { schemas: Record<string, Schema> };

export type SchemaName = keyof typeof fixture.schemas & string;

function typeOk(t: string, v: unknown): boolean {
  switch (t) {
    case 'null':
      return v === null;
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    default:
      return true;
  }
}

export function schemaErrors(schema: Schema, value: unknown, path = '$'): string[] {
  if (value === null && schema.nullable) return [];
  const errors: string[] = [];
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => typeOk(t, value))) return [`${path}: expected ${types.join('|')}, got ${JSON.stringify(value)?.slice(0, 60)}`];
  }
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: ${JSON.stringify(value)} not in enum ${JSON.stringify(schema.enum)}`);
  for (const alts of [schema.anyOf, schema.oneOf]) {
    if (!alts) continue;
    const results = alts.map((s) => schemaErrors(s, value, path));
    if (!results.some((r) => r.length === 0)) errors.push(`${path}: matches no alternative (${results.map((r) => r[0]).join(' / ')})`);
  }
  for (const s of schema.allOf ?? []) errors.push(...schemaErrors(s, value, path));
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in obj)) errors.push(`${path}.${key}: required`);
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      if (obj[key] !== undefined) errors.push(...schemaErrors(sub, obj[key], `${path}.${key}`));
    }
  }
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => errors.push(...schemaErrors(schema.items as Schema, item, `${path}[${i}]`)));
  return errors;
}

/** Fails the test with every mismatch if `value` doesn't conform to OpenAI's schema `name`. */
export function assertSchema(name: SchemaName, value: unknown): void {
  const schema = fixture.schemas[name];
  assert.ok(schema, `no schema named ${name}`);
  const errors = schemaErrors(schema, JSON.parse(JSON.stringify(value)));
  assert.deepEqual(errors, [], `${name} does not match OpenAI's schema:\n${errors.join('\n')}`);
}
