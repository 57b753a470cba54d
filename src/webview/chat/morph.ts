/** DOM helpers of the streaming renderer (incremental.ts): morph a rendered tail into the nodes in place, split finished blocks. */

/**
 * Make `current` (the trailing children of `parent`) equal to `next` (sanitized, detached nodes): a node of the same
 * shape (same node type; for elements the same tag and attributes) is kept and updated — text data set, children
 * morphed recursively — anything else is replaced. Returns the nodes now in place of `current`.
 */
export function morph(parent: Node, current: readonly ChildNode[], next: readonly ChildNode[]): ChildNode[] {
  const out: ChildNode[] = [];
  for (let i = 0; i < next.length; i++) {
    const a = current[i];
    const b = next[i];
    if (a && sameShape(a, b)) {
      if (a.nodeType === 1) morph(a, Array.from(a.childNodes), Array.from(b.childNodes));
      else if (a.nodeValue !== b.nodeValue) a.nodeValue = b.nodeValue;
      out.push(a);
    } else {
      if (a) a.replaceWith(b);
      else parent.appendChild(b);
      out.push(b);
    }
  }
  for (let i = next.length; i < current.length; i++) current[i].remove();
  return out;
}

function sameShape(a: Node, b: Node): boolean {
  if (a.nodeType !== b.nodeType || a.nodeName !== b.nodeName) return false;
  if (a.nodeType !== 1) return true;
  const x = (a as Element).attributes;
  const y = (b as Element).attributes;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (y.getNamedItem(x[i].name)?.value !== x[i].value) return false;
  return true;
}

/** Index in `nodes` just after the `blocks`-th element and the text node that follows it (the newline between blocks). */
export function afterBlocks(nodes: readonly ChildNode[], blocks: number): number {
  let i = 0;
  for (let seen = 0; i < nodes.length && seen < blocks; i++) if (nodes[i].nodeType === 1) seen++;
  if (i < nodes.length && nodes[i].nodeType !== 1) i++;
  return i;
}
