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
 *
 * Fast path: the commonest delta only extends the open paragraph with plain words. When the open tail is a single-line
 * paragraph whose DOM ends in a text node, and the delta (plus the word it continues) contains only characters that
 * cannot become or change markup (see `PLAIN_DELTA` and `fastAppend`), the delta is appended to that text node — no
 * parse, no sanitizer (a Text node is inert: its data is never parsed as HTML). Trailing spaces are held back until
 * more text follows, as markdown-it trims them from a paragraph's end. Anything else takes the parse path.
 */
import { MarkdownIt, Sanitizer, renderFull } from './markdown';
import { afterBlocks, morph } from './morph';
import { applyInsertion } from './textInsertion';

export interface RenderStats {
  /** Renders that did work. */
  renders: number;
  /** Characters parsed in total (tail sizes summed): flat per render when the renderer works. */
  parsedChars: number;
  /** Blocks committed (rendered exactly once). */
  committedBlocks: number;
  /** Renders done by the fast path (text appended to the open paragraph's text node, nothing parsed). */
  fastAppends: number;
  /** Renders whose parse only added at one point: applied in place, markup sanitized alone, text without it (textInsertion.ts). */
  insertions: number;
}

/** What one step produced: HTML of newly finished blocks (render once, append) and of the open tail. */
export interface SplitStep {
  readonly committedHtml: string;
  /** Top-level blocks in `committedHtml`: each renders as one top-level element. */
  readonly committedBlocks: number;
  readonly tailHtml: string;
}

/**
 * The DOM-free half of the incremental renderer: turns appended text into "finished blocks" HTML (each
 * block emitted exactly once) plus the HTML of the open tail. Concatenating every `committedHtml` and the
 * last `tailHtml` gives exactly `md.render(text)` (reference definitions aside, see `needsFullRender`).
 */
export class MarkdownStreamSplitter {
  private tail = '';
  readonly stats: RenderStats = { renders: 0, parsedChars: 0, committedBlocks: 0, fastAppends: 0, insertions: 0 };

  constructor(private readonly md: MarkdownIt) {}

  append(text: string): void {
    this.tail += text;
  }

  /** The source of the open tail (the last block and whatever follows it). */
  get source(): string {
    return this.tail;
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
    if (blocks < 2) return { committedHtml: '', committedBlocks: 0, tailHtml: this.md.renderer.render(tokens, this.md.options, env) };
    const committedHtml = this.md.renderer.render(tokens.slice(0, last), this.md.options, env);
    this.stats.committedBlocks += blocks - 1;
    this.tail = this.tail.slice(offsetOfLine(this.tail, tokens[last].map?.[0] ?? 0));
    return { committedHtml, committedBlocks: blocks - 1, tailHtml: this.md.renderer.render(tokens.slice(last), this.md.options, env) };
  }

  reset(): void {
    this.tail = '';
  }
}

/** Reference link definitions (`[x]: url`) can change blocks before them: such a text needs one full render. */
export function needsFullRender(text: string): boolean {
  return /^ {0,3}\[[^\]\n]+\]:/m.test(text);
}

/** Finished blocks are grouped in chunks of this many top-level elements, and chunks in groups of `GROUP_CHUNKS`. */
export const CHUNK_BLOCKS = 48;
const GROUP_CHUNKS = 16;

/**
 * Characters a fast-path delta may contain: letters, combining marks, digits, emoji, the space and `, . ; : ? ' " ( ) / -`.
 * None of them opens or closes an inline construct (emphasis, code, links, autolinks, escapes, entities, HTML): `(` is
 * a link destination only right after `]`, which neither the delta nor the continued word may contain; `-` is markup
 * only at a line start. With `typographer` off (checked) quotes and dashes stay as typed. `.`, `:`, `/`, `?` can be
 * part of a linkified URL: that is
 * checked with markdown-it's own linkify matcher on the word the delta continues plus the delta. Block structure
 * cannot change: no newline, and the paragraph's first word is already complete (so no `1.` list marker appears).
 */
