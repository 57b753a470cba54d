import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
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
  for (const dir of [__dirname, path.dirname(__dirname)]) {
    const f = path.join(dir, name);
    if (existsSync(f)) return f;
  }
  throw new Error(`Socratune: ${name} is missing next to ${__dirname} (run the build).`);
}

/**
 * Load the tokenizer on first use. From the bundles this requires dist/tokenizer.js, a separate file,
 * so the extension bundle never contains (or parses at activation) the BPE ranks; from sources it
 * requires ./tokenizer.ts. `createRequire` keeps esbuild from inlining it.
 */
export function tokenizerModule(): TokenizerModule {
  if (!loaded) {
    const req = createRequire(__filename);
    loaded = req(fromSources ? path.join(__dirname, 'tokenizer.ts') : distFile('tokenizer.js')) as TokenizerModule;
  }
  return loaded;
}

export function isTokenizerLoaded(): boolean {
  return loaded !== undefined;
}

export function loadTokenCounter(encoding: EncodingName, opts?: CounterOptions): Promise<TokenCounter> {
  return tokenizerModule().createTokenCounter(encoding, opts);
}
