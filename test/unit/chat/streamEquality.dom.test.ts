/**
 * Streamed render = full render, on varied markdown and on every way a stream can cut it.
 *
 * The incremental renderer re-renders only the open (last) block and never touches finished ones; these tests
 * pin down that the DOM it leaves is exactly the DOM of rendering the whole text at once (the naive renderer),
 * at the end and at every intermediate step, whatever the deltas split: inside `**`, a fence marker, a table
 * row, a list marker, a multi-byte character.
 */
import * as assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { IncrementalMarkdown, MarkdownStreamSplitter, unwrapChunks } from '../../../src/webview/chat/incremental';
import { createMarkdown, createSanitizer, renderFull } from '../../../src/webview/chat/markdown';
import { finishedBlocks, openBlock } from './fixtures/openBlock.dom';

const SAMPLES: Record<string, string> = {
  headings: '# Title\n\nIntro with **bold** and `code`.\n## Second ##\nSetext one\n===\n\nSetext two\n---\n### Third\ntext right after',
  lists: '- one\n- two with *em*\n- three\n\n1. first\n2. second\n\n   still second\n3. third\n\n* loose\n\n* list\n\nafter lists',
  nested:
    '- level 1\n  - level 2 a\n  - level 2 b\n    1. level 3 ordered\n    2. again\n       - level 4\n  - back to 2\n- level 1 again\n\n  paragraph in item\n\n  ```js\n  code in item\n  ```\n- last\n\nout of the list',
  fences:
    'Before.\n\n```ts\nconst a = 1;\n\n\nconst b = "<b>not html</b>";\n```\n\n~~~\n```\nfence inside tilde\n```\n~~~\n\n````md\n```\ninner\n```\n````\nafter\n\n    indented code\n\n```python\nunclosed at the end\n\nstill code',
  tables: '| virtue | note | n |\n|:--|--:|:-:|\n| wisdom | **first** | 1 |\n| justice | `x|y` | 2 |\nlazy row\n\n| a |\n|---|\n\nafter the tables',
  quotes: '> quote line\nlazy continuation\n> - list in quote\n> - two\n>\n> > nested quote\n\n> second quote\n\n***\n\n---\n___',
  inline:
    'A [link](https://example.com/a_b) and <https://example.org/x> and www.example.net, ~~struck~~, _under_score_, ***both***, `a``b`, \\*escaped\\*, &amp; &copy; — “quotes” 😀 ünïcödé.\nline two  \nhard break\\\nand another',
  hostile:
    'Click <script>window.__pwned = 1</script> here.\n\n<img src="https://evil.example/b.png" onerror="x()">\n\n[js](javascript:alert(1)) ![img](https://evil.example/t.gif)\n\n- <iframe src="https://evil.example"></iframe>\n- `<svg onload=x>`',
};

/** Every way of cutting `src` into two deltas, plus three-way cuts around each position. */
function cuts(src: string, step = 1): string[][] {
  const out: string[][] = [];
  for (let k = 1; k < src.length; k += step) {
    out.push([src.slice(0, k), src.slice(k)]);
    if (k + 2 < src.length) out.push([src.slice(0, k), src.slice(k, k + 2), src.slice(k + 2)]);
  }
  return out;
}

