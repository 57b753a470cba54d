import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { compileFunction } from 'node:vm';
import { brotliDecompressSync } from 'node:zlib';
import type { CounterOptions, TokenCounter } from './tokenizer';
import type { EncodingName } from './types';

type TokenizerModule = typeof import('./tokenizer');

let loaded: TokenizerModule | undefined;

/** True when running from TypeScript sources (unit tests via tsx), false inside a dist/ bundle. */
export const fromSources = __filename.endsWith('.ts');

/**
 * A file shipped next to the bundles in dist/: bundles live in dist/ (extension, worker) or
 * dist/cli/ (the CLI), so look beside this bundle, then one level up.
 */
export function distFile(name: string): string {
  const f = findDistFile(name);
  if (!f) throw new Error(`Socratune: ${name} is missing next to ${__dirname} (run the build).`);
  return f;
}

function findDistFile(name: string): string | undefined {
  for (const dir of [__dirname, path.dirname(__dirname)]) {
    const f = path.join(dir, name);
    if (existsSync(f)) return f;
  }
  return undefined;
}

/**
 * The packaged extension ships the tokenizer Brotli-compressed (dist/tokenizer.js.br: the .vsix stays
 * under 2 MB); decompressing takes ~10 ms. It is evaluated as the CommonJS module it is.
 */
function loadCompressed(file: string): TokenizerModule {
  const filename = file.slice(0, -'.br'.length);
  const code = brotliDecompressSync(readFileSync(file)).toString('utf8');
  const module = { exports: {} as TokenizerModule };
  const fn = compileFunction(code, ['exports', 'require', 'module', '__filename', '__dirname'], { filename });
  fn(module.exports, createRequire(filename), module, filename, path.dirname(filename));
  return module.exports;
}

/**
 * Load the tokenizer on first use. From the bundles this requires dist/tokenizer.js (or .js.br), a separate file,
 * so the extension bundle never contains (or parses at activation) the BPE ranks; from sources it
 * requires ./tokenizer.ts. `createRequire` keeps esbuild from inlining it.
 */
export function tokenizerModule(): TokenizerModule {
  if (!loaded) {
    const req = createRequire(__filename);
    if (fromSources) loaded = req(path.join(__dirname, 'tokenizer.ts')) as TokenizerModule;
    else {
      const js = findDistFile('tokenizer.js');
      loaded = js ? (req(js) as TokenizerModule) : loadCompressed(distFile('tokenizer.js.br'));
    }
  }
  return loaded;
}

export function isTokenizerLoaded(): boolean {
  return loaded !== undefined;
}

export function loadTokenCounter(encoding: EncodingName, opts?: CounterOptions): Promise<TokenCounter> {
  return tokenizerModule().createTokenCounter(encoding, opts);
}
