/**
 * Reading the metric dicts that Hugging Face Trainer-based tools print (`{'loss': 1.23, 'grad_norm': nan, …}`) and the
 * JSON objects some of them write per logging step (LLaMA-Factory's `trainer_log.jsonl`). Only flat dicts of scalars:
 * numbers (including Python's `nan`/`inf`), quoted strings (Unsloth Studio prints `'loss': '14.88'`), None, booleans.
 */

export type DictValue = number | string | boolean | null;

const ENTRY = /(['"])((?:(?!\1).)+)\1\s*:\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^,{}]+)/g;

function scalar(raw: string): DictValue {
  const v = raw.trim();
  if (v.startsWith("'") || v.startsWith('"')) return v.slice(1, -1);
  if (v === 'None' || v === 'null') return null;
  if (v === 'True' || v === 'true') return true;
  if (v === 'False' || v === 'false') return false;
  const n = pyNumber(v);
  return n === undefined ? v : n;
}

/** A number as Python prints it (`1.5e-05`, `nan`, `inf`, `-inf`), or undefined when `text` is not one. */
export function pyNumber(text: string): number | undefined {
  const v = text.trim().toLowerCase();
  if (v === 'nan' || v === '-nan') return NaN;
  if (v === 'inf' || v === 'infinity' || v === '+inf') return Infinity;
  if (v === '-inf' || v === '-infinity') return -Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(v)) return undefined;
  return Number(v);
}

/** Every `{…}` in `line` (not nested) parsed as a flat dict; dicts with no `key: value` entry are left out. */
export function dictsIn(line: string): Array<Record<string, DictValue>> {
  const out: Array<Record<string, DictValue>> = [];
  for (const m of line.matchAll(/\{[^{}]*\}/g)) {
    const d: Record<string, DictValue> = {};
    let any = false;
    for (const e of m[0].matchAll(ENTRY)) {
      d[e[2]!] = scalar(e[3]!);
      any = true;
    }
    if (any) out.push(d);
  }
  return out;
}

/** A dict value as a number (`'14.88'` strings included), or undefined. */
export function numeric(v: DictValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return pyNumber(v);
  return undefined;
}
