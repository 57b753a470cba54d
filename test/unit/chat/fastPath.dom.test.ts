/**
 * The streaming renderer's fast path: plain words appended to the open paragraph's text node without parsing or
 * sanitizing. These tests check that it is taken for plain deltas (and the sanitizer not called), and that whatever
 * arrives later — a marker that turns earlier text into emphasis, a link, code; trailing spaces; a URL completed by
 * a later word; unicode — the DOM still equals the full render after every delta.
 */
import * as assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { IncrementalMarkdown, unwrapChunks } from '../../../src/webview/chat/incremental';
import { createMarkdown, createSanitizer, renderFull } from '../../../src/webview/chat/markdown';
import { openBlock } from './fixtures/openBlock.dom';

describe('chat/streaming renderer fast path (plain words appended to the open paragraph)', function () {
  this.timeout(120_000);
  const md = createMarkdown();
  const dom = new JSDOM('<!DOCTYPE html><body></body>');
  const win = dom.window as unknown as Window & typeof globalThis;
  const doc = win.document;
  const purify = createSanitizer(win);
  let sanitizeCalls = 0;
  const sanitize = (html: string): DocumentFragment => {
    sanitizeCalls++;
    return purify(html);
  };
  const full = (src: string, m = md): string => {
    const div = doc.createElement('div');
    div.append(renderFull(m, purify, src));
    return div.innerHTML;
  };

  /** Streams `deltas` (one render each), comparing with the full render after every one; returns the renderer. */
  function stream(deltas: readonly string[], label = JSON.stringify(deltas), m = md): { r: IncrementalMarkdown; el: Element } {
    const el = doc.createElement('div');
    const r = new IncrementalMarkdown(el, m, sanitize);
    let sofar = '';
    for (const d of deltas) {
      r.append(d);
      sofar += d;
      r.render();
      assert.equal(unwrapChunks(el), full(sofar, m), `${label}: after ${JSON.stringify(sofar.slice(-40))}`);
    }
    r.finish();
    assert.equal(unwrapChunks(el), full(sofar, m), `${label}: after finish`);
    return { r, el };
  }

  it('plain-word deltas are appended to the same text node, with no parse and no sanitizer call', () => {
    const el = doc.createElement('div');
    const r = new IncrementalMarkdown(el, md, sanitize);
    r.append('# Heading\n\nThe open paragraph');
    r.render();
    const text = openBlock(el)?.lastChild;
    assert.equal(text?.nodeType, 3);
    const parsed = r.stats.renders;
    const calls = sanitizeCalls;
    const words = [' grows', ' word', ' by word,', ' then a clause; then', ' a question?', ' "Quoted"', " it's", ' 42 times.', ' Time: 10:30'];
    let sofar = '# Heading\n\nThe open paragraph';
    for (const w of words) {
      r.append(w);
      sofar += w;
      r.render();
      assert.equal(openBlock(el)?.lastChild, text, `after ${JSON.stringify(w)} the text node is the same`);
      assert.equal(unwrapChunks(el), full(sofar));
    }
    assert.equal(r.stats.fastAppends, words.length);
    assert.equal(r.stats.renders, parsed, 'nothing parsed');
    assert.equal(sanitizeCalls, calls, 'sanitizer not called');
  });

  it('several deltas between two renders are rendered once, through the fast path', () => {
    const el = doc.createElement('div');
    const r = new IncrementalMarkdown(el, md, sanitize);
    r.append('Start of a paragraph');
    r.render();
    for (const w of [' one', ' two', ' three']) r.append(w);
    r.render();
    assert.equal(r.stats.fastAppends, 1);
    assert.equal(unwrapChunks(el), full('Start of a paragraph one two three'));
  });

  it('a marker arriving later turns earlier plain text into emphasis, strong, code, a link', () => {
    const cases: string[][] = [
      ['Plain words ', 'then *emph', 'asis continues', ' here*', ' and after'],
      ['Plain words ', '**strong', ' text', '** done'],
      ['Some _under', 'scored words', ' here_ end'],
      ['Some text `code', ' span words', '` after'],
      ['A [link', ' text words', '](https://example.com)', ' after'],
      ['Words ~~struck', ' out', '~~ done'],
      ['Escaped \\', '*not emphasis* words'],
      ['An entity &amp', '; and words'],
      ['Tail then', ' <b>raw html', '</b> escaped'],
      ['A [bracket]', '(https://example.com/p) link'],
      ['A [bracket] ', '(not a link) words'],
      ['A [ref', '] (words) then', ' more'],
      ['Dashes - and (parens) and', ' a/b paths', ' -- em'],
    ];
    for (const deltas of cases) stream(deltas);
  });

  it('a URL or address completed by a later plain delta is linkified as in the full render', () => {
    const cases: string[][] = [
      ['Visit example', '.com', ' today'],
      ['Visit example.', 'com today'],
      ['See www', '.example', '.org for more'],
      ['Read the read.', 'me', ' file'],
      ['Go to https', '://example.com/x', ' now'],
      ['Go to http:', '//example.com', '/path (x)'],
      ['Go to https://exa', 'mple.com/a', '-b', ' now'],
      ['Mail me', '@example.com', ' please'],
      ['Host example.co', 'm and', ' more'],
    ];
    for (const deltas of cases) stream(deltas);
    // The chat's markdown-it links only URLs with a scheme and e-mail addresses; with fuzzy links on (bare
    // `example.com`), a plain delta can complete a link: the fast path asks the instance's own linkify matcher.
    const fuzzy = createMarkdown();
    fuzzy.linkify.set({ fuzzyLink: true });
    for (const deltas of cases) stream(deltas, `fuzzy links ${JSON.stringify(deltas)}`, fuzzy);
    assert.match(full('Visit example.com today', fuzzy), /<a /);
  });

  it('trailing spaces are held back until more text follows (markdown-it trims paragraph ends)', () => {
    const { el } = stream(['Hello   ', 'world  ', ' ', '   ', 'again,', ' end   ']);
    assert.equal(unwrapChunks(el), '<p>Hello   world      again, end</p>\n');
    stream(['Two spaces then a  ', '\nhard break after the spaces']);
    stream(['Spaces before a  ', '\n\nnew paragraph']);
  });

  it('block structure changes at the line start are not taken by the fast path', () => {
    const cases: string[][] = [
      ['10', '. ordered list item'],
      ['12 ', '. not a list'],
      ['[x]', ': https://example.com', ' "title"'],
      ['Setext heading line', '\n===', ' more'],
      ['Paragraph then', '\n- list item'],
      ['    indented', ' code words'],
      ['- item words', ' more words'],
      ['> quoted words', ' more words'],
      ['| a | b', ' |\n|---|---|\n| c | d |'],
    ];
    for (const deltas of cases) stream(deltas);
  });

  it('unicode: accents, combining marks, CJK, emoji with modifiers and joiners', () => {
    const { r } = stream(['Ünïcödé wörds', ' cafe\u0301', ' 日本語のテキスト', 'が続く', ' 😀', ' 👍🏽 👨\u200d👩\u200d👧', ' Ελληνικά', ' עברית', ' done']);
    assert.ok(r.stats.fastAppends >= 7, `${r.stats.fastAppends} fast appends`);
  });

  it('random deltas of words, punctuation, markers and newlines: DOM equals the full render after each', () => {
    const pieces = [
      'word',
      ' ',
      '  ',
      'other',
      ' plain',
      ',',
      '.',
      ';',
      ':',
      '?',
      "'",
      '"',
      'com',
      'example',
      'www',
      'me',
      '10',
      '1',
      '*',
      '**',
      '_',
      '`',
      '[',
      ']',
      '](',
      '(',
      ')',
      '-',
      '/',
      'https',
      '://',
      '@',
      '&amp',
      '&',
      '<',
      '>',
      '\\',
      '~~',
      '!',
      '#',
      '- ',
      '|',
      '\n',
      '\n\n',
      ' ü',
      '日本',
      '😀',
      'e\u0301',
      '\u00a0',
      '\t',
    ];
    let seed = 20261203;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let fast = 0;
    for (let run = 0; run < 40; run++) {
      const deltas: string[] = ['Start of a paragraph'];
      for (let i = 0; i < 30; i++) {
        let d = '';
        for (let k = 1 + rnd(4); k > 0; k--) d += pieces[rnd(pieces.length)];
        // Mostly plain words, as a model streams, so that the fast path is exercised between markers.
        if (rnd(3) > 0) d = ` ${pieces[1 + rnd(4)].trim() || 'x'}${rnd(2) ? ' ' : ''}`;
        deltas.push(d);
      }
      fast += stream(deltas, `run ${run}`).r.stats.fastAppends;
    }
    assert.ok(fast > 100, `${fast} fast appends`);
  });
});
