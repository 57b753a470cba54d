/**
 * Fireworks AI's REST calls as their generated SDK makes them (/work/shared/reference/fireworks-rest-shapes.json,
 * copied to test/unit/fixtures/), used as a schema: `operation(method, path)` finds the call a concrete request
 * belongs to; `assertRequest` checks its query keys and body (only documented fields, documented types, REQUIRED
 * fields present); `assertResponse` checks a response body the same way, and an error body against Fireworks' error
 * shapes (grpc Status on the control plane, `{error:{…}}` on the inference API). The reference describes each field
 * in words ("string int64", "enum A|B", "int32", nested objects as objects); the checker reads those words.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Desc = string | { readonly [k: string]: Desc } | readonly Desc[];
interface Op {
  readonly id: string;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, Desc>>;
  readonly body: Readonly<Record<string, Desc>>;
  readonly response: Readonly<Record<string, Desc>>;
  readonly pattern: RegExp;
}

type Doc = Record<string, Record<string, unknown>>;
const doc = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'fireworks-rest-shapes.json'), 'utf8')) as Doc;
const at = (...keys: string[]): Record<string, unknown> => keys.reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, doc);

function op(id: string, raw: Record<string, unknown>): Op {
  const path = String(raw.path);
  const source = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[a-z_]+\}/g, '([^/:#]+)');
  return {
    id,
    method: String(raw.method),
    path,
    query: (raw.query ?? {}) as Op['query'],
    body: (raw.body ?? {}) as Op['body'],
    response: (raw.response ?? {}) as Op['response'],
    pattern: new RegExp(`^${source}$`),
  };
}

const GET_JOB = at('sft_jobs', 'create').response as Record<string, unknown>;
const OPS: readonly Op[] = [
  op('datasets.create', at('datasets', 'create')),
  op('datasets.upload', (doc.datasets.upload as Record<string, unknown>[])[0]),
  op('datasets.get', at('datasets', 'get')),
  op('datasets.list', at('datasets', 'list')),
  op('datasets.delete', at('datasets', 'delete')),
  op('sft_jobs.create', at('sft_jobs', 'create')),
  op('sft_jobs.get', { ...at('sft_jobs', 'get'), response: GET_JOB }),
  op('sft_jobs.list', at('sft_jobs', 'list')),
  op('sft_jobs.delete', at('sft_jobs', 'delete')),
  op('sft_jobs.cancel', at('sft_jobs', 'cancel')),
  op('models.get', at('sft_jobs', 'resulting_model', 'get')),
  op('deployments.create', at('serving', 'deployments', 'create')),
  op('deployments.get', at('serving', 'deployments', 'get')),
  op('deployments.list', at('serving', 'deployments', 'list')),
  op('deployments.delete', at('serving', 'deployments', 'delete')),
  op('chat', at('chat', 'endpoint')),
];

/** Named element types of lists (`Dataset[]` …) → the response shape of that resource's get. */
const ITEM: Readonly<Record<string, Readonly<Record<string, Desc>>>> = {
  Dataset: OPS.find((o) => o.id === 'datasets.get')!.response,
  SupervisedFineTuningJob: GET_JOB as Record<string, Desc>,
  Deployment: OPS.find((o) => o.id === 'deployments.get')!.response,
};
const JOB_STATES = doc.sft_jobs.states as string[];

/** The documented call for `method` + a concrete path (`/v1/accounts/a/datasets/d:upload`, query string allowed). */
export function operation(method: string, path: string): Op {
  const p = path.split('?')[0];
  const found = OPS.find((o) => o.method === method && o.pattern.test(p));
  assert.ok(found, `${method} ${p} is not one of Fireworks' documented calls`);
  return found;
}

function enumValues(d: string): string[] | undefined {
  const named = /NAME: ([A-Z_|]+)/.exec(d);
  if (named) return named[1].split('|');
  if (/^enum JobState/.test(d)) return JOB_STATES;
  const m = /^enum ([A-Za-z0-9_|]+)/.exec(d);
  if (!m || /\.\.\./.test(d.slice(0, 80).split(' ')[1] ?? '')) return undefined;
  return m[1].split('|');
}

