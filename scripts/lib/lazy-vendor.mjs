// Lazy vendor bundles: third-party libraries the extension host needs only on first use (the openai SDK on the first
// API call, markdown-it when a journal is split, jsonc-parser when a diagnostic is placed) are built into their own
// files under dist/vendor/ and left out of dist/extension.js.
//
// In the extension bundle, `import OpenAI, { toStreamingFile } from 'openai'` resolves to a small shim whose exports
// are getters: the first property read requires dist/vendor/openai.js. esbuild reads imported CommonJS bindings as
// property accesses at the point of use (`import_openai.default`), so nothing is loaded while the bundle is evaluated.
// The source code keeps ordinary imports: unit tests (tsx, from sources) and type checking see the real packages.

import { createRequire } from 'node:module';
import * as path from 'node:path';

/**
 * Each vendor bundle re-exports one package as `{ __esModule, default?, ...named }` (built with the same options,
 * aliases included, as the bundle that loads it).
 */
export const lazyVendors = [
  { name: 'openai', hasDefault: true },
  { name: 'markdown-it', hasDefault: true },
  { name: 'jsonc-parser', hasDefault: false },
];

/** `dist/vendor/<name>.js`, relative to the directory of the bundle that loads it. */
export const vendorFile = (name) => `vendor/${name}.js`;

/** esbuild targets that build every vendor bundle into `${outdir}/vendor/`. */
export function vendorTargets(base, outdir = 'dist') {
  return lazyVendors.map((v) => ({
    ...base,
    entryPoints: undefined,
    stdin: {
      contents: `export * from '${v.name}';${v.hasDefault ? `\nexport { default } from '${v.name}';` : ''}`,
      resolveDir: process.cwd(),
      sourcefile: `vendor-${v.name}.js`,
      loader: 'js',
    },
    outfile: path.join(outdir, vendorFile(v.name)),
    sourcemap: false,
  }));
}

/** The export names of a vendor (read once at build time from the package itself). */
function exportNames(v) {
  const req = createRequire(path.join(process.cwd(), 'package.json'));
  const mod = req(v.name);
  const names = new Set(Object.keys(mod).filter((k) => k !== '__esModule' && k !== 'default'));
  return [...names].sort();
}

function shim(v) {
  const names = exportNames(v);
  const props = [...(v.hasDefault ? ['default'] : []), ...names];
  // `require` here is the bundle's own (Node's) require: createRequire keeps esbuild from following it.
  return `'use strict';
let loaded;
function load() {
  if (loaded === undefined) {
    const { createRequire } = require('node:module');
    const { existsSync } = require('node:fs');
    const { dirname, join } = require('node:path');
    // Beside the bundle (dist/extension.js) or one level up (a chunk in dist/chunks/).
    const file = [__dirname, dirname(__dirname)].map((d) => join(d, ${JSON.stringify(vendorFile(v.name))})).find((f) => existsSync(f));
    if (file === undefined) throw new Error('Socratune: ' + ${JSON.stringify(vendorFile(v.name))} + ' is missing next to ' + __dirname + ' (run the build).');
    loaded = createRequire(__filename)(file);
  }
  return loaded;
}
Object.defineProperty(exports, '__esModule', { value: true });
for (const key of ${JSON.stringify(props)}) {
  Object.defineProperty(exports, key, { enumerable: true, get: () => load()[key] });
}
`;
}

/**
 * The plugin for the extension target: bare imports of a lazy vendor resolve to its shim. Type-only imports are erased
 * before bundling and never reach it.
 */
export function lazyVendorPlugin() {
  const byName = new Map(lazyVendors.map((v) => [v.name, v]));
  const filter = new RegExp(`^(${[...byName.keys()].map((k) => k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
  return {
    name: 'socratune-lazy-vendor',
    setup(build) {
      build.onResolve({ filter }, (args) => ({ path: byName.get(args.path).name, namespace: 'socratune-lazy-vendor' }));
      build.onLoad({ filter: /.*/, namespace: 'socratune-lazy-vendor' }, (args) => ({
        contents: shim(byName.get(args.path)),
        loader: 'js',
        resolveDir: process.cwd(),
      }));
    },
  };
}
