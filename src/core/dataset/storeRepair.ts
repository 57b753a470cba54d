/**
 * Crash repair for DatasetStore.open. An add writes its provenance records first, then the example, both under
 * the folder lock; a process killed between the two leaves records whose example was never written (and was
 * never acknowledged). They are the last records of provenance.jsonl, and their line hints (exact, computed
 * under the lock) point past the end of train.jsonl. This finds them and, when `apply`, retires them with a
 * `remove` entry (reason "not-written"), so they join nothing and Undo does not offer them.
 */
import { promises as fsp } from 'node:fs';
import { appendLines } from './fsutil';
import { exampleKey } from './hash';
import { scanJsonlFile } from './jsonl';

const TAIL_BYTES = 256 * 1024;

interface TailRecord {
  id: string;
  hash: string;
}

/** The trailing provenance `add` records whose line hint is past `lineCount` (newest last). */
async function unwrittenCandidates(provFile: string, lineCount: number): Promise<TailRecord[]> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(provFile, 'r');
  } catch {
    return [];
  }
  let text: string;
  try {
    const { size } = await fh.stat();
    const start = Math.max(0, size - TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    text = buf.toString('utf8');
    if (start > 0) text = text.slice(text.indexOf('\n') + 1);
  } finally {
    await fh.close();
  }
  const out: TailRecord[] = [];
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i].trim();
    if (!line) continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      continue; // a torn line: reported by readProvenance, not ours to judge
    }
    const r = rec as { op?: unknown; id?: unknown; hash?: unknown; lineHint?: unknown };
    if (r.op !== 'add' || typeof r.id !== 'string' || typeof r.hash !== 'string' || typeof r.lineHint !== 'number' || r.lineHint <= lineCount) break;
    out.unshift({ id: r.id, hash: r.hash });
  }
  return out;
}

/** Ids of provenance records written for examples that are not in train.jsonl; retired when `apply`. */
export async function repairUnwrittenTail(trainFile: string, provFile: string, lineCount: number, apply: boolean): Promise<string[]> {
  const cands = await unwrittenCandidates(provFile, lineCount);
  if (!cands.length) return [];
  // Line hints are hints (a hand edit may have removed lines): retire only records whose example is nowhere.
  const present = new Set<string>();
  const scan = await scanJsonlFile(trainFile);
  for (const l of scan.lines) if (!l.blank && !l.problem && l.value && typeof l.value === 'object') present.add(exampleKey(l.value));
  const ids = cands.filter((c) => !present.has(c.hash)).map((c) => c.id);
  if (apply && ids.length) {
    const at = new Date().toISOString();
    await appendLines(
      provFile,
      ids.map((id) => JSON.stringify({ op: 'remove', id, at, reason: 'not-written' })),
    );
  }
  return ids;
}
