// One list of build targets, used by `npm run build`, `npm run watch` and `npm run package`.
import * as esbuild from 'esbuild';
import * as zlib from 'node:zlib';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { lazyVendorPlugin, vendorTargets } from './scripts/lib/lazy-vendor.mjs';
import { buildSplit, splitContext } from './scripts/lib/split-cjs.mjs';

const args = new Set(process.argv.slice(2));
const watch = args.has('--watch');
const production = args.has('--production');

// jsonc-parser's UMD `main` hides its requires from esbuild; bundle its ESM build instead.
const alias = { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' };
const node = { platform: 'node', format: 'cjs', target: 'node20', bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', alias };
const browser = { platform: 'browser', format: 'iife', target: 'chrome120', bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };

// Files under `dir` (recursively) whose name ends with `suffix`, sorted: test entry points.
function testFiles(dir, suffix) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((f) => `${dir}/${String(f).split('\\').join('/')}`)
    .filter((f) => f.endsWith(suffix))
    .sort();
}

/** Every bundle the project ships or tests. `dist/` goes into the .vsix (see .vscodeignore); `out/` never does. */
export const targets = [
  // Extension host: `vscode` is provided by the host. `split`: dist/extension.js holds what activation needs; each
  // `await import()` in the sources becomes a chunk in dist/chunks/, required on first use (scripts/lib/split-cjs.mjs).
  // The openai SDK, markdown-it and jsonc-parser are each their own dist/vendor/*.js, required on first use
  // (scripts/lib/lazy-vendor.mjs).
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], plugins: [lazyVendorPlugin()], split: true },
  ...vendorTargets(node),
  // Webviews: browser code, no `vscode` import (lint-enforced).
  { ...browser, entryPoints: ['src/webview/chat/main.ts'], outfile: 'dist/webview/chat.js' },
  // Codicons for every webview (dist/webview/codicon.css + codicon.ttf; local, no remote fonts).
  {
    ...browser,
    entryPoints: ['node_modules/@vscode/codicons/dist/codicon.css'],
    outfile: 'dist/webview/codicon.css',
    loader: { '.ttf': 'file' },
    assetNames: '[name]',
    sourcemap: false,
  },
  // Command-line dataset validator (`socratune-validate`).
  { ...node, entryPoints: ['src/cli/validate.ts'], outfile: 'dist/cli/validate.js', banner: { js: '#!/usr/bin/env node' } },
  // Command-line trainer log reader (`socratune-trainer-log`): MLX-LM / Hugging Face Trainer logs → loss curves.
  { ...node, entryPoints: ['src/cli/trainerLog.ts'], outfile: 'dist/cli/trainerLog.js', banner: { js: '#!/usr/bin/env node' } },
  // Tokenizer (BPE ranks, ~3.6 MB): its own file, required on first use by the extension, the CLI and the
  // validation workers — never part of dist/extension.js (see src/core/validation/loadTokenizer.ts).
  // Production builds ship it Brotli-compressed (dist/tokenizer.js.br, ~1.1 MB instead of ~1.45 MB in the .vsix).
  { ...node, entryPoints: ['src/core/validation/tokenizer.ts'], outfile: 'dist/tokenizer.js', sourcemap: false, charset: 'utf8' },
  // Worker thread that validates one byte range of a big JSONL file.
  { ...node, entryPoints: ['src/core/validation/worker.ts'], outfile: 'dist/validationWorker.js' },
  // Dataset validation report webview.
  { ...browser, entryPoints: ['src/webview/validation/main.ts'], outfile: 'dist/webview/validation.js' },
  // Training Curves panel (chart.js), opened from the Fine-tune Jobs tree.
  { ...browser, entryPoints: ['src/webview/charts/main.ts'], outfile: 'dist/webview/charts.js' },
  // Blind rating of an evaluation (Socratune: Rate Evaluation…).
  { ...browser, entryPoints: ['src/webview/eval/main.ts'], outfile: 'dist/webview/eval.js' },
  // Evaluation results: table + win-rate chart (chart.js).
  { ...browser, entryPoints: ['src/webview/evalResults/main.ts'], outfile: 'dist/webview/evalResults.js' },
  // OpenAI API emulator (demo + tests); not part of the .vsix.
  { ...node, entryPoints: ['src/emulator/cli.ts'], outfile: 'out/emulator/cli.js' },
  // Its library entry (startEmulator) for launchers and scripts, loaded with createRequire.
  { ...node, entryPoints: ['src/emulator/index.ts'], outfile: 'out/emulator/index.js' },
  // Integration suite, loaded by the extension host: the mocha entry plus one bundle per test file
  // (mocha resolved from node_modules at run time). New test files are picked up on the next build.
  {
    ...node,
    entryPoints: ['test/integration/index.ts', ...testFiles('test/integration', '.test.ts')],
    outbase: 'test/integration',
    outdir: 'out/test/integration',
    external: ['vscode', 'mocha'],
  },
].filter((t) => !t.entryPoints || t.entryPoints.every((e) => existsSync(e)));

async function main() {
  if (watch) {
    const contexts = await Promise.all(targets.map(({ split, ...t }) => (split ? splitContext(t) : esbuild.context(t))));
    await Promise.all(contexts.map((c) => c.watch()));
    console.log(`watching ${contexts.length} targets`);
    return;
  }
  await Promise.all(targets.map(({ split, ...t }) => (split ? buildSplit(t) : esbuild.build(t))));
  if (existsSync('dist/cli/validate.js')) chmodSync('dist/cli/validate.js', 0o755);
  if (existsSync('dist/cli/trainerLog.js')) chmodSync('dist/cli/trainerLog.js', 0o755);
  if (production && existsSync('dist/tokenizer.js')) compressTokenizer('dist/tokenizer.js');
}

/** dist/tokenizer.js → dist/tokenizer.js.br (loaded by src/core/validation/loadTokenizer.ts when the .js is absent). */
function compressTokenizer(file) {
  const src = readFileSync(file);
  const { BROTLI_PARAM_QUALITY, BROTLI_PARAM_LGWIN, BROTLI_PARAM_SIZE_HINT } = zlib.constants;
  writeFileSync(
    `${file}.br`,
    zlib.brotliCompressSync(src, { params: { [BROTLI_PARAM_QUALITY]: 11, [BROTLI_PARAM_LGWIN]: 24, [BROTLI_PARAM_SIZE_HINT]: src.length } }),
  );
  rmSync(file);
}

// Run only as a script (`node esbuild.config.mjs`): tests import `targets` without building.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
