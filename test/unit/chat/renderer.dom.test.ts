import * as assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { IncrementalMarkdown, MarkdownStreamSplitter, needsFullRender, unwrapChunks } from '../../../src/webview/chat/incremental';
import { createMarkdown, createSanitizer, renderFull } from '../../../src/webview/chat/markdown';
import { openBlock } from './fixtures/openBlock.dom';
import { HOSTILE, chunk, mixedMarkdown } from './fixtures/markdownSamples';

/** Stream through the DOM-free splitter and return the concatenated HTML (fast: no DOM involved). */
function splitStream(src: string, deltas: string[], renderEvery = 1, checkEvery = 0): { html: string; s: MarkdownStreamSplitter } {
  const md = createMarkdown();
  assert.equal(deltas.join(''), src);
  const s = new MarkdownStreamSplitter(md);
  let committed = '';
  let tail = '';
  let sofar = '';
  deltas.forEach((d, i) => {
    s.append(d);
    sofar += d;
    if (i % renderEvery === 0 || i === deltas.length - 1) {
      const step = s.step();
      committed += step.committedHtml;
      tail = step.tailHtml;
      if (checkEvery && i % checkEvery === 0 && !needsFullRender(sofar))
        assert.equal(committed + tail, md.render(sofar), `diverged after ${sofar.length} chars: ${JSON.stringify(sofar.slice(-80))}`);
    }
  });
  return { html: committed + tail, s };
}

describe('chat/incremental markdown splitter (HTML level)', () => {
  const md = createMarkdown();

  it('equals a full render after streaming a long mixed reply (80 kB) in small random deltas', () => {
    const src = mixedMarkdown(80_000);
    const { html, s } = splitStream(src, chunk(src, 12));
    assert.equal(html, md.render(src));
    assert.ok(s.stats.committedBlocks > 200, `committed ${s.stats.committedBlocks} blocks`);
  });

  it('equals a full render at every intermediate step, not only at the end', () => {
    const src = mixedMarkdown(8_000, 3);
    splitStream(src, chunk(src, 9, 11), 1, 1);
  });

  it('equals a full render for other chunkings and render cadences (frame batching)', () => {
    const src = mixedMarkdown(20_000, 5);
    for (const [maxLen, every] of [
      [1, 1],
      [3, 5],
      [40, 1],
      [200, 2],
      [5000, 1],
    ] as const) {
      assert.equal(splitStream(src, chunk(src, maxLen, maxLen + every), every).html, md.render(src), `maxLen=${maxLen} every=${every}`);
    }
  });

  it('handles tricky block boundaries at every step: setext, lazy continuation, interrupting lists, open fences, tables', () => {
    const cases = [
      'Para line\n---\nafter',
      'Para\n- item\n- item 2\n\nnext para',
      'Para\n1. one\n2. two',
      'Para\n2. not a list',
      '> quote\nlazy continuation\n\n> new quote',
      '```\nunclosed fence\n\nstill code',
      '~~~md\n```\ninner\n```\n~~~\nafter',
      '| a | b |\n|---|---|\n| 1 | 2 |\nmore row\n\nafter table',
      '- a\n\n  b (same item)\n- c\n\nout',
      '- a\n- b\n\n\n- c after two blanks',
      '    indented code\n\nnormal',
      'Title\n===\n\n***\n\n___',
      'line with trailing spaces  \nhard break',
      'a\r\nwindows\r\n\r\nnewlines',
      '# h\n#not heading\n## h2 ##',
      '1) paren list\n2) two\n\n- other list',
      '> > nested\n> back\n\nout',
    ];
    for (const src of cases) {
      for (const maxLen of [1, 2, 5]) assert.equal(splitStream(src, chunk(src, maxLen), 1, 1).html, md.render(src), JSON.stringify(src));
    }
  });

  it('keeps per-step work flat: characters parsed per step do not grow with the reply', () => {
    const src = mixedMarkdown(100_000, 9);
    const deltas = chunk(src, 8, 2);
    const s = new MarkdownStreamSplitter(md);
    const parsedAt: number[] = [];
    for (const d of deltas) {
      s.append(d);
      s.step();
      parsedAt.push(s.stats.parsedChars);
    }
    const n = parsedAt.length;
    const tenth = Math.floor(n / 10);
    const firstTenth = parsedAt[tenth] / tenth;
    const lastTenth = (parsedAt[n - 1] - parsedAt[n - 1 - tenth]) / tenth;
    // A full re-render parses the whole text each step (≈ 100 kB on average here); the tail stays small.
    assert.ok(lastTenth < firstTenth * 3, `first 10%: ${firstTenth.toFixed(0)} chars/step, last 10%: ${lastTenth.toFixed(0)}`);
    assert.ok(lastTenth < 2_000, `last 10% parsed ${lastTenth.toFixed(0)} chars per step`);
  });

  it('flags texts with reference definitions for one final full render', () => {
    assert.equal(needsFullRender('[x]: https://example.com'), true);
    assert.equal(needsFullRender('text\n   [ref]: /u "t"'), true);
    assert.equal(needsFullRender('a [link](https://x) and [brackets] only'), false);
  });
});