describe('chat/streamed render equals full render (varied markdown, every cut)', () => {
  const md = createMarkdown();

  it('HTML level: every two- and three-way cut of each sample, checked at every step', () => {
    for (const [name, src] of Object.entries(SAMPLES)) {
      for (const deltas of cuts(src)) {
        const s = new MarkdownStreamSplitter(md);
        let committed = '';
        let sofar = '';
        for (const d of deltas) {
          s.append(d);
          sofar += d;
          const step = s.step();
          committed += step.committedHtml;
          assert.equal(committed + step.tailHtml, md.render(sofar), `${name}: cut ${JSON.stringify(deltas.map((x) => x.length))}`);
        }
      }
    }
  });

  it('HTML level: one character per delta through all samples joined (blocks of every kind follow each other)', () => {
    const src = Object.values(SAMPLES).join('\n\n');
    const s = new MarkdownStreamSplitter(md);
    let committed = '';
    let tail = '';
    for (const ch of Array.from(src)) {
      s.append(ch);
      const step = s.step();
      committed += step.committedHtml;
      tail = step.tailHtml;
    }
    assert.equal(committed + tail, md.render(src));
    assert.ok(s.stats.committedBlocks > 15, `committed ${s.stats.committedBlocks} blocks`);
  });

  describe('DOM level (jsdom, real DOMPurify)', function () {
    // jsdom's DOMPurify takes milliseconds per call: generous time on a loaded machine (no timing is asserted).
    this.timeout(120_000);
    const dom = new JSDOM('<!DOCTYPE html><body></body>');
    const win = dom.window as unknown as Window & typeof globalThis;
    const doc = win.document;
    const sanitize = createSanitizer(win);
    const full = (src: string): string => {
      const div = doc.createElement('div');
      div.append(renderFull(md, sanitize, src));
      return div.innerHTML;
    };

    /** Streams `deltas`, comparing with the full render after each one; returns the renderer's container. */
    function stream(deltas: string[], label: string): Element {
      const el = doc.createElement('div');
      const r = new IncrementalMarkdown(el, md, sanitize);
      let sofar = '';
      for (const d of deltas) {
        r.append(d);
        sofar += d;
        r.render();
        assert.equal(unwrapChunks(el), full(sofar), `${label}: after ${sofar.length} chars ${JSON.stringify(sofar.slice(-30))}`);
      }
      r.finish();
      assert.equal(unwrapChunks(el), full(sofar), `${label}: after finish`);
      return el;
    }

    for (const [name, src] of Object.entries(SAMPLES)) {
      it(`${name}: the DOM equals the full render at every step, deltas cut at every 31st position and in 2–9 character pieces`, () => {
        for (const deltas of cuts(src, 31)) stream(deltas, `${name} ${JSON.stringify(deltas.map((x) => x.length))}`);
        const pieces: string[] = [];
        for (let i = 0, n = 2; i < src.length; i += n, n = (n % 9) + 2) pieces.push(src.slice(i, i + n));
        stream(pieces, `${name} 2–9 char pieces`);
      });
    }

    it('updates the open block in place: a growing paragraph keeps its element, only its text changes', () => {
      const el = doc.createElement('div');
      const r = new IncrementalMarkdown(el, md, sanitize);
      r.append('# Done heading\n\nThe open paragraph');
      r.render();
      const p = openBlock(el);
      assert.equal(p?.tagName, 'P');
      for (const d of [' grows', ' word', ' by word,', ' and **bold', ' closes**']) {
        r.append(d);
        r.render();
        assert.equal(openBlock(el), p, `after ${JSON.stringify(d)} the paragraph is the same node`);
      }
      assert.equal(p?.innerHTML, 'The open paragraph grows word by word, and <strong>bold closes</strong>');
      r.finish();
      assert.equal(unwrapChunks(el), full('# Done heading\n\nThe open paragraph grows word by word, and **bold closes**'));
    });

    it('never touches a finished block again: no mutation inside a block once it is committed', async () => {
      const src = Object.values(SAMPLES).join('\n\n');
      const el = doc.createElement('div');
      doc.body.append(el);
      const r = new IncrementalMarkdown(el, md, sanitize);
      const committed = new Set<Node>();
      const inCommitted = (n: Node | null): boolean => {
        for (let x = n; x && x !== el; x = x.parentNode) if (committed.has(x)) return true;
        return false;
      };
      const touched: string[] = [];
      const obs = new win.MutationObserver((records) => {
        for (const rec of records) if (inCommitted(rec.target)) touched.push(`${rec.type} in <${rec.target.nodeName}>`);
      });
      obs.observe(el, { subtree: true, childList: true, characterData: true, attributes: true });
      let i = 0;
      for (const ch of Array.from(src)) {
        r.append(ch);
        if (i++ % 7 !== 0) continue;
        r.render();
        await Promise.resolve(); // deliver this render's mutation records before marking new blocks finished
        for (const block of finishedBlocks(el)) committed.add(block);
      }
      r.finish();
      await Promise.resolve();
      obs.disconnect();
      el.remove();
      assert.ok(committed.size > 15, `${committed.size} blocks committed`);
      assert.deepEqual(touched, []);
      for (const block of committed) assert.ok(el.contains(block), 'a finished block is still the same node at the end');
      assert.equal(unwrapChunks(el), full(src));
    });
  });
});
