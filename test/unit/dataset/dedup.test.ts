import { strict as assert } from 'node:assert';
import { DedupIndex, fingerprint, jaccard, shingleHashes } from '../../../src/core/dataset/dedup';
import { normalizeForComparison, passageHash } from '../../../src/core/dataset/hash';
import { DatasetCatalog } from '../../../src/core/dataset/catalog';
import { DatasetStore } from '../../../src/core/dataset/store';
import { tempDir } from './helpers';

const A = 'Friendship is mostly attention. The friends I keep are the ones who remember what I was worried about last month and ask how it turned out.';

describe('duplicate detection', () => {
  it('normalizes case, punctuation, markdown and whitespace for exact matches', () => {
    assert.equal(normalizeForComparison('**Hello**,   World!\n'), 'hello world');
    assert.equal(passageHash('*Rest* is part of the work.'), passageHash('rest IS part of\nthe work'));
  });

  it('finds exact duplicates despite formatting differences', () => {
    const idx = new DedupIndex<string>();
    idx.add(A, 'a');
    const m = idx.find(`**${A.toUpperCase()}**`);
    assert.deepEqual(
      m.map((x) => [x.ref, x.kind, x.similarity]),
      [['a', 'exact', 1]],
    );
  });

  it('finds near-duplicates (a word changed) and reports similarity; unrelated text is not matched', () => {
    const idx = new DedupIndex<string>(0.8);
    idx.add(A, 'a');
    idx.add('Anger is a letter I write to myself and then read aloud to someone else. Wait a day before sending it.', 'b');
    const near = idx.find(A.replace('last month', 'last week'));
    assert.equal(near.length, 1);
    assert.equal(near[0].ref, 'a');
    assert.equal(near[0].kind, 'near');
    assert.ok(near[0].similarity >= 0.8 && near[0].similarity < 1);
    assert.deepEqual(idx.find('Rest is not a reward for finishing. It is part of the work, the way silence is part of music.'), []);
  });

  it('estimates Jaccard with MinHash close to the exact value', () => {
    const x = normalizeForComparison(A);
    const y = normalizeForComparison(A.replace('attention', 'patience and attention'));
    const exact = jaccard(shingleHashes(x), shingleHashes(y));
    const fa = fingerprint(A);
    const fb = fingerprint(A.replace('attention', 'patience and attention'));
    let same = 0;
    for (let i = 0; i < fa.signature.length; i++) if (fa.signature[i] === fb.signature[i]) same++;
    assert.ok(Math.abs(same / fa.signature.length - exact) < 0.15, `${same / fa.signature.length} vs ${exact}`);
  });

  it('removes entries (undo) so they no longer match', () => {
    const idx = new DedupIndex<{ id: string }>();
    idx.add(A, { id: 'x' });
    idx.removeWhere((r) => r.id === 'x');
    assert.deepEqual(idx.find(A), []);
    assert.equal(idx.size, 0);
  });

  it('the catalog reports the existing example location with its provenance', async () => {
    const t = tempDir();
    try {
      const store = await DatasetStore.create(t.dir, 'd');
      await store.add({ user: 'Q1?', assistant: 'Something unrelated to friendship, about rivers and time passing slowly.', origin: 'selection' });
      const a = await store.add({ user: 'What is friendship?', assistant: A, origin: 'selection', source: { file: 'j.md', startLine: 30, endLine: 32 } });
      const cat = DatasetCatalog.fromSnapshot(await store.snapshot());
      const [m] = cat.findDuplicates(A);
      assert.equal(m.kind, 'exact');
      assert.deepEqual(
        { split: m.ref.split, line: m.ref.line, id: m.ref.id, file: m.ref.source?.file, start: m.ref.source?.startLine },
        { split: 'train', line: 2, id: a.id, file: 'j.md', start: 30 },
      );
      assert.deepEqual(
        cat.fromSource('j.md').map((r) => r.id),
        [a.id],
      );
      cat.noteRemoved([a.id]);
      assert.deepEqual(cat.findDuplicates(A), []);
    } finally {
      t.cleanup();
    }
  });
});