describe('chat/incremental markdown renderer (jsdom)', () => {
  const dom = new JSDOM('<!DOCTYPE html><body></body>');
  const win = dom.window as unknown as Window & typeof globalThis;
  const doc = win.document;
  const md = createMarkdown();
  const sanitize = createSanitizer(win);

  const full = (src: string): string => {
    const div = doc.createElement('div');
    div.append(renderFull(md, sanitize, src));
    return div.innerHTML;
  };

  function stream(src: string, deltas: string[], renderEvery = 1, checkEvery = 0): { html: string; r: IncrementalMarkdown } {
    assert.equal(deltas.join(''), src);
    const el = doc.createElement('div');
    const r = new IncrementalMarkdown(el, md, sanitize);
    let sofar = '';
    deltas.forEach((d, i) => {
      r.append(d);
      sofar += d;
      if (i % renderEvery === 0) {
        r.render();
        if (checkEvery && i % checkEvery === 0) assert.equal(unwrapChunks(el), full(sofar), `diverged after ${sofar.length} chars`);
      }
    });
    r.finish();
    assert.equal(r.text, src);
    return { html: unwrapChunks(el), r };
  }

  // jsdom's DOMPurify is slow (~10 ms per sanitize), so DOM-level streams are kept short here; the HTML-level
  // tests above cover long streams, and the Chromium e2e/benchmark run the same code on a real DOM.
  it('produces the same DOM as a full render after streaming (committed blocks + live tail)', () => {
    const src = mixedMarkdown(4_000);
    const { html, r } = stream(src, chunk(src, 80), 1);
    assert.equal(html, full(src));
    assert.ok(r.stats.committedBlocks > 10, `committed ${r.stats.committedBlocks} blocks`);
  });

  it('matches the full render at intermediate steps too', () => {
    const src = mixedMarkdown(1_500, 3);
    stream(src, chunk(src, 60, 11), 1, 1);
  });

  it('applies a final full render when the reply has reference definitions', () => {
    const src = '[ref link][r] before the definition\n\nmiddle\n\n[r]: https://example.com/ref\n';
    assert.equal(stream(src, chunk(src, 4), 1).html, full(src));
  });

  it('reset() shows a snapshot and continues incrementally from it', () => {
    const src = mixedMarkdown(2_000, 4);
    const cut = 1_234;
    const el = doc.createElement('div');
    const r = new IncrementalMarkdown(el, md, sanitize);
    r.append('stale text that the snapshot replaces');
    r.render();
    r.reset(src.slice(0, cut));
    for (const d of chunk(src.slice(cut), 60)) {
      r.append(d);
      r.render();
    }
    r.finish();
    assert.equal(unwrapChunks(el), full(src));
  });

  it('groups blocks into chunks of CHUNK_BLOCKS elements inside groups, the open block last in the last chunk', () => {
    const src = Array.from({ length: 130 }, (_, i) => `Paragraph ${i}.`).join('\n\n');
    const el = doc.createElement('div');
    const r = new IncrementalMarkdown(el, md, sanitize);
    for (const d of chunk(src, 50)) {
      r.append(d);
      r.render();
    }
    assert.equal(el.querySelectorAll(':scope > .md-group').length, 1);
    const chunks = el.querySelectorAll(':scope > .md-group > .md-chunk');
    assert.equal(chunks.length, 3);
    assert.deepEqual(
      Array.from(chunks).map((c) => c.childElementCount),
      [48, 48, 34],
    );
    assert.equal(openBlock(el)?.textContent, 'Paragraph 129.', 'the open block is the last element of the last chunk');
    assert.equal(el.children.length, 1, 'nothing outside the group');
    r.finish();
    assert.equal(unwrapChunks(el), full(src));
  });

  describe('sanitization of hostile output', () => {
    const check = (el: Element): void => {
      assert.equal(el.querySelectorAll('script, iframe, img, style, svg, math, object, embed, form, input').length, 0, el.innerHTML);
      for (const node of Array.from(el.querySelectorAll('*'))) {
        for (const attr of Array.from(node.attributes)) {
          assert.ok(!/^on/i.test(attr.name), `event handler attribute ${attr.name}`);
          assert.notEqual(attr.name, 'style');
          assert.notEqual(attr.name, 'href', 'links carry no href: only the host opens them');
          assert.notEqual(attr.name, 'src');
          if (attr.name === 'data-href') assert.match(attr.value, /^(https?:|mailto:)/);
        }
      }
      assert.ok(
        !/javascript:/i.test(
          Array.from(el.querySelectorAll('[data-href]'))
            .map((a) => a.getAttribute('data-href'))
            .join(' '),
        ),
      );
    };

    it('renders raw HTML as text, drops dangerous URLs, blocks images, keeps safe links inert', () => {
      const el = doc.createElement('div');
      el.append(renderFull(md, sanitize, HOSTILE));
      check(el);
      assert.match(el.textContent ?? '', /<script>window.__pwned = 1<\/script>/, 'raw HTML shows as text');
      const links = Array.from(el.querySelectorAll('[data-href]')).map((a) => a.getAttribute('data-href'));
      assert.ok(links.includes('https://example.com/ok'));
      assert.equal(el.querySelectorAll('.md-image-blocked').length, 2);
    });

    it('is equally safe when the hostile text arrives as a stream', () => {
      const src = `${mixedMarkdown(600)}\n\n${HOSTILE}\n\n${mixedMarkdown(600, 8)}`;
      const { html } = stream(src, chunk(src, 40), 1);
      const el = doc.createElement('div');
      el.innerHTML = html;
      check(el);
      assert.equal(html, full(src));
    });

    it('turns table alignment into classes (no inline style for the CSP to block)', () => {
      const el = doc.createElement('div');
      el.append(renderFull(md, sanitize, '| l | r | c |\n|:--|--:|:-:|\n| 1 | 2 | 3 |'));
      assert.equal(el.querySelectorAll('[style]').length, 0);
      assert.equal(el.querySelectorAll('.md-align-left').length, 2);
      assert.equal(el.querySelectorAll('.md-align-right').length, 2);
      assert.equal(el.querySelectorAll('.md-align-center').length, 2);
    });

    it('gives every code block a copy button and escapes its content', () => {
      const el = doc.createElement('div');
      el.append(renderFull(md, sanitize, '```html\n<script>alert(1)</script>\n```'));
      const btn = el.querySelector('button[data-action="copy-code"]');
      assert.ok(btn);
      assert.equal(btn.getAttribute('aria-label'), 'Copy code');
      assert.equal(el.querySelector('code')?.textContent, '<script>alert(1)</script>\n');
      assert.equal(el.querySelectorAll('script').length, 0);
    });
  });
});
