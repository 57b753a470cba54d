import { strict as assert } from 'node:assert';
import { cleanPassage, normalizeText, stripFrontMatter, stripHtmlComments, unwrapParagraphs } from '../../../src/core/dataset/clean';
import { markdownToPlain } from '../../../src/core/dataset/markdown';
import { checkPassageText, headingPathAt, preparePassage } from '../../../src/core/dataset/prepare';

describe('passage cleaning', () => {
  it('drops YAML and TOML front matter, but not a lone rule', () => {
    assert.deepEqual(stripFrontMatter('---\ntitle: x\ntags: [a]\n---\nBody'), { text: 'Body', removed: true });
    assert.deepEqual(stripFrontMatter('+++\ntitle = "x"\n+++\nBody'), { text: 'Body', removed: true });
    assert.deepEqual(stripFrontMatter('---\nno closing fence'), { text: '---\nno closing fence', removed: false });
    assert.deepEqual(stripFrontMatter('Body\n---\nmore'), { text: 'Body\n---\nmore', removed: false });
  });

  it('drops HTML comments (also multi-line) but keeps them inside code fences', () => {
    const r = stripHtmlComments('a <!-- secret --> b\n<!--\nmulti\n-->\n```\n<!-- code -->\n```');
    assert.equal(r.count, 2);
    assert.equal(r.text, 'a  b\n\n```\n<!-- code -->\n```');
  });

  it('normalizes line endings, NBSP, zero-width characters and Unicode', () => {
    assert.equal(normalizeText('a\r\nb\rc\u00a0d\u200be\ufeff'), 'a\nb\nc de');
    assert.equal(normalizeText('e\u0301'), '\u00e9');
  });

  it('joins hard-wrapped paragraph lines but keeps hard breaks, lists, quotes and code', () => {
    const src = 'One line\nwrapped here.\n\nHard break  \nnext line\n\n> quoted\n> and wrapped\n\n- item\n  continued\n- second\n\n```\nkeep\nlines\n```';
    assert.equal(
      unwrapParagraphs(src),
      'One line wrapped here.\n\nHard break\nnext line\n\n> quoted and wrapped\n\n- item continued\n- second\n\n```\nkeep\nlines\n```',
    );
  });

  it('cleans a passage: leading heading becomes context, whitespace normalized, markdown kept', () => {
    const r = cleanPassage(
      '---\ndate: 2024-03-01\n---\n## 2024-03-01 — On rest\n\n\n\nRest is **part** of the work.   \n<!-- todo -->\n\n\n\nLike silence in music.\t\n',
    );
    assert.equal(r.text, 'Rest is **part** of the work.\n\nLike silence in music.');
    assert.equal(r.heading, '2024-03-01 — On rest');
    assert.deepEqual(r.removed, { frontMatter: true, htmlComments: 1, heading: true });
  });

  it('converts to plain text with markdown-it when the dataset format is plain', () => {
    const r = cleanPassage('Some **bold** and _em_, a [link](https://x.org) and `code`.\n\n- one\n- two\n\n> quote\n\n![alt text](a.png)', { format: 'plain' });
    assert.equal(r.text, 'Some bold and em, a link and code.\n\n• one\n• two\n\nquote\n\nalt text');
    assert.equal(markdownToPlain('1. first\n2. second'), '1. first\n2. second');
    assert.equal(markdownToPlain('| a | b |\n|---|---|\n| 1 | 2 |'), 'a\tb\n\n1\t2');
  });

  it('checks selected text: empty, binary, non-UTF-8, 10 MB', () => {
    assert.equal(checkPassageText('  \n\t')?.code, 'empty');
    assert.equal(checkPassageText('abc\u0000def')?.code, 'binary');
    assert.match(checkPassageText('caf\uFFFD')?.message ?? '', /not valid UTF-8/);
    const big = checkPassageText('x'.repeat(10 * 1024 * 1024));
    assert.equal(big?.code, 'too-large');
    assert.match(big?.message ?? '', /10\.0 MB/);
    assert.equal(checkPassageText('A real passage.'), undefined);
  });

  it('prepares a passage: Q/A proposals get their own cleaned answer', () => {
    const p = preparePassage(
      '## 2026-01-11 — On criticism\n\nQ: How should I take criticism I think is unfair?\nA: First ask whether any part of it is true,\nand take that part as a gift.',
    );
    assert.equal(p.heading, '2026-01-11 — On criticism');
    assert.equal(p.proposals[0].source, 'qa');
    assert.equal(p.proposals[0].prompt, 'How should I take criticism I think is unfair?');
    assert.equal(p.proposals[0].assistant, 'First ask whether any part of it is true, and take that part as a gift.');
    assert.equal(p.proposals[1].prompt, 'What are your thoughts on criticism?');
  });

  it('finds the enclosing headings of a line, ignoring code fences', () => {
    const lines = ['# Journal', '', '## March', '```', '# not a heading', '```', '### 2024-03-01', 'text', '## April', 'x'];
    assert.deepEqual(headingPathAt(lines, 7), ['Journal', 'March', '2024-03-01']);
    assert.deepEqual(headingPathAt(lines, 9), ['Journal', 'April']);
    assert.deepEqual(headingPathAt(lines, 0), []);
  });
});
