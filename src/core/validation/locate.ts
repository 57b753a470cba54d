/**
 * Columns for diagnostics. Only lines that HAVE an issue are re-scanned (with Microsoft's jsonc-parser,
 * which keeps offsets), so the hot path stays a plain JSON.parse.
 */
import { findNodeAtLocation, parse, parseTree, type Node, type ParseError } from 'jsonc-parser';
import type { JsonPath } from './rules';

export interface Span {
  /** 1-based UTF-16 column. */
  column: number;
  /** 1-based, exclusive. */
  endColumn: number;
}

/** Span of the value at `path` (with its key when it is an object property), or of the whole line. */
export function locatePath(line: string, path: JsonPath): Span {
  const whole: Span = { column: 1, endColumn: Math.max(2, line.length + 1) };
  let root: Node | undefined;
  try {
    root = parseTree(line);
  } catch {
    return whole;
  }
  if (!root) return whole;
  let node = path.length === 0 ? root : findNodeAtLocation(root, path);
  // Walk up to the deepest ancestor that exists.
  for (let p = path.slice(0, -1); !node && p.length > 0; p = p.slice(0, -1)) node = findNodeAtLocation(root, p);
  node ??= root;
  const target = node.parent?.type === 'property' ? node.parent : node;
  return { column: target.offset + 1, endColumn: target.offset + target.length + 1 };
}

/** Where JSON.parse failed: jsonc-parser's first error offset, else V8's "at position N", else the line end. */
export function locateJsonError(line: string, err: unknown): Span {
  const errors: ParseError[] = [];
  parse(line, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  let pos: number;
  if (errors.length > 0) pos = errors[0]!.offset;
  else {
    const m = /position (\d+)/.exec(err instanceof Error ? err.message : String(err));
    pos = m ? Number(m[1]) : line.length;
  }
  const column = Math.min(pos, Math.max(0, line.length - 1)) + 1;
  return { column, endColumn: column + 1 };
}

/** V8's parse error without the echo of the (possibly huge) line. */
export function jsonErrorMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const cut = msg.replace(/, "[\s\S]*" is not valid JSON$/, ' (not valid JSON)');
  return cut.length > 160 ? cut.slice(0, 157) + '…' : cut;
}