const PLAIN_DELTA = /^[\p{L}\p{M}\p{N}\p{Extended_Pictographic}\u200d ,.;:?'"()/-]+$/u;
const PLAIN_WORD = /^[\p{L}\p{M}\p{N}\p{Extended_Pictographic}\u200d,.;:?'"()/-]*$/u;
/** A single-line paragraph whose first word is complete: starts with a letter or digit, a space follows the word. */
const PLAIN_LINE = /^[\p{L}\p{N}][^ \n]* [^\n]*$/u;

/** The open paragraph's last text node, the trailing spaces not rendered yet, and the source's last word before them. */
interface FastState {
  readonly node: Text;
  held: string;
  word: string;
  /** Where the text ends in the tail's HTML (before its `</p>`). */
  htmlEnd: number;
}

/**
 * The DOM half. Each step's HTML (newly finished blocks + the open tail) goes through the sanitizer in one call.
 * Finished blocks are appended once inside `div.md-chunk` containers of `CHUNK_BLOCKS` blocks, themselves inside
 * `div.md-group` containers of `GROUP_CHUNKS` chunks; both carry CSS containment (chat.css), so the layout after a
 * delta visits a handful of groups instead of every block of a 20,000-token reply. The open tail's nodes follow the
 * groups; a new render of the tail is morphed into them (nodes of the same shape kept, text updated in place), so a
 * growing paragraph changes one text node instead of rebuilding its subtree. `unwrapChunks` gives the plain block
 * sequence (= a full render).
 */
export class IncrementalMarkdown {
  private readonly splitter: MarkdownStreamSplitter;
  private readonly parts: string[] = [];
  private tailNodes: ChildNode[] = [];
  private tailHtml: string | undefined = '';
  /** Text appended since the last render. */
  private pendingText = '';
  /** Set while the fast path applies (see the file comment). */
  private fast: FastState | undefined;
  private group: HTMLElement | undefined;
  private chunk: HTMLElement | undefined;
  /** Elements in `chunk` and chunks in `group`, counted here (childElementCount walks the children). */
  private chunkBlocks = 0;
  private groupChunks = 0;
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
    this.pendingText += text;
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
    const delta = this.pendingText;
    this.pendingText = '';
    if (this.fast && this.fastAppend(this.fast, delta)) return;
    this.fast = undefined;
    const step = this.splitter.step();
    if (step.committedBlocks === 0) this.renderTail(step.tailHtml);
    else this.renderCommit(step);
    this.fast = this.plainParagraphEnd();
  }

  /** The open tail re-rendered: what was added at one point is applied in place (textInsertion.ts), else sanitize and morph. */
  private renderTail(html: string): void {
    const prev = this.tailHtml;
    if (html === prev) return;
    this.tailHtml = html;
    if (prev && applyInsertion(this.tailNodes, prev, html, this.sanitize)) {
      this.splitter.stats.insertions++;
      return;
    }
    this.tailNodes = morph(this.tailParent(), this.tailNodes, Array.from(this.sanitize(html).childNodes));
  }

  /**
   * Blocks finished. Commonly the one open block finished with something added at one point: its nodes stay where they
   * are (the tail already sits in the open chunk), the addition is applied in place and the new open block sanitized. Otherwise everything in the
   * step is sanitized in one call; the finished blocks are morphed into the old tail's nodes where the open chunk has
   * room for them (unchanged text keeps its layout), else moved into new chunks.
   */
  private renderCommit({ committedHtml, committedBlocks, tailHtml }: SplitStep): void {
    const prev = this.tailHtml;
    const kept = committedBlocks === 1 && prev !== undefined && (committedHtml === prev || applyInsertion(this.tailNodes, prev, committedHtml, this.sanitize));
    if (kept) {
      this.chunkBlocks++;
      this.tailNodes = [];
      this.tailHtml = '';
      this.renderTail(tailHtml);
      return;
    }
    const frag = this.sanitize(committedHtml + tailHtml);
    const parent = this.tailNodes[0]?.parentNode;
    if (parent && this.chunkBlocks + committedBlocks < CHUNK_BLOCKS) {
      const nodes = Array.from(frag.childNodes);
      const split = afterBlocks(nodes, committedBlocks);
      morph(parent, this.tailNodes, nodes.slice(0, split));
      this.chunkBlocks += committedBlocks;
      this.tailNodes = morph(parent, [], nodes.slice(split));
    } else {
      for (const n of this.tailNodes) n.remove();
      this.tailNodes = [];
      this.commit(frag, committedBlocks);
      this.tailNodes = morph(this.tailParent(), [], Array.from(frag.childNodes));
    }
    this.tailHtml = tailHtml;
  }

  /** Where the open tail's nodes live: the open chunk (created when needed), so a finished block never moves. */
  private tailParent(): Node {
    return this.tailNodes[0]?.parentNode ?? this.openChunk();
  }

  /** Append `delta` to the open paragraph's text node if that gives the DOM a parse would; false = take the parse path. */
  private fastAppend(f: FastState, delta: string): boolean {
    if (!PLAIN_DELTA.test(delta)) return false;
    // A URL or e-mail address can only form within the word being continued and what the delta adds.
    if (this.md.linkify.test(f.word + f.held + delta)) return false;
    const body = f.held + delta;
    const visible = body.trimEnd();
    f.held = body.slice(visible.length);
    const space = visible.lastIndexOf(' ');
    f.word = space === -1 ? f.word + visible : visible.slice(space + 1);
    if (visible) {
      f.node.appendData(visible);
      // Keep the tail's HTML what markdown-it would render, for the next parse's text-insertion check.
      const escaped = this.md.utils.escapeHtml(visible);
      const html = this.tailHtml ?? '';
      this.tailHtml = html.slice(0, f.htmlEnd) + escaped + html.slice(f.htmlEnd);
      f.htmlEnd += escaped.length;
    }
    this.splitter.stats.fastAppends++;
    return true;
  }

  /** After a parse: the fast-path state when the open tail is one plain single-line paragraph ending in text. */
  private plainParagraphEnd(): FastState | undefined {
    if (this.md.options.typographer) return undefined;
    const src = this.splitter.source;
    if (!PLAIN_LINE.test(src)) return undefined;
    let para: Element | undefined;
    for (const n of this.tailNodes) {
      if (n.nodeType !== 1) continue;
      if (para || n.nodeName !== 'P') return undefined;
      para = n as Element;
    }
    const last = para?.lastChild;
    if (!last || last.nodeType !== 3) return undefined;
    const body = src.trimEnd();
    const held = src.slice(body.length);
    const word = body.slice(body.lastIndexOf(' ') + 1);
    if (/[^ ]/.test(held) || !PLAIN_WORD.test(word)) return undefined;
    const htmlEnd = this.tailHtml?.lastIndexOf('</p>') ?? -1;
    if (htmlEnd === -1) return undefined;
    return { node: last as Text, held, word, htmlEnd };
  }

  /** The stream ended: render what is left; afterwards the DOM equals a full render of `text`. */
  finish(): void {
    if (this.finished) return;
    this.render();
    this.finished = true;
    const text = this.text;
    if (needsFullRender(text)) this.clear(renderFull(this.md, this.sanitize, text));
  }

  /** Replace everything with a render of `text` (e.g. a snapshot), continuing incrementally after it. */
  reset(text: string): void {
    this.clear();
    this.parts.length = 0;
    this.splitter.reset();
    this.finished = false;
    this.dirty = false;
    this.append(text);
    this.render();
  }

  private clear(content?: DocumentFragment): void {
    if (content) this.container.replaceChildren(content);
    else this.container.replaceChildren();
    this.tailNodes = [];
    this.tailHtml = '';
    this.fast = undefined;
    this.pendingText = '';
    this.group = undefined;
    this.chunk = undefined;
  }

  /** Move the first `blocks` top-level elements of `frag` (and the text between them) into chunk containers. */
  private commit(frag: DocumentFragment, blocks: number): void {
    let left = blocks;
    while (left > 0 && frag.firstChild) {
      const chunk = this.openChunk();
      let room = CHUNK_BLOCKS - this.chunkBlocks;
      const batch = this.container.ownerDocument.createDocumentFragment();
      // Text nodes such as "\n" between blocks come along; the text after the last finished block stays for the tail.
      while (frag.firstChild && left > 0 && (room > 0 || frag.firstChild.nodeType !== 1)) {
        if (frag.firstChild.nodeType === 1) {
          room--;
          left--;
          this.chunkBlocks++;
        }
        batch.append(frag.firstChild);
      }
      if (left === 0 && frag.firstChild && frag.firstChild.nodeType !== 1) batch.append(frag.firstChild);
      chunk.append(batch);
    }
  }

  /** The chunk finished blocks go into: the current one, or a new one (in a new group when the group is full). */
  private openChunk(): HTMLElement {
    if (this.chunk && this.chunkBlocks < CHUNK_BLOCKS) return this.chunk;
    const doc = this.container.ownerDocument;
    if (!this.group || this.groupChunks >= GROUP_CHUNKS) {
      this.groupChunks = 0;
      this.group = doc.createElement('div');
      this.group.className = 'md-group';
      this.container.append(this.group);
    }
    this.chunk = doc.createElement('div');
    this.chunk.className = 'md-chunk';
    this.chunkBlocks = 0;
    this.groupChunks++;
    this.group.append(this.chunk);
    return this.chunk;
  }
}

/** The rendered blocks without their group and chunk containers (for comparing with a full render). */
export function unwrapChunks(container: Element): string {
  const clone = container.cloneNode(true) as Element;
  for (const g of Array.from(clone.querySelectorAll(':scope > .md-group'))) g.replaceWith(...Array.from(g.childNodes));
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
