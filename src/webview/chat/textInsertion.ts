/**
 * The streaming renderer's second fast path. Most re-renders of the open block differ from the previous render only
 * by something added at one point: words at the end of a paragraph, a list item, a line of code, an emphasised
 * phrase. Such a render is applied by adding just that to the DOM already there — text is appended to the text
 * node (no sanitizer at all), markup is sanitized on its own and inserted — instead of sanitizing the whole block
 * again and morphing it.
 *
 * Why this gives the DOM that sanitizing the whole render would:
 * - The previous HTML is `P + S`, the new one `P + Y + S`, where `S` is only closing tags and newlines and starts
 *   with a closing tag, so `Y` goes at the end of the element `S` closes first. `P` ends outside any tag and entity.
 * - `Y` is balanced (every element it opens it closes, none it did not open), so HTML parsing of `P + Y + S` gives
 *   the tree of `P + S` with the nodes of `Y` at that point, text at `Y`'s start joining the text before it. The
 *   point is found by walking `S` backwards through the DOM and checked against the end of `P` (the same text run,
 *   or the same tag); any mismatch returns false and the caller sanitizes the whole render.
 * - markdown-it (`html: false`) escapes `&`, `<`, `>` and `"` in text, so a `Y` without `<` is text: it is decoded
 *   and appended to the Text node, whose data is never parsed as HTML. A `Y` with markup goes through the same
 *   sanitizer as every render (DOMPurify decides per element and attribute, so a part sanitized alone comes out as
 *   it would inside the whole). Inside table structure (where parsing depends on the context) it is not used.
 */

/** The suffix after the insertion point: closing tags and newlines, nothing else. */
const CLOSING_ONLY = /^(?:<\/[a-z][a-z0-9]*>|\n)+$/;
const TOKEN = /<\/([a-z][a-z0-9]*)>|\n+/g;
const TAG = /<(\/?)([a-z][a-z0-9]*)\b[^<>]*>/g;
const VOID = new Set(['br', 'hr', 'img', 'input', 'wbr']);
/** Elements whose children the HTML parser places by context (foster parenting, implied tags). */
const TABLE_PARTS = new Set(['TABLE', 'THEAD', 'TBODY', 'TFOOT', 'TR']);
/** An `&` that does not start one of markdown-it's four escapes. */
const BARE_AMP = /&(?!(?:amp|lt|gt|quot);)/;
const ENTITY = /&(amp|lt|gt|quot);/g;
const DECODED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };

/** Text as markdown-it escaped it, decoded (it writes only these four entities). */
export function decodeEscaped(s: string): string {
  return s.indexOf('&') === -1 ? s : s.replace(ENTITY, (_, name: string) => DECODED[name]);
}

/** One addition: `html` goes at the end of the element that the first closing tag of the previous HTML from `at` closes. */
export interface Insertion {
  /** Offset in the previous HTML. */
  readonly at: number;
  readonly html: string;
}

/**
 * How `next` is `prev` with additions before a closing-tags-only suffix `S`: one balanced insertion, or text at the
 * deepest point plus a balanced insertion some levels up (`P + T + C + R' + S` with `C` the start of `S`: the last list
 * item grew and a new one began). Undefined when it is anything else.
 */
export function findInsertions(prev: string, next: string): Insertion[] | undefined {
  if (next.length <= prev.length) return undefined;
  let at = 0;
  while (at < prev.length && prev.charCodeAt(at) === next.charCodeAt(at)) at++;
  // Not inside a tag: back off to its `<` (the common prefix may run into `</ul>` vs `<li>`).
  const lt = prev.lastIndexOf('<', at - 1);
  if (lt > prev.lastIndexOf('>', at - 1)) at = lt;
  const suffix = prev.slice(at);
  if (!suffix.startsWith('</') || !CLOSING_ONLY.test(suffix) || !next.endsWith(suffix)) return undefined;
  // Not inside an entity.
  const amp = prev.lastIndexOf('&', at - 1);
  const semicolon = amp === -1 ? -1 : prev.indexOf(';', amp);
  if (amp > prev.lastIndexOf('>', at - 1) && (semicolon === -1 || semicolon >= at)) return undefined;
  const html = next.slice(at, next.length - suffix.length);
  if (BARE_AMP.test(html)) return undefined;
  if (balanced(html)) return [{ at, html }];
  const cut = html.indexOf('<');
  const text = html.slice(0, cut);
  if (text.includes('>')) return undefined;
  for (const m of suffix.matchAll(TOKEN)) {
    const j = (m.index ?? 0) + m[0].length;
    const closing = suffix.slice(0, j);
    if (!suffix.startsWith('</', j)) continue;
    if (!html.startsWith(closing, cut)) return undefined;
    const added = html.slice(cut + closing.length) + closing;
    if (balanced(added))
      return text
        ? [
            { at, html: text },
            { at: at + j, html: added },
          ]
        : [{ at: at + j, html: added }];
  }
  return undefined;
}

