/**
 * Incremental markdown rendering of a streaming reply: only the growing tail is re-rendered.
 *
 * The source is split at a "commit point": everything before it is a sequence of finished top-level
 * blocks already rendered, sanitized and appended to the container once; everything after it (the tail) is
 * re-parsed on each `render()`. A top-level block is finished as soon as another top-level block starts
 * after it in the tail's parse — in CommonMark a later line can only change the *last* open block, never
 * one that a following block has already closed (with `html: false`). So each frame costs
 * O(size of the last block), not O(size of the reply), and the result is the same DOM a full render
 * gives (checked by unit tests against `renderFull`). One exception is handled at `finish()`: reference
 * link definitions (`[x]: url`) can change earlier blocks, so a reply that contains one gets one final
 * full render.
 */
import { MarkdownIt, Sanitizer, renderFull } from './markdown';

export interface RenderStats {
  /** Renders that did work. */
  renders: number;
  /** Characters parsed in total (tail sizes summed): flat per render when the renderer works. */
  parsedChars: number;
  /** Blocks committed (rendered exactly once). */
  committedBlocks: number;
}

/** What one step produced: HTML of newly finished blocks (render once, append) and of the open tail. */
export interface SplitStep {
  readonly committedHtml: string;
  readonly tailHtml: string;
}

/**
 * The DOM-free half of the incremental renderer: turns appended text into "finished blocks" HTML (each
 * block emitted exactly once) plus the HTML of the open tail. Concatenating every `committedHtml` and the
 * last `tailHtml` gives exactly `md.render(text)` (reference definitions aside, see `needsFullRender`).
 */
export class MarkdownStreamSplitter {
  private tail = '';
  readonly stats: RenderStats = { renders: 0, parsedChars: 0, committedBlocks: 0 };

  constructor(private readonly md: MarkdownIt) {}

  append(text: string): void {
    this.tail += text;
  }

  step(): SplitStep {
    this.stats.renders++;
    this.stats.parsedChars += this.tail.length;
    const env = {};
    const tokens = this.md.parse(this.tail, env);
    // Index of the token that opens the last top-level block (level 0, opening or self-contained, mapped).
    let last = -1;
    let blocks = 0;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.level === 0 && t.nesting !== -1 && t.map) {
        last = i;
        blocks++;
      }
    }
    if (blocks < 2) return { committedHtml: '', tailHtml: this.md.renderer.render(tokens, this.md.options, env) };
    const committedHtml = this.md.renderer.render(tokens.slice(0, last), this.md.options, env);
    this.stats.committedBlocks += blocks - 1;
    this.tail = this.tail.slice(offsetOfLine(this.tail, tokens[last].map?.[0] ?? 0));
    return { committedHtml, tailHtml: this.md.renderer.render(tokens.slice(last), this.md.options, env) };
  }

  reset(): void {
    this.tail = '';
  }
}

/** Reference link definitions (`[x]: url`) can change blocks before them: such a text needs one full render. */
export function needsFullRender(text: string): boolean {
  return /^ {0,3}\[[^\]\n]+\]:/m.test(text);
}

/** Finished blocks are grouped in chunks of this many top-level elements (see `IncrementalMarkdown`). */
export const CHUNK_BLOCKS = 48;

/**
 * The DOM half. Finished blocks are sanitized once and appended inside `div.md-chunk` containers of
 * `CHUNK_BLOCKS` blocks; the open tail's nodes follow the chunks and are replaced on each render. The chunks
 * carry CSS containment (chat.css), so the browser's layout after an append walks a few dozen chunks instead
 * of every block of a 20,000-token reply. `unwrapChunks` gives the plain block sequence (= a full render).
 */
export class IncrementalMarkdown {
  private readonly splitter: MarkdownStreamSplitter;
  private readonly parts: string[] = [];
  private tailNodes: Node[] = [];
  private chunk: HTMLElement | undefined;
  private dirty = false;
  private finished = false;

  constructor(
    private readonly container: Element,
    private readonly md: MarkdownIt,
    private readonly sanitize: Sanitizer,
  ) {
    this.splitter = new MarkdownStreamSplitter(md);
  }

  get stats(): RenderStats {
    return this.splitter.stats;
  }

  /** Add streamed text; cheap (no parsing). Call `render()` once per frame. */
  append(text: string): void {
    if (!text) return;
    if (this.finished) throw new Error('IncrementalMarkdown: append after finish');
    this.parts.push(text);
    this.splitter.append(text);
    this.dirty = true;
  }

  /** The whole source so far. */
  get text(): string {
    return this.parts.join('');
  }

  get pending(): boolean {
    return this.dirty;
  }

  /** Bring the DOM up to date with everything appended (no-op when nothing changed). */
  render(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const { committedHtml, tailHtml } = this.splitter.step();
    if (committedHtml) {
      this.removeTail();
      this.commit(this.sanitize(committedHtml));
    }
    this.replaceTail(tailHtml);
  }

  /** The stream ended: render what is left; afterwards the DOM equals a full render of `text`. */
  finish(): void {
    if (this.finished) return;
    this.render();
    this.finished = true;
    const text = this.text;
    if (needsFullRender(text)) {
      this.container.replaceChildren(renderFull(this.md, this.sanitize, text));
      this.tailNodes = [];
      this.chunk = undefined;
    }
  }

  /** Replace everything with a render of `text` (e.g. a snapshot), continuing incrementally after it. */
  reset(text: string): void {
    this.container.replaceChildren();
    this.tailNodes = [];
    this.chunk = undefined;
    this.parts.length = 0;
    this.splitter.reset();
    this.finished = false;
    this.dirty = false;
    this.append(text);
    this.render();
  }

  /** Append finished blocks into chunk containers, starting a new chunk when the current one is full. */
  private commit(frag: DocumentFragment): void {
    const doc = this.container.ownerDocument;
    while (frag.firstChild) {
      if (!this.chunk || this.chunk.childElementCount >= CHUNK_BLOCKS) {
        this.chunk = doc.createElement('div');
        this.chunk.className = 'md-chunk';
        this.container.append(this.chunk);
      }
      // Move up to the chunk's free capacity (text nodes such as "\n" between blocks come along).
      let room = CHUNK_BLOCKS - this.chunk.childElementCount;
      const batch = doc.createDocumentFragment();
      while (frag.firstChild && (room > 0 || frag.firstChild.nodeType !== 1)) {
        if (frag.firstChild.nodeType === 1) room--;
        batch.append(frag.firstChild);
      }
      this.chunk.append(batch);
    }
  }

  private removeTail(): void {
    for (const n of this.tailNodes) n.parentNode?.removeChild(n);
    this.tailNodes = [];
  }

  private replaceTail(html: string): void {
    this.removeTail();
    if (!html) return;
    const frag = this.sanitize(html);
    this.tailNodes = Array.from(frag.childNodes);
    this.container.append(frag);
  }
}

/** The rendered blocks without their chunk containers (for comparing with a full render). */
export function unwrapChunks(container: Element): string {
  const clone = container.cloneNode(true) as Element;
  for (const c of Array.from(clone.querySelectorAll(':scope > .md-chunk'))) c.replaceWith(...Array.from(c.childNodes));
  return clone.innerHTML;
}

/** Character offset where line `line` (0-based) starts. */
function offsetOfLine(s: string, line: number): number {
  let off = 0;
  for (let i = 0; i < line; i++) {
    const nl = s.indexOf('\n', off);
    if (nl === -1) return s.length;
    off = nl + 1;
  }
  return off;
}
