/**
 * The streaming renderer's insertion path (src/webview/chat/textInsertion.ts): a re-render of the open block that only
 * adds at one point is applied to the DOM already there. These tests check which changes it takes and which it
 * refuses, that the DOM it leaves is exactly the DOM of sanitizing the new render, that markup it inserts goes
 * through the sanitizer (and plain text does not), and that a refusal changes nothing.
 */
import * as assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { IncrementalMarkdown, MarkdownStreamSplitter, unwrapChunks } from '../../../src/webview/chat/incremental';
import { createMarkdown, createSanitizer, renderFull } from '../../../src/webview/chat/markdown';
import { applyInsertion, decodeEscaped, findInsertions } from '../../../src/webview/chat/textInsertion';
import { mixedMarkdown } from './fixtures/markdownSamples';

describe('chat/streaming renderer insertion path (only what a render adds is applied)', function () {
  this.timeout(120_000);
  const md = createMarkdown();
  const dom = new JSDOM('<!DOCTYPE html><body></body>');
  const win = dom.window as unknown as Window & typeof globalThis;
  const doc = win.document;
  const purify = createSanitizer(win);
  const sanitized: string[] = [];
  const sanitize = (html: string): DocumentFragment => {
    sanitized.push(html);
    return purify(html);
  };
  const html = (nodes: Iterable<Node>): string => {
    const div = doc.createElement('div');
    for (const n of nodes) div.append(n.cloneNode(true));
    return div.innerHTML;
  };
  /** The DOM of `prev`, then `next` applied to it: whether it was taken, and the DOM after. */
  function apply(prev: string, next: string): { taken: boolean; after: string; before: string } {
    const box = doc.createElement('div');
    box.append(purify(prev));
    const before = box.innerHTML;
    const taken = applyInsertion(Array.from(box.childNodes), prev, next, sanitize);
    return { taken, after: box.innerHTML, before };
  }
  const sanitizedHtml = (s: string): string => html(purify(s).childNodes);

  it('finds text added at the end of a text run, with markdown-it escapes decoded', () => {
    assert.deepEqual(findInsertions('<p>Hello</p>\n', '<p>Hello world &amp; &lt;more&gt;</p>\n'), [{ at: 8, html: ' world &amp; &lt;more&gt;' }]);
    assert.equal(decodeEscaped(' world &amp; &lt;more&gt; &quot;q&quot;'), ' world & <more> "q"');
    const r = apply('<p>Hello</p>\n', '<p>Hello world &amp; &lt;more&gt;</p>\n');
    assert.ok(r.taken);
    assert.equal(r.after, sanitizedHtml('<p>Hello world &amp; &lt;more&gt;</p>\n'));
  });

  it('appends plain text without calling the sanitizer, and keeps the text node', () => {
    const box = doc.createElement('div');
    box.append(purify('<blockquote>\n<p>A quote</p>\n</blockquote>\n'));
    const text = box.querySelector('p')?.firstChild;
    const calls = sanitized.length;
    assert.ok(
      applyInsertion(
        Array.from(box.childNodes),
        '<blockquote>\n<p>A quote</p>\n</blockquote>\n',
        '<blockquote>\n<p>A quote goes on</p>\n</blockquote>\n',
        sanitize,
      ),
    );
    assert.equal(sanitized.length, calls, 'no sanitizer call for text');
    assert.equal(box.querySelector('p')?.firstChild, text);
    assert.equal(text?.nodeValue, 'A quote goes on');
  });

  it('sanitizes added markup on its own and inserts it: emphasis, a link, a new list item after the last one grew', () => {
    const cases: [string, string][] = [
      ['<p>Words and</p>\n', '<p>Words and <strong>bold</strong> then <em>more</em></p>\n'],
      ['<p>See</p>\n', '<p>See <a href="https://example.com/a">the source</a>.</p>\n'],
      ['<ul>\n<li>one</li>\n</ul>\n', '<ul>\n<li>one grew</li>\n<li>two</li>\n</ul>\n'],
      ['<ul>\n<li>one</li>\n</ul>\n', '<ul>\n<li>one</li>\n<li>two <code>x</code></li>\n</ul>\n'],
      ['<blockquote>\n<p>a</p>\n</blockquote>\n', '<blockquote>\n<p>a</p>\n<ul>\n<li>b</li>\n</ul>\n</blockquote>\n'],
      ['<p>Closed <em>x</em></p>\n', '<p>Closed <em>x</em> and after</p>\n'],
    ];
    for (const [prev, next] of cases) {
      sanitized.length = 0;
      const r = apply(prev, next);
      assert.ok(r.taken, `${prev} → ${next}`);
      assert.equal(r.after, sanitizedHtml(next), `${prev} → ${next}`);
      assert.ok(
        sanitized.every((h) => h.length < next.length - 8),
        `only the addition is sanitized: ${JSON.stringify(sanitized)}`,
      );
    }
  });

  it('inserted markup goes through the sanitizer: nothing the policy forbids reaches the DOM', () => {
    const r = apply('<p>a</p>\n', '<p>a<img src="https://evil.example/x.png" onerror="x()"><a href="javascript:alert(1)">l</a></p>\n');
    assert.ok(r.taken);
    assert.equal(r.after, sanitizedHtml('<p>a<img src="https://evil.example/x.png" onerror="x()"><a href="javascript:alert(1)">l</a></p>\n'));
    assert.doesNotMatch(r.after, /img|onerror|javascript|href=/);
  });

  it('refuses, changing nothing, what is not an addition at one point', () => {
    const cases: [string, string, string][] = [
      ['shorter', '<p>Hello world</p>\n', '<p>Hello</p>\n'],
      ['changed text', '<p>Hello</p>\n', '<p>Jello there</p>\n'],
      ['earlier text turned into a link', '<p>see www.example</p>\n', '<p>see <a href="http://www.example.com">www.example.com</a></p>\n'],
      ['unbalanced addition', '<p>a</p>\n', '<p>a</p>\n<p>b</p>\n<p>c</p>\n'],
      ['inside an entity', '<p>&lt;</p>\n', '<p>&amp;lt;</p>\n'],
      [
        'into table structure',
        '<table>\n<tbody>\n<tr>\n<td>a</td>\n</tr>\n</tbody>\n</table>\n',
        '<table>\n<tbody>\n<tr>\n<td>a</td>\n</tr>\n<tr>\n<td>b</td>\n</tr>\n</tbody>\n</table>\n',
      ],
      ['a paragraph becoming a loose list item', '<ol>\n<li>a</li>\n</ol>\n', '<ol>\n<li>\n<p>a</p>\n</li>\n<li>\n<p>b</p>\n</li>\n</ol>\n'],
    ];
    for (const [label, prev, next] of cases) {
      const r = apply(prev, next);
      assert.equal(r.taken, false, label);
      assert.equal(r.after, r.before, `${label}: nothing changed`);
    }
  });

  it('refuses when the DOM is not what the previous HTML says (checked, not assumed)', () => {
    const box = doc.createElement('div');
    box.append(purify('<p>Other text</p>\n'));
    const before = box.innerHTML;
    assert.equal(applyInsertion(Array.from(box.childNodes), '<p>Hello</p>\n', '<p>Hello world</p>\n', sanitize), false);
    assert.equal(box.innerHTML, before);
  });

  it('the renderer takes it for most of a long mixed reply, and its DOM equals the full render after every delta', () => {
    const src = mixedMarkdown(12_000, 7);
    const el = doc.createElement('div');
    const r = new IncrementalMarkdown(el, md, sanitize);
    let sofar = '';
    let n = 0;
    for (let i = 0; i < src.length; i += 40) {
      const d = src.slice(i, i + 40);
      r.append(d);
      sofar += d;
      r.render();
      n++;
      const full = doc.createElement('div');
      full.append(renderFull(md, purify, sofar));
      assert.equal(unwrapChunks(el), full.innerHTML, `after ${sofar.length} chars`);
    }
    r.finish();
    const parsed = n - r.stats.fastAppends;
    assert.ok(r.stats.insertions > parsed / 2, `${r.stats.insertions} insertions of ${parsed} parsed renders`);
    // The splitter alone (no DOM) agrees on what finished.
    const s = new MarkdownStreamSplitter(md);
    s.append(src);
    assert.ok(s.step().committedBlocks > 10);
  });
});
