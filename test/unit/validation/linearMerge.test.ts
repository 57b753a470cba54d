/**
 * The validator's BPE worst case (issue 14): long unbroken runs are merged by ./linearMerge in O(n log n).
 * It must give exactly the library's tokens and tiktoken's counts; the speed is measured by
 * bench/validation.bench.ts ("long runs"), never asserted here.
 */
import * as assert from 'node:assert/strict';
import { get_encoding, type Tiktoken } from 'tiktoken';
import { loadTokenCounter } from '../../../src/core/validation';
import { LONG_PIECE, installLinearMerge, linearMerge } from '../../../src/core/validation/linearMerge';

const ENCODINGS = ['o200k_base', 'cl100k_base'] as const;

/** A seeded PRNG, so the "random" strings are the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomFrom(alphabet: string, n: number, seed: number): string {
  const r = rng(seed);
  const chars = [...alphabet];
  let out = '';
  for (let i = 0; i < n; i++) out += chars[Math.floor(r() * chars.length)];
  return out;
}

/** Single pieces longer than LONG_PIECE bytes (the pre-tokenizer does not split them), of every kind. */
function longRuns(): [string, string][] {
  const out: [string, string][] = [];
  for (const ch of ['a', 'x', 'Z', ' ', '-', '=', '.', '!', 'é', '的', '😀', 'ж'])
    for (const n of [LONG_PIECE + 1, 300, 1001, 2500]) out.push([`${JSON.stringify(ch)} × ${n}`, ch.repeat(n)]);
  out.push(['"ab" × 900', 'ab'.repeat(900)]);
  out.push(['"aab" × 700', 'aab'.repeat(700)]);
  out.push(['"Pneumono…" × 60', 'Pneumonoultramicroscopicsilicovolcanoconiosis'.repeat(60)]);
  out.push(['"=-" × 800', '=-'.repeat(800)]);
  for (let seed = 1; seed <= 6; seed++) {
    out.push([`random lowercase #${seed}`, randomFrom('abcdefghijklmnopqrstuvwxyz', 400 * seed, seed)]);
    out.push([`random mixed case #${seed}`, randomFrom('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 350 * seed, 100 + seed)]);
    out.push([`random punctuation #${seed}`, randomFrom('!"#$%&()*+,-./:;<=>?@[]^_`{|}~', 300 * seed, 200 + seed)]);
    out.push([`random Cyrillic/CJK #${seed}`, randomFrom('абвгдежзийклмнопрстуфхцчшщьюя的一是不了人我在有他这中大来上', 200 * seed, 300 + seed)]);
  }
  return out;
}

describe('validator worst case: long unbroken runs (linear merge)', function () {
  this.timeout(120_000);
  const tk: Partial<Record<(typeof ENCODINGS)[number], Tiktoken>> = {};
  before(() => {
    for (const e of ENCODINGS) tk[e] = get_encoding(e);
  });
  after(() => {
    for (const e of ENCODINGS) tk[e]?.free();
  });

  for (const enc of ENCODINGS) {
    it(`${enc}: counts of long runs equal tiktoken's (encode_ordinary), alone and inside text`, async () => {
      const counter = await loadTokenCounter(enc, { memoize: false });
      const mod = enc === 'o200k_base' ? await import('gpt-tokenizer/encoding/o200k_base') : await import('gpt-tokenizer/encoding/cl100k_base');
      const core = (mod.default as unknown as { bytePairEncodingCoreProcessor: { linearMergeInstalled?: boolean } }).bytePairEncodingCoreProcessor;
      assert.equal(core.linearMergeInstalled, true, 'the token counter merges long pieces with the linear merge');
      const tiktoken = tk[enc];
      assert.ok(tiktoken);
      for (const [name, s] of longRuns()) {
        for (const text of [s, `Before the run: ${s} and after it.\n${s.slice(0, 400)}`]) {
          assert.equal(counter.count(text), tiktoken.encode_ordinary(text).length, `${enc}: ${name}`);
        }
      }
    });
    it(`${enc}: the installed merge is used and gives the library's own tokens, token for token`, async () => {
      const mod = enc === 'o200k_base' ? await import('gpt-tokenizer/encoding/o200k_base') : await import('gpt-tokenizer/encoding/cl100k_base');
      const encoding = mod.default as unknown as object;
      assert.equal(installLinearMerge(encoding), true, 'gpt-tokenizer still has the internals the linear merge replaces');
      const core = (encoding as { bytePairEncodingCoreProcessor: object }).bytePairEncodingCoreProcessor as Parameters<typeof linearMerge>[0] & {
        bytePairMerge(p: Uint8Array): number[];
      };
      const libraryMerge = Object.getPrototypeOf(core).bytePairMerge as (p: Uint8Array) => number[];
      const utf8 = new TextEncoder();
      for (const [name, s] of longRuns()) {
        const piece = utf8.encode(s);
        assert.deepEqual(linearMerge(core, piece), libraryMerge.call(core, piece), `${enc}: ${name}`);
      }
    });
  }
});
