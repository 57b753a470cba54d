import { strict as assert } from 'node:assert';
import { JOURNAL_TEMPLATE, journalFileName } from '../../../src/walkthrough/journalTemplate';
import { splitJournal } from '../../../src/core/dataset/journal';

describe('walkthrough journal template', () => {
  it('picks a free file name', () => {
    assert.equal(journalFileName([]), 'journal.md');
    assert.equal(journalFileName(['/w/journal.md']), 'journal-2.md');
    assert.equal(journalFileName(['/w/Journal.md', '/w/notes/journal-2.md']), 'journal-3.md');
  });

  it('starts with a dated entry that the journal splitter finds', () => {
    const text = JOURNAL_TEMPLATE(new Date('2026-11-26T10:00:00Z'));
    assert.match(text, /^## 2026-11-26 — What did I learn today\?$/m);
    const passages = splitJournal(text).passages;
    assert.ok(
      passages.some((p) => /2026-11-26/.test(p.heading ?? '')),
      JSON.stringify(passages.map((p) => p.heading)),
    );
  });
});
