#!/usr/bin/env node
// Merge a JSON fragment into package.json, under a lock, so that parallel work never clobbers it.
// Usage: flock /tmp/socratune-pkg.lock node scripts/dev/edit-package.mjs fragment.json
// Arrays are merged by identity (command/id/view+contents/key) so running twice changes nothing;
// objects merge deeply; scalars are replaced.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../../package.json', import.meta.url);
const pkg = JSON.parse(readFileSync(file, 'utf8'));
const frag = JSON.parse(readFileSync(process.argv[2], 'utf8'));

const identity = (v) =>
  v && typeof v === 'object'
    ? (v.command ?? v.id ?? (v.view && v.contents ? `${v.view}|${v.contents}` : undefined) ?? v.key ?? JSON.stringify(v))
    : JSON.stringify(v);
const keyOf = (v) => (v && typeof v === 'object' && v.command && v.when !== undefined ? `${v.command}|${v.when}|${v.group ?? ''}` : identity(v));

function merge(a, b) {
  if (Array.isArray(a) && Array.isArray(b)) {
    const out = [...a];
    for (const item of b) {
      const i = out.findIndex((x) => keyOf(x) === keyOf(item));
      if (i >= 0) out[i] = item;
      else out.push(item);
    }
    return out;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const out = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in a ? merge(a[k], v) : v;
    return out;
  }
  return b;
}

writeFileSync(file, JSON.stringify(merge(pkg, frag), null, 2) + '\n');
console.log('package.json updated');