/** Every element `html` opens it closes, in order, it closes none it did not open, and no `<` or `>` is outside a tag. */
function balanced(html: string): boolean {
  if (!html.includes('<')) return !html.includes('>');
  const open: string[] = [];
  let ok = true;
  const outside = html.replace(TAG, (_, close: string, name: string) => {
    if (!close) {
      if (!VOID.has(name)) open.push(name);
    } else if (open.pop() !== name) ok = false;
    return '';
  });
  return ok && open.length === 0 && !/[<>]/.test(outside);
}

/**
 * Apply `next` to the DOM of `prev` (`nodes`: the top-level nodes `prev` was rendered into) when it only adds at one
 * point, or two (see `findInsertions`). Returns false, having changed nothing, when it does not.
 */
export function applyInsertion(nodes: readonly ChildNode[], prev: string, next: string, sanitize: (html: string) => DocumentFragment): boolean {
  const found = findInsertions(prev, next);
  if (!found) return false;
  const targets: Element[] = [];
  for (const { at } of found) {
    const container = containerClosedFirst(nodes, prev.slice(at));
    if (!container || TABLE_PARTS.has(container.nodeName) || !endsLike(container, prev, at)) return false;
    targets.push(container);
  }
  found.forEach(({ html }, i) => insertAtEnd(targets[i], html, sanitize));
  return true;
}

/** Add `html` (balanced, as markdown-it escapes it) after the last child of `container`; text joins a text node there. */
function insertAtEnd(container: Element, html: string, sanitize: (html: string) => DocumentFragment): void {
  const last = container.lastChild;
  if (!html.includes('<')) {
    const text = decodeEscaped(html);
    if (last?.nodeType === 3) (last as Text).appendData(text);
    else container.appendChild(container.ownerDocument.createTextNode(text));
    return;
  }
  const frag = sanitize(html);
  const first = frag.firstChild;
  if (first?.nodeType === 3 && last?.nodeType === 3) {
    (last as Text).appendData((first as Text).data);
    first.remove();
  }
  container.appendChild(frag);
}

/** The element that the first closing tag of `suffix` closes, found by walking `suffix` backwards from the end. */
function containerClosedFirst(nodes: readonly ChildNode[], suffix: string): Element | undefined {
  const tokens = Array.from(suffix.matchAll(TOKEN), (m) => m[1] ?? m[0]);
  let siblings: NodeListOf<ChildNode> | readonly ChildNode[] = nodes;
  let i = siblings.length - 1;
  let container: Element | undefined;
  for (let t = tokens.length - 1; t >= 0; t--) {
    const node: ChildNode | undefined = siblings[i];
    if (!node) return undefined;
    const token = tokens[t];
    if (token.startsWith('\n')) {
      if (node.nodeType !== 3 || node.nodeValue !== token) return undefined;
      i--;
    } else {
      if (node.nodeType !== 1 || node.nodeName.toLowerCase() !== token) return undefined;
      container = node as Element;
      siblings = node.childNodes;
      i = siblings.length - 1;
    }
  }
  return container;
}

/** The DOM at the end of `container` is what `prev` has before `at`: the same text run, the same closed element, or nothing after its opening tag. */
function endsLike(container: Element, prev: string, at: number): boolean {
  const last = container.lastChild;
  const gt = prev.lastIndexOf('>', at - 1);
  if (gt < at - 1) return last?.nodeType === 3 && last.nodeValue === decodeEscaped(prev.slice(gt + 1, at));
  const tag = /<(\/?)([a-z][a-z0-9]*)\b[^<>]*>$/.exec(prev.slice(prev.lastIndexOf('<', at - 1), at));
  if (!tag) return false;
  if (tag[1] || VOID.has(tag[2])) return last?.nodeType === 1 && last.nodeName.toLowerCase() === tag[2];
  return last === null && container.nodeName.toLowerCase() === tag[2];
}