function checkValue(desc: Desc, v: unknown, where: string): void {
  if (Array.isArray(desc)) return;
  if (typeof desc === 'object') return checkObject(desc as Record<string, Desc>, v, where, false);
  const d = desc as string;
  const word = d.split(/[\s(]/)[0];
  const fail = (want: string) => assert.fail(`${where}: expected ${want} (reference: "${d.slice(0, 80)}"), got ${JSON.stringify(v)?.slice(0, 80)}`);
  if (/\[\]$/.test(word)) {
    if (!Array.isArray(v)) return fail('an array');
    const item = ITEM[word.slice(0, -2)];
    if (item) v.forEach((x, i) => checkObject(item, x, `${where}[${i}]`, false));
    return;
  }
  if (word === 'string') {
    if (typeof v !== 'string') return fail('a string');
    if (/int64/.test(d) && !/^-?\d+$/.test(v)) return fail('an int64 as a JSON string');
    const values = /enum/.test(d) ? enumValues(d) : undefined;
    if (values && !values.includes(v)) return fail(`one of ${values.join('|')}`);
    return;
  }
  if (word === 'enum') {
    const values = enumValues(d);
    if (typeof v !== 'string' || (values && !values.includes(v))) return fail(`one of ${values?.join('|') ?? 'the enum'}`);
    return;
  }
  if (word === 'int' || word === 'int32') return Number.isInteger(v) ? undefined : fail('an integer');
  if (word === 'float' || word === 'number') return typeof v === 'number' ? undefined : fail('a number');
  if (word === 'bool') return typeof v === 'boolean' ? undefined : fail('a boolean');
  if (word === 'object' || word.startsWith('map<')) return v && typeof v === 'object' && !Array.isArray(v) ? undefined : fail('an object');
  if (word === 'array') return Array.isArray(v) ? undefined : fail('an array');
}

function checkObject(shape: Readonly<Record<string, Desc>>, v: unknown, where: string, request: boolean): void {
  assert.ok(v && typeof v === 'object' && !Array.isArray(v), `${where}: expected an object, got ${JSON.stringify(v)?.slice(0, 80)}`);
  const o = v as Record<string, unknown>;
  if ('<empty>' in shape) return assert.ok(Object.keys(o).length === 0 || typeof shape['<empty>'] === 'string', `${where}: expected {}`);
  for (const [k, x] of Object.entries(o)) {
    assert.ok(k in shape, `${where}: field "${k}" is not in Fireworks' reference (documented: ${Object.keys(shape).join(', ')})`);
    if (x !== undefined && x !== null) checkValue(shape[k], x, `${where}.${k}`);
  }
  if (request)
    for (const [k, d] of Object.entries(shape))
      if (typeof d === 'string' && /REQUIRED/.test(d) && !/in practice/.test(d)) assert.ok(k in o, `${where}: required field "${k}" is missing`);
}

/** A request our code sends: method + path (with query) + JSON body (undefined for multipart/none). */
export function assertRequest(method: string, url: string, body: unknown): Op {
  const u = new URL(url, 'http://x.invalid');
  const o = operation(method, u.pathname);
  for (const k of u.searchParams.keys()) assert.ok(k in o.query, `${o.id}: query parameter "${k}" is not in Fireworks' reference`);
  if (body !== undefined && o.id !== 'chat' && !('<empty>' in o.body)) checkObject(o.body, body, `request ${o.id}`, true);
  if (body !== undefined && o.id === 'chat') checkObject(o.body, body, 'request chat', true);
  return o;
}

/** A response body for `method path` with HTTP `status`. */
export function assertResponse(method: string, path: string, status: number, body: unknown): Op {
  const o = operation(method, path);
  if (status >= 400) {
    const inference = path.startsWith('/inference/');
    const shape = at('error_body', inference ? 'inference' : 'control_plane').shape as Record<string, Desc>;
    checkObject(shape, body, `${o.id} error ${status}`, false);
    for (const k of Object.keys(shape)) assert.ok(k in (body as object), `${o.id} error ${status}: "${k}" missing`);
    return o;
  }
  if (o.id === 'chat') return o;
  checkObject(o.response, body, `${o.id} response`, false);
  return o;
}
