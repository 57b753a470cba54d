/** Build the shipped validation bundles (CLI, tokenizer, worker) into a temp dir, like esbuild.config.mjs does. */
import * as esbuild from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

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

/** Like `esbuild.config.mjs --production`: replace tokenizer.js by tokenizer.js.br (the .vsix layout). */
export function compressTokenizer(tokenizer: string): string {
  writeFileSync(`${tokenizer}.br`, brotliCompressSync(readFileSync(tokenizer), { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }));
  rmSync(tokenizer);
  return `${tokenizer}.br`;
}

export async function buildValidationBundles(outDir: string): Promise<{ cli: string; tokenizer: string; worker: string }> {
  const cli = path.join(outDir, 'cli', 'validate.js');
  const tokenizer = path.join(outDir, 'tokenizer.js');
  const worker = path.join(outDir, 'validationWorker.js');
  await Promise.all([
    esbuild.build({ ...common, entryPoints: ['src/cli/validate.ts'], outfile: cli, banner: { js: '#!/usr/bin/env node' } }),
    esbuild.build({ ...common, entryPoints: ['src/core/validation/tokenizer.ts'], outfile: tokenizer, charset: 'utf8' }),
    esbuild.build({ ...common, entryPoints: ['src/core/validation/worker.ts'], outfile: worker }),
  ]);
  return { cli, tokenizer, worker };
}

/** Bundle an entry point in memory (vscode external) and return its text. */
export async function bundleText(entry: string): Promise<string> {
  const r = await esbuild.build({ ...common, entryPoints: [entry], write: false, external: ['vscode'], minify: true });
  return r.outputFiles[0]!.text;
}
