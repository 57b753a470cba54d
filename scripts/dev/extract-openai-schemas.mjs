#!/usr/bin/env node
// Extracts the response schemas the emulator serves from OpenAI's OpenAPI description (MIT, openai/openai-openapi)
// into test/unit/emulator/fixtures/openai-schemas.json, with $refs inlined and only the keywords the runtime checker
// reads. Usage: node scripts/dev/extract-openai-schemas.mjs [/path/to/openai-openapi.json]
import { readFileSync, writeFileSync } from 'node:fs';

const src = process.argv[2] ?? '/work/shared/reference/openai-openapi.json';
const spec = JSON.parse(readFileSync(src, 'utf8'));
const NAMES = [
  'FineTuningJob',
  'FineTuningJobEvent',
  'FineTuningJobCheckpoint',
  'OpenAIFile',
  'Model',
  'DeleteModelResponse',
  'DeleteFileResponse',
  'CreateChatCompletionResponse',
  'CreateChatCompletionStreamResponse',
  'ErrorResponse',
  'ListPaginatedFineTuningJobsResponse',
  'ListFineTuningJobEventsResponse',
  'ListFineTuningJobCheckpointsResponse',
  'ListFilesResponse',
  'ListModelsResponse',
  'Upload',
  'UploadPart',
];
const KEEP = ['type', 'properties', 'required', 'enum', 'items', 'anyOf', 'oneOf', 'allOf', 'nullable'];

function inline(node, seen) {
  if (Array.isArray(node)) return node.map((n) => inline(n, seen));
  if (!node || typeof node !== 'object') return node;
  if (node.$ref) {
    const name = node.$ref.split('/').pop();
    if (seen.includes(name)) return {};
    const resolved = inline(spec.components.schemas[name], [...seen, name]);
    return node.nullable ? { ...resolved, nullable: true } : resolved;
  }
  const out = {};
  for (const k of KEEP) {
    if (!(k in node)) continue;
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(node.properties).map(([p, v]) => [p, inline(v, seen)])) : inline(node[k], seen);
  }
  return out;
}

const schemas = Object.fromEntries(NAMES.map((n) => [n, inline(spec.components.schemas[n], [n])]));
const out = {
  source: 'openai/openai-openapi openapi.yaml (f85dbe2, 2026-08-21), MIT License, Copyright (c) OpenAI. Subset: $refs inlined, descriptions dropped.',
  schemas,
};
writeFileSync(new URL('../../test/unit/emulator/fixtures/openai-schemas.json', import.meta.url), `${JSON.stringify(out, null, 1)}\n`);
console.log(`wrote ${NAMES.length} schemas`);
