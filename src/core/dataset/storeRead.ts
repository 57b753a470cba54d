/** Reading helpers of the dataset store (./store.ts): whole-file scans, byte-exact line rewrites, provenance joins. */
import { promises as fsp } from 'node:fs';
import { JsonlLine, JsonlScan, scanJsonlBuffer, scanJsonlFile } from './jsonl';
import { assistantText, exampleKey, passageHash, userText } from './hash';
import { isChat, LoadIssue, preview, RemoveResult, StoredExample } from './storeModel';
import { FILES, fileForSplit, ProvenanceEntry, ProvenanceRecord, SplitName } from './types';

export async function readScan(file: string): Promise<{ buf: Buffer; scan: JsonlScan }> {
  let buf: Buffer;
  try {
    buf = await fsp.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    buf = Buffer.alloc(0);
  }
  return { buf, scan: scanJsonlBuffer(buf) };
}

/** The file bytes with the given 1-based lines cut out (each with its newline); everything else byte-identical. */
export function withoutLines(buf: Buffer, scan: JsonlScan, drop: Set<number>): Buffer {
  return rebuild(buf, scan, (l) => (drop.has(l.line) ? '' : undefined));
}

export function withLinesReplaced(buf: Buffer, scan: JsonlScan, replace: Map<number, string>): Buffer {
  return rebuild(buf, scan, (l) => replace.get(l.line));
}

/** Rebuild the buffer line by line: `fn` returns undefined to keep a line's bytes, '' to drop it, text to replace it. */
function rebuild(buf: Buffer, scan: JsonlScan, fn: (l: JsonlLine) => string | undefined): Buffer {
  const parts: Buffer[] = [];
  const first = scan.lines[0]?.offset ?? buf.length;
  if (first > 0) parts.push(buf.subarray(0, first));
  for (let i = 0; i < scan.lines.length; i++) {
    const l = scan.lines[i];
    const end = i + 1 < scan.lines.length ? scan.lines[i + 1].offset : buf.length;
    const r = fn(l);
    if (r === undefined) parts.push(buf.subarray(l.offset, end));
    else if (r !== '') {
      const terminated = end > l.offset && buf[end - 1] === 0x0a;
      parts.push(Buffer.from(terminated ? `${r}\n` : r, 'utf8'));
    }
  }
  return Buffer.concat(parts);
}

export function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export function pick(list: ProvenanceRecord[] | undefined, used: Set<string>, line: number): ProvenanceRecord | undefined {
  if (!list) return undefined;
  let best: ProvenanceRecord | undefined;
  for (const r of list) {
    if (used.has(r.id)) continue;
    if (!best || Math.abs((r.lineHint ?? Infinity) - line) < Math.abs((best.lineHint ?? Infinity) - line)) best = r;
  }
  if (best) used.add(best.id);
  return best;
}

/** Read provenance.jsonl and fold adds/removes into the active records; what is not an entry is reported. */
export async function readProvenanceFile(file: string): Promise<{ records: Map<string, ProvenanceRecord>; issues: LoadIssue[] }> {
  const scan = await scanJsonlFile(file);
  const records = new Map<string, ProvenanceRecord>();
  const issues: LoadIssue[] = [];
  for (const l of scan.lines) {
    if (l.blank) continue;
    if (l.problem) {
      issues.push({
        split: 'provenance',
        file: file,
        line: l.line,
        problem: l.problem,
        message: `${FILES.provenance}: ${l.message}`,
        preview: preview(l.raw),
      });
      continue;
    }
    const e = l.value as ProvenanceEntry | null;
    if (e && typeof e === 'object' && e.op === 'add' && typeof e.id === 'string' && typeof e.hash === 'string') records.set(e.id, e);
    else if (e && typeof e === 'object' && e.op === 'remove' && typeof e.id === 'string') records.delete(e.id);
    else
      issues.push({
        split: 'provenance',
        file: file,
        line: l.line,
        problem: 'not-chat',
        message: `${FILES.provenance}: line ${l.line} is not a provenance entry`,
        preview: preview(l.raw),
      });
  }
  return { records, issues };
}

/**
 * The chat examples of one split's scan, with the problems of the lines that are not (reported with line numbers,
 * never dropped); `join` finds each example's provenance record by content hash, or returns undefined (`unjoined`).
 */
