// Code splitting for the CommonJS extension host.
//
// VS Code 1.90–1.100 loads an extension with require(), so its bundle must be CommonJS, and esbuild splits code only
// for ESM output. So the extension is built in two passes:
//   1. esbuild bundles src/extension.ts as ESM with `splitting`: every `await import('./x')` in the sources becomes a
//      chunk, and modules used by several chunks go into shared chunks, so each module exists once (one module state,
//      one class identity).
//   2. each ESM file is converted, without bundling, to CommonJS: static imports become require() of the sibling
//      chunk, dynamic imports become `Promise.resolve().then(() => require(chunk))`. Source maps chain through both.
// The result: dist/extension.js (what activation evaluates) plus dist/chunks/*.js, required on first use.
//
// The pass-1 metafile is kept at out/split/<name>.meta.json: the benchmark reads from it which chunks activation
// loads (the static-import closure of the entry).

import * as esbuild from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Options of one split target: ordinary esbuild node options with one entry point and an `outfile`. The ESM pass
 * and its metafile go to `workDir` (default out/split).
 */
function passOptions(target, workDir = path.join('out', 'split')) {
  const { outfile, entryPoints, ...rest } = target;
  if (!outfile || !Array.isArray(entryPoints) || entryPoints.length !== 1) throw new Error('split target: one entry point and an outfile');
  const name = path.basename(outfile, '.js');
  const outdir = path.dirname(outfile);
  const esmDir = path.join(workDir, name);
  const metaFile = path.join(workDir, `${name}.meta.json`);
  return { name, outdir, esmDir, metaFile, entry: entryPoints[0], rest };
}

/** The pass-2 conversion of every pass-1 output file into `outdir` (chunks in `outdir/chunks/`, stale ones removed). */
async function convert(result, o) {
  const files = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
  rmSync(path.join(o.outdir, 'chunks'), { recursive: true, force: true });
  await esbuild.build({
    entryPoints: files,
    outbase: o.esmDir,
    outdir: o.outdir,
    platform: 'node',
    format: 'cjs',
    target: o.rest.target,
    bundle: false,
    minify: o.rest.minify,
    sourcemap: o.rest.sourcemap,
    // import() → require(): the extension host of VS Code ≤ 1.100 cannot import() from an extension.
    supported: { 'dynamic-import': false },
    logLevel: 'warning',
  });
  mkdirSync(path.dirname(o.metaFile), { recursive: true });
  writeFileSync(o.metaFile, JSON.stringify(result.metafile));
}

function pass1(target, o, extraPlugins = []) {
  return {
    ...o.rest,
    entryPoints: { [o.name]: o.entry },
    outdir: o.esmDir,
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    plugins: [...(o.rest.plugins ?? []), ...extraPlugins],
  };
}

/** Build one split target once; returns the pass-1 metafile. */
export async function buildSplit(target, { workDir } = {}) {
  const o = passOptions(target, workDir);
  rmSync(o.esmDir, { recursive: true, force: true });
  const result = await esbuild.build(pass1(target, o));
  await convert(result, o);
  return result.metafile;
}

/** An esbuild context for `npm run watch`: each rebuild of pass 1 runs pass 2. */
export function splitContext(target) {
  const o = passOptions(target);
  const onEnd = {
    name: 'socratune-split-cjs',
    setup(build) {
      build.onEnd(async (result) => {
        if (result.errors.length === 0 && result.metafile) await convert(result, o);
      });
    },
  };
  return esbuild.context(pass1(target, o, [onEnd]));
}

/**
 * The files activation loads: the entry and the closure of its static imports (from the pass-1 metafile).
 * @public used by test/unit/build/split.test.ts and bench/extension.bench.ts through a dynamic import.
 */
export function staticClosure(metafile, entryName) {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((f) => path.basename(f) === `${entryName}.js` && !f.includes('/chunks/'));
  if (!entry) throw new Error(`no output for ${entryName} in the metafile`);
  const seen = new Set();
  const visit = (f) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const i of outputs[f]?.imports ?? []) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entry);
  return { entry, files: [...seen] };
}
