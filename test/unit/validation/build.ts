/** Build the shipped validation bundles (CLI, tokenizer, worker) into a temp dir, like esbuild.config.mjs does. */
import * as esbuild from 'esbuild';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const common: esbuild.BuildOptions = {
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  bundle: true,
  logLevel: 'silent',
  absWorkingDir: root,
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
};

export async function buildValidationBundles(outDir: string): Promise<{ cli: string; tokenizer: string; worker: string }> {
  const cli = path.join(outDir, 'cli', 'validate.js');
  const tokenizer = path.join(outDir, 'tokenizer.js');
  const worker = path.join(outDir, 'validationWorker.js');
  await Promise.all([
    esbuild.build({ ...common, entryPoints: ['src/cli/validate.ts'], outfile: cli, banner: { js: '#!/usr/bin/env node' } }),
    esbuild.build({ ...common, entryPoints: ['src/core/validation/tokenizer.ts'], outfile: tokenizer }),
    esbuild.build({ ...common, entryPoints: ['src/core/validation/worker.ts'], outfile: worker }),
  ]);
  return { cli, tokenizer, worker };
}

/** Bundle an entry point in memory (vscode external) and return its text. */
export async function bundleText(entry: string): Promise<string> {
  const r = await esbuild.build({ ...common, entryPoints: [entry], write: false, external: ['vscode'], minify: true });
  return r.outputFiles[0]!.text;
}