export function examplesOfScan(
  split: SplitName,
  file: string,
  scan: JsonlScan,
  join: (ex: StoredExample) => ProvenanceRecord | undefined,
): { examples: StoredExample[]; issues: LoadIssue[]; unjoined: StoredExample[] } {
  const examples: StoredExample[] = [];
  const issues: LoadIssue[] = [];
  const unjoined: StoredExample[] = [];
  if (scan.hadBom)
    issues.push({
      split,
      file,
      line: 1,
      problem: 'bom',
      message: `${fileForSplit(split)} starts with a byte order mark (BOM); OpenAI may reject it.`,
      preview: '',
    });
  for (const l of scan.lines) {
    if (l.blank) continue;
    if (l.problem) {
      issues.push({ split, file, line: l.line, problem: l.problem, message: `${fileForSplit(split)}: ${l.message}`, preview: preview(l.raw) });
      continue;
    }
    if (!isChat(l.value)) {
      const message = `${fileForSplit(split)}: line ${l.line} is JSON but not a chat example (no "messages" array)`;
      issues.push({ split, file, line: l.line, problem: 'not-chat', message, preview: preview(l.raw) });
      continue;
    }
    const assistant = assistantText(l.value);
    const ex: StoredExample = {
      split,
      line: l.line,
      value: l.value,
      raw: l.raw,
      key: exampleKey(l.value),
      passageHash: passageHash(assistant),
      user: userText(l.value),
      assistant,
    };
    const rec = join(ex);
    if (rec) ex.record = rec;
    else unjoined.push(ex);
    examples.push(ex);
  }
  return { examples, issues, unjoined };
}

/**
 * Which lines `remove(ids)` drops: each id's example found by content hash wherever it is now (nearest its line hint,
 * train first), else by its passage when that is unambiguous (a prompt edited by hand). Pure: nothing is written.
 */
export function matchForRemoval(
  ids: string[],
  records: Map<string, ProvenanceRecord>,
  files: Record<SplitName, { buf: Buffer; scan: JsonlScan }>,
): { drop: Record<SplitName, Set<number>>; removed: RemoveResult['removed']; notFound: string[] } {
  const drop: Record<SplitName, Set<number>> = { train: new Set(), validation: new Set() };
  const removed: RemoveResult['removed'] = [];
  const notFound: string[] = [];
  const keyed: { split: SplitName; l: JsonlLine; key: string; ph: string }[] = [];
  for (const split of ['train', 'validation'] as const) {
    for (const l of files[split].scan.lines) {
      if (l.blank || l.problem || !isChat(l.value)) continue;
      keyed.push({ split, l, key: exampleKey(l.value), ph: passageHash(assistantText(l.value)) });
    }
  }
  for (const id of ids) {
    const rec = records.get(id);
    if (!rec) {
      notFound.push(id);
      continue;
    }
    const free = (k: (typeof keyed)[number]) => !drop[k.split].has(k.l.line);
    let cands = keyed.filter((k) => k.key === rec.hash && free(k));
    if (cands.length === 0) {
      const byPassage = keyed.filter((k) => k.ph === rec.passageHash && free(k));
      // Only when unambiguous: a prompt edited by hand, the passage unchanged.
      if (byPassage.length === 1 && !keyed.some((k) => k.ph === rec.passageHash && !free(k))) cands = byPassage;
    }
    if (cands.length === 0) {
      notFound.push(id);
      continue;
    }
    const hint = rec.lineHint ?? Number.MAX_SAFE_INTEGER;
    cands.sort((a, b) => (a.split === b.split ? Math.abs(a.l.line - hint) - Math.abs(b.l.line - hint) : a.split === 'train' ? -1 : 1));
    const c = cands[0];
    drop[c.split].add(c.l.line);
    removed.push({ id, split: c.split, line: c.l.line });
  }
  return { drop, removed, notFound };
}

/**
 * The lines of one split that change when the training system prompt goes from `old` to `next`: an example whose
 * system message is `old` (or that has none) gets `next` (or none); one with its own, different system message is
 * kept as it is (`kept`). Pure: nothing is written.
 */
export function systemPromptRewrites(scan: JsonlScan, old: string | undefined, next: string | undefined): { replace: Map<number, string>; kept: number } {
  const replace = new Map<number, string>();
  let kept = 0;
  for (const l of scan.lines) {
    if (l.blank || l.problem || !isChat(l.value)) continue;
    const v = l.value as { messages: unknown[] } & Record<string, unknown>;
    const first = v.messages[0] as { role?: unknown; content?: unknown } | undefined;
    const hasSystem = !!first && first.role === 'system';
    if (hasSystem && first.content !== old) {
      kept++;
      continue;
    }
    const rest = hasSystem ? v.messages.slice(1) : v.messages;
    const messages = next ? [{ role: 'system', content: next }, ...rest] : rest;
    const line = JSON.stringify({ ...v, messages });
    if (line !== l.raw) replace.set(l.line, line);
  }
  return { replace, kept };
}

/** quarantine.jsonl lines for `picked` lines of a split: the raw text, or base64 bytes for a line that is not UTF-8. */
export function quarantineRecords(split: SplitName, picked: JsonlLine[]): string[] {
  const at = new Date().toISOString();
  const file = fileForSplit(split);
  return picked.map((l) =>
    JSON.stringify(
      l.problem === 'not-utf8'
        ? { file, line: l.line, at, problem: l.problem, base64: (l.bytes ?? Buffer.alloc(0)).toString('base64') }
        : { file, line: l.line, at, problem: l.problem ?? 'not-chat', raw: l.raw },
    ),
  );
}
