/** The tokenizer must never be part of (or loaded by) the extension bundle: it is a separate file. */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { bundleText } from './build';

describe('tokenizer stays out of the extension bundle', function () {
  this.timeout(60_000);
  for (const entry of ['src/core/validation/index.ts', 'src/validation/register.ts']) {
    it(`${entry} bundles without BPE ranks or gpt-tokenizer`, async () => {
      assert.ok(existsSync(path.resolve(__dirname, '../../..', entry)), `${entry} exists`);
      const text = await bundleText(entry);
      assert.ok(!text.includes('gpt-tokenizer') && !text.includes('bytePairRankDecoder'), 'no tokenizer code');
      // Far below the tokenizer's 3 MB of BPE ranks. This build inlines dynamic imports (the shipped one splits them into
      // chunks), so the status bar's lazily loaded backend catalog is counted here too.
      assert.ok(text.length < 300_000, `bundle is ${text.length} bytes`);
      assert.match(text, /tokenizer\.js/, 'loads dist/tokenizer.js lazily');
    });
  }
});
