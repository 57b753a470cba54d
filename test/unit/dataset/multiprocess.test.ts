// Several real processes appending to one dataset at once (two VS Code windows, the CLI beside the editor),
// and a writer killed with SIGKILL again and again: nothing acknowledged is lost (issue 14).
import { strict as assert } from 'node:assert';
import { DatasetStore } from '../../../src/core/dataset/store';
import { tempDir } from './helpers';
import { killRun, multiWriterRun } from './support/writers';

describe('dataset store: real child processes', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('4 processes × 200 adds: written = acknowledged = found, none lost or duplicated, no blank line, every line number right', async function () {
    this.timeout(180_000);
    const store = await DatasetStore.create(t.dir, 'multi');
    const { tally } = await multiWriterRun(store.dir, 4, 200);
    assert.deepEqual(tally, {
      written: 800,
      acknowledged: 800,
      found: 800,
      lost: 0,
      duplicated: 0,
      blankLines: 0,
      wrongLineNumbers: 0,
      withoutProvenance: 0,
      examplesWithoutProvenance: 0,
      badLines: 0,
      repaired: 0,
    });
  });

  it('20 SIGKILLs mid-add: every acknowledged add found with its line and provenance, no torn or blank line', async function () {
    this.timeout(240_000);
    const store = await DatasetStore.create(t.dir, 'kills');
    const { tally } = await killRun(store.dir, 20, 2000);
    assert.ok(tally.acknowledged >= 20 * 3, `${tally.acknowledged} acknowledged`);
    assert.equal(tally.lost, 0);
    assert.equal(tally.found, tally.acknowledged);
    assert.equal(tally.duplicated, 0);
    assert.equal(tally.blankLines, 0);
    assert.equal(tally.badLines, 0);
    assert.equal(tally.wrongLineNumbers, 0);
    assert.equal(tally.withoutProvenance, 0);
    // At most one unacknowledged example per kill was written (killed after its write, before its ack).
    assert.ok(tally.written - tally.acknowledged <= 20, `${tally.written} written`);
    assert.equal(tally.examplesWithoutProvenance, 0, 'no example without provenance, acknowledged or not (records go first)');
  });
});
