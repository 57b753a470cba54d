// Real child processes appending to one dataset, and the tally the issue asks for (written, acknowledged,
// found, lost, duplicated, blank lines, wrong line numbers, without provenance). Used by the multi-process
// and crash tests and by `figures.ts` (the numbers in docs/dataset.md).
import { spawn, ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DatasetStore } from '../../../../src/core/dataset/store';
import { exampleKey } from '../../../../src/core/dataset/hash';

export interface Ack {
  id: string;
  line?: number;
  hash: string;
  n: number;
  provenanceError?: string;
}

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const WRITER = path.join(__dirname, '..', 'fixtures', 'add-writer.ts');

/** Start one writer; `onAck` sees each acknowledged add as it arrives. */
export function startWriter(
  dir: string,
  tag: string,
  count: number,
  onAck: (a: Ack) => void,
  lockStaleMs?: number,
): { child: ChildProcess; done: Promise<number | null> } {
  const args = ['--import', 'tsx', WRITER, dir, tag, String(count), ...(lockStaleMs ? [String(lockStaleMs)] : [])];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let buf = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    for (const p of parts) if (p) onAck(JSON.parse(p) as Ack);
  });
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<number | null>((resolve, reject) => {
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`writer ${tag} exited ${code ?? signal}: ${err}`));
      else resolve(code);
    });
  });
  return { child, done };
}

export interface Tally {
  /** Non-blank lines in train.jsonl. */
  written: number;
  acknowledged: number;
  /** Acknowledged adds found in train.jsonl. */
  found: number;
  lost: number;
  /** Lines whose example appears more than once (every example written is distinct). */
  duplicated: number;
  blankLines: number;
  /** Acknowledged adds whose returned line does not hold their example. */
  wrongLineNumbers: number;
  /** Acknowledged adds without their provenance record (joined by the snapshot, by id). */
  withoutProvenance: number;
  /** Examples in train.jsonl (acknowledged or not) that no provenance record joins. */
  examplesWithoutProvenance: number;
  /** Lines the snapshot reports as torn, corrupt or not chat. */
  badLines: number;
  /** Provenance records of unacknowledged adds retired by `open` (a writer killed between its two writes). */
  repaired: number;
}

export async function tally(dir: string, acks: Ack[]): Promise<Tally> {
  const text = readFileSync(path.join(dir, 'train.jsonl'), 'utf8');
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const keys = lines.map((l) => {
    try {
      return l.trim() ? exampleKey(JSON.parse(l)) : '';
    } catch {
      return '';
    }
  });
  const count = new Map<string, number>();
  for (const k of keys) if (k) count.set(k, (count.get(k) ?? 0) + 1);
  const snap = await (await DatasetStore.open(dir)).snapshot();
  const prov = readFileSync(path.join(dir, 'provenance.jsonl'), 'utf8');
  const joined = new Set(snap.examples.map((e) => e.record?.id).filter((x): x is string => !!x));
  return {
    written: keys.filter((k) => k).length,
    acknowledged: acks.length,
    found: acks.filter((a) => count.has(a.hash)).length,
    lost: acks.filter((a) => !count.has(a.hash)).length,
    duplicated: [...count.values()].filter((n) => n > 1).reduce((s, n) => s + n - 1, 0),
    blankLines: lines.filter((l) => !l.trim()).length,
    wrongLineNumbers: acks.filter((a) => a.line === undefined || keys[a.line - 1] !== a.hash).length,
    withoutProvenance: acks.filter((a) => a.provenanceError || !joined.has(a.id)).length,
    examplesWithoutProvenance: snap.examples.filter((e) => !e.record).length,
    badLines: snap.issues.filter((i) => i.split === 'train').length,
    repaired: prov.split('\n').filter((l) => l.includes('"reason":"not-written"')).length,
  };
}

/** `procs` writers × `adds` each, all at once. */
export async function multiWriterRun(dir: string, procs: number, adds: number): Promise<{ acks: Ack[]; tally: Tally }> {
  const acks: Ack[] = [];
  const runs = Array.from({ length: procs }, (_, p) => startWriter(dir, `p${p}`, adds, (a) => acks.push(a)));
  await Promise.all(runs.map((r) => r.done));
  return { acks, tally: await tally(dir, acks) };
}

/** `kills` rounds: start a writer, SIGKILL it a few acks in, 0–39 ms after an ack (anywhere inside the next add). */
export async function killRun(dir: string, kills: number, lockStaleMs: number): Promise<{ acks: Ack[]; tally: Tally }> {
  const acks: Ack[] = [];
  for (let k = 0; k < kills; k++) {
    const after = 3 + ((k * 7) % 23);
    const delayMs = (k * 17) % 40;
    let seen = 0;
    const w = startWriter(
      dir,
      `k${k}`,
      0,
      (a) => {
        acks.push(a);
        if (++seen === after) setTimeout(() => w.child.kill('SIGKILL'), delayMs);
      },
      lockStaleMs,
    );
    await w.done;
  }
  return { acks, tally: await tally(dir, acks) };
}
