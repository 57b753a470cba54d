import assert from 'node:assert/strict';
import { bm25, lcsLength, rougeL, tokens } from '../../../src/core/eval/similarity';

describe('eval: reference similarity', () => {
  it('ROUGE-L is the LCS-based F-measure, hand-computed', () => {
    // reply 5 words, reference 6, LCS "the cat on the mat" = 5 → P 1, R 5/6, F1 = 10/11
    const r = rougeL('The cat, on the mat!', 'the cat sat on the mat');
    assert.equal(r.precision, 1);
    assert.ok(Math.abs(r.recall - 5 / 6) < 1e-12);
    assert.ok(Math.abs(r.f - 10 / 11) < 1e-12);
    assert.deepEqual(rougeL('nothing shared', 'the cat'), { precision: 0, recall: 0, f: 0 });
    assert.equal(rougeL('', 'the cat').f, 0);
    // Order matters (subsequence, not bag of words): "b a" vs "a b" → LCS 1 → F 0.5
    assert.equal(rougeL('b a', 'a b').f, 0.5);
  });

  it('LCS of word sequences', () => {
    assert.equal(lcsLength(tokens('a b c d e'), tokens('a c e x')), 3);
    assert.equal(lcsLength([], tokens('a')), 0);
  });

  it('BM25 of the reference against the replies, hand-computed (k1 1.2, b 0.75)', () => {
    // idf(cat) = ln(1 + 1.5/1.5) = ln 2; doc 1: tf 2, length 3, avg 2 → ln2·2·2.2 / (2 + 1.2·(0.25 + 1.125))
    const [s1, s2] = bm25('cat', ['cat cat dog', 'dog']);
    assert.ok(Math.abs(s1 - (Math.LN2 * 4.4) / 3.65) < 1e-12);
    assert.equal(s2, 0);
  });
});
