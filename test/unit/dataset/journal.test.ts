import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { splitJournal } from '../../../src/core/dataset/journal';

const sample = readFileSync(path.join(__dirname, '..', '..', '..', 'samples', 'journal', '2026-journal.md'), 'utf8');

describe('journal splitting', () => {
  it('splits the sample journal into its dated entries, skipping front matter and the empty title section', () => {
    const r = splitJournal(sample);
    assert.equal(r.splitLevel, 2);
    assert.equal(r.passages.length, 12);
    assert.deepEqual(r.passages.map((p) => p.heading).slice(0, 2), ['2026-01-04', '2026-01-11 — On criticism']);
    assert.ok(r.passages.every((p) => p.boundary === 'heading' && p.headingPath[0] === 'Notes to myself'));
    assert.deepEqual(
      r.skipped.map((s) => s.reason),
      ['front-matter', 'empty'],
    );
    const lines = sample.split('\n');
    const first = r.passages[0];
    assert.equal(lines[first.startLine], '## 2026-01-04');
    assert.ok(lines[first.endLine].startsWith('down last year'));
    assert.equal(first.raw, lines.slice(first.startLine, first.endLine + 1).join('\n'));
  });

  it('splits on weekday headings and keeps sub-headings inside an entry', () => {
    const src =
      '# Monday — the river\n\nI walked to the river and watched the water for a long time.\n\n### Evening\n\nLater I wrote this down, slowly, by the window.\n\n# Tuesday\n\nA long day at work; I noticed how often I wait for permission.\n';
    const r = splitJournal(src);
    assert.equal(r.splitLevel, 1);
    assert.equal(r.passages.length, 2);
    assert.ok(r.passages[0].raw.includes('### Evening'));
    assert.equal(r.passages[1].heading, 'Tuesday');
  });

  it('splits on horizontal rules and date lines, and not on "#" inside code or a setext underline', () => {
    const src = [
      'Monday, March 4',
      'I walked to the river and thought about how slowly things change.',
      '',
      '---',
      '',
      'Later that day I decided the slowness is the point, really it is.',
      '',
      '2024-03-05',
      'Nothing much happened today, but I still want to write something down.',
      '',
      '```',
      '# not a heading',
      '```',
      '',
      'A title in setext style with a long enough body',
      '---',
    ].join('\n');
    const r = splitJournal(src);
    assert.deepEqual(
      r.passages.map((p) => [p.boundary, p.heading ?? null, p.startLine, p.endLine]),
      [
        ['date', 'Monday, March 4', 1, 1],
        ['rule', null, 5, 5],
        ['date', '2024-03-05', 8, 12],
      ],
    );
    // "---" under a paragraph is a setext heading (here with no body), not a rule.
    assert.deepEqual(
      r.skipped.map((s) => [s.reason, s.heading]),
      [['empty', 'A title in setext style with a long enough body']],
    );
    assert.deepEqual(r.passages[1].headingPath, ['Monday, March 4']);
  });

  it('skips passages that are too short, and reports them', () => {
    const r = splitJournal('## 2024-01-01\n\nok.\n\n## 2024-01-02\n\nA much longer entry that is well above the minimum length.\n');
    assert.equal(r.passages.length, 1);
    assert.deepEqual(
      r.skipped.map((s) => [s.reason, s.startLine]),
      [['too-short', 0]],
    );
  });

  it('treats a file without headings as one passage', () => {
    const r = splitJournal('Just some thoughts written without any structure at all, but long enough.\nSecond line.');
    assert.equal(r.passages.length, 1);
    assert.equal(r.passages[0].boundary, 'start');
    assert.equal(r.splitLevel, undefined);
  });
});
