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

// jsonc-parser's ParseErrorCode values (numbers, so this table does not load the lazy vendor bundle).
const WHAT: Partial<Record<number, string>> = {
  /* ValueExpected */ 4: 'a value is missing here (a stray or trailing comma, or an empty field?)',
  /* PropertyNameExpected */ 3: 'a field name in double quotes is expected here (single quotes and bare names are not JSON)',
  /* ColonExpected */ 5: 'a ":" is missing after the field name',
  /* CommaExpected */ 6: 'a "," is missing between two items',
  /* CloseBraceExpected */ 7: 'a "," or a closing "}" is expected here (a missing comma, or an object not closed: was the line cut short?)',
  /* CloseBracketExpected */ 8: 'a "," or a closing "]" is expected here (a missing comma, or a list not closed: was the line cut short?)',
  /* EndOfFileExpected */ 9: 'there is more text after the end of the example (two examples on one line?)',
  /* UnexpectedEndOfString */ 12: 'a text value is not closed: its closing " is missing',
  /* InvalidEscapeCharacter */ 15: 'a backslash starts an escape JSON does not know (write a backslash as \\\\)',
  /* InvalidUnicode */ 14: 'a \\u escape needs four hex digits',
  /* InvalidCharacter */ 16: 'a raw tab or line break is inside a text value (write it as \\t or \\n)',
  /* InvalidNumberFormat */ 2: 'this number is not written the JSON way',
};

/**
 * Why a line is not JSON, in plain words and with its column: never V8's raw text, which echoes the line
 * ("Unexpected token 'h', "this line i"... is not valid JSON").
 */
export function describeJsonError(line: string, err: unknown): string {
  const first = line.trimStart()[0];
  if (first !== '{' && first !== '[') {
    const start = line.trim().slice(0, 24);
    return `This line is not JSON: each line must be one example written as {"messages": [...]}, but it starts with “${start}${line.trim().length > 24 ? '…' : ''}”.`;
  }
  const errors: ParseError[] = [];
  parse(line, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const { column } = locateJsonError(line, err);
  const what = line[column - 1] === "'" ? 'text and field names need double quotes ("), not single quotes' : errors[0] ? WHAT[errors[0].error] : undefined;
  return `Not valid JSON at column ${column}: ${what ?? 'unexpected text here'}.`;
}
