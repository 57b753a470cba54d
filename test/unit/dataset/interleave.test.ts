// Deterministic interleavings of two writers on one dataset, one for each cross-process race of issue 14.
// "Process B" is a second DatasetStore opened through a symlink to the same folder: it shares only the files
// (and the on-disk lock), not the in-process queue, exactly like another VS Code window or the CLI. Hooks on
// fs.promises.open and on FileHandle methods pause writer A at the exact point of each race and run B there;
// where the store is correct B cannot get in (it waits for A's lock), so each hook waits for B at most a moment.
import { strict as assert } from 'node:assert';
import { constants as fsConstants, promises as fsp, readFileSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { DatasetStore } from '../../../src/core/dataset/store';
import { tempDir } from './helpers';

type Open = typeof fsp.open;
type Handle = Awaited<ReturnType<Open>>;

const realOpen: Open = fsp.open.bind(fsp);

interface Hooks {
  /** After A opened `file`; `created` when A created it (O_EXCL). */
  afterOpen?: (file: string, created: boolean) => Promise<void>;
  beforeStat?: (file: string, n: number) => Promise<void>;
  afterRead?: (file: string) => Promise<void>;
  beforeWrite?: (file: string, fh: Handle) => Promise<void>;
  /** B's writes: return false to write the buffer yourself. */
  bWrite?: (file: string, write: (b: Buffer) => Promise<unknown>, buf: Buffer) => Promise<boolean>;
}

function install(aDir: string, bDir: string, hooks: Hooks): () => void {
  const stats = new Map<string, number>();
  const patched = async (...args: Parameters<Open>): Promise<Handle> => {
    const file = String(args[0]);
    const flags = args[1];
    const fh = await realOpen(...args);
    const isA = file.startsWith(aDir + path.sep);
    const isB = file.startsWith(bDir + path.sep);
    if (!isA && !isB) return fh;
    const stat = fh.stat.bind(fh);
    const read = fh.read.bind(fh) as (...a: unknown[]) => Promise<unknown>;
    const write = fh.write.bind(fh) as (...a: unknown[]) => Promise<{ bytesWritten: number }>;
    if (isA) {
      (fh as { stat: unknown }).stat = async (...a: unknown[]) => {
        const n = (stats.get(file) ?? 0) + 1;
        stats.set(file, n);
        await hooks.beforeStat?.(file, n);
        return stat(...(a as []));
      };
      (fh as { read: unknown }).read = async (...a: unknown[]) => {
        const r = await read(...a);
        await hooks.afterRead?.(file);
        return r;
      };
      (fh as { write: unknown }).write = async (...a: unknown[]) => {
        await hooks.beforeWrite?.(file, fh);
        return write(...a);
      };
      const created = typeof flags === 'number' && (flags & fsConstants.O_EXCL) !== 0;
      await hooks.afterOpen?.(file, created);
    } else if (hooks.bWrite) {
      (fh as { write: unknown }).write = async (...a: unknown[]) => {
        const buf = a[0] as Buffer;
        if (await hooks.bWrite?.(file, (x) => write(x, 0, x.length), buf)) return write(...a);
        return { bytesWritten: buf.length, buffer: buf };
      };
    }
    return fh;
  };
  (fsp as { open: unknown }).open = patched;
  return () => {
    (fsp as { open: unknown }).open = realOpen;
  };
}

/** B's operation may be held off by A's lock: wait for it, but only a moment. */
function settleOrWait<T>(p: Promise<T>, ms = 300): Promise<void> {
  return Promise.race([p.then(() => undefined), new Promise<void>((r) => setTimeout(r, ms))]);
}

const example = (who: string, i: number) => ({
  user: `Question from ${who} #${i}?`,
  assistant: `Passage written by ${who}, number ${i}.`,
  origin: 'selection' as const,
});

function fileLines(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  assert.ok(text.endsWith('\n'), 'the file ends with a newline');
  return text.slice(0, -1).split('\n');
}

describe('dataset store: two writers, deterministic interleavings', () => {
  let t: ReturnType<typeof tempDir>;
  let a: DatasetStore;
  let bDir: string;
  let uninstall: (() => void) | undefined;
  beforeEach(async () => {
    t = tempDir();
    a = await DatasetStore.create(t.dir, 'shared');
    bDir = path.join(t.dir, 'via-link');
    symlinkSync(a.dir, bDir);
  });
  afterEach(() => {
    uninstall?.();
    uninstall = undefined;
    t.cleanup();
  });

  async function checkBoth(added: { who: string; i: number; line?: number; id: string; provenanceError?: string }[]): Promise<void> {
    const lines = fileLines(a.file('train'));
    assert.equal(lines.filter((l) => !l.trim()).length, 0, `no blank line in train.jsonl:\n${lines.join('\n')}`);
    assert.equal(lines.length, added.length, 'one line per acknowledged add');
    for (const x of added) {
      assert.equal(x.provenanceError, undefined, `${x.who} #${x.i} has provenance`);
      assert.ok(x.line !== undefined, `${x.who} #${x.i} got a line number`);
      assert.match(lines[x.line - 1], new RegExp(`Passage written by ${x.who}, number ${x.i}\\.`), `${x.who} #${x.i} is at the line it was told`);
    }
    const snap = await (await DatasetStore.open(a.dir)).snapshot();
    assert.deepEqual(snap.issues, []);
    assert.deepEqual(snap.examples.map((e) => e.record?.id).sort(), added.map((x) => x.id).sort(), 'every example joined to its own provenance');
  }

  it('race 1: B appends between A creating train.jsonl and A checking its last byte (was EBADF)', async () => {
    const b = await DatasetStore.open(bDir);
    let bAdd: Promise<{ id: string; line?: number; provenanceError?: string }> | undefined;
    uninstall = install(a.dir, bDir, {
      afterOpen: async (file, created) => {
        if (bAdd || !created || !file.endsWith('train.jsonl')) return;
        bAdd = b.add(example('B', 0));
        await settleOrWait(bAdd);
      },
    });
    const ra = await a.add(example('A', 0));
    assert.ok(bAdd, 'the hook ran');
    const rb = await bAdd;
    uninstall();
    await checkBoth([
      { who: 'A', i: 0, ...ra },
      { who: 'B', i: 0, ...rb },
    ]);
  });

  it('race 1 on provenance.jsonl: B appends right after A created it (was an example without provenance)', async () => {
    const b = await DatasetStore.open(bDir);
    let bAdd: Promise<{ id: string; line?: number; provenanceError?: string }> | undefined;
    uninstall = install(a.dir, bDir, {
      afterOpen: async (file, created) => {
        if (bAdd || !created || !file.endsWith('provenance.jsonl')) return;
        bAdd = b.add(example('B', 0));
        await settleOrWait(bAdd);
      },
    });
    const ra = await a.add(example('A', 0));
    assert.ok(bAdd, 'the hook ran');
    const rb = await bAdd;
    uninstall();
    await checkBoth([
      { who: 'A', i: 0, ...ra },
      { who: 'B', i: 0, ...rb },
    ]);
  });

  it('race 2: A checks for a final newline while B is half way through writing its line (was a blank line)', async () => {
    await a.add(example('A', 0));
    const b = await DatasetStore.open(bDir);
    let bAdd: Promise<{ id: string; line?: number; provenanceError?: string }> | undefined;
    let halfWritten!: () => void;
    const half = new Promise<void>((r) => (halfWritten = r));
    let resume!: () => void;
    const resumeB = new Promise<void>((r) => (resume = r));
    uninstall = install(a.dir, bDir, {
      beforeStat: async (file, n) => {
        if (bAdd || n !== 1 || !file.endsWith('train.jsonl')) return;
        bAdd = b.add(example('B', 0));
        await Promise.race([half, settleOrWait(bAdd)]);
      },
      beforeWrite: async (file) => {
        if (!file.endsWith('train.jsonl') || !bAdd) return;
        resume();
        await settleOrWait(bAdd);
      },
      bWrite: async (file, writeRaw, buf) => {
        if (!file.endsWith('train.jsonl')) return true;
        // One write() that another process sees half done: the first half now, the rest once A has looked.
        const cut = Math.floor(buf.length / 2);
        await writeRaw(buf.subarray(0, cut));
        halfWritten();
        await Promise.race([resumeB, new Promise((r) => setTimeout(r, 300))]);
        await writeRaw(buf.subarray(cut));
        return false;
      },
    });
    const ra = await a.add(example('A', 1));
    assert.ok(bAdd, 'the hook ran');
    const rb = await bAdd;
    uninstall();
    const first = (await DatasetStore.open(a.dir)).snapshot();
    const firstId = (await first).examples.find((e) => e.assistant.includes('by A, number 0'))?.record?.id ?? '';
    await checkBoth([
      { who: 'A', i: 0, line: 1, id: firstId },
      { who: 'A', i: 1, ...ra },
      { who: 'B', i: 0, ...rb },
    ]);
  });

  it('race 3: B appends between A writing and A noting the new size (was a wrong line number for every later add)', async () => {
    await a.add(example('A', 0));
    const b = await DatasetStore.open(bDir);
    let bAdd: Promise<{ id: string; line?: number; provenanceError?: string }> | undefined;
    let wrote = false;
    uninstall = install(a.dir, bDir, {
      beforeWrite: async (file) => {
        if (file.endsWith('train.jsonl')) wrote = true;
      },
      beforeStat: async (file) => {
        if (bAdd || !wrote || !file.endsWith('train.jsonl')) return;
        bAdd = b.add(example('B', 0));
        await settleOrWait(bAdd);
      },
    });
    const r1 = await a.add(example('A', 1));
    assert.ok(bAdd, 'the hook ran');
    const rb = await bAdd;
    uninstall();
    const r2 = await a.add(example('A', 2));
    const r3 = await b.add(example('B', 1));
    const snap = await a.snapshot();
    const firstId = snap.examples.find((e) => e.assistant.includes('by A, number 0'))?.record?.id ?? '';
    await checkBoth([
      { who: 'A', i: 0, line: 1, id: firstId },
      { who: 'A', i: 1, ...r1 },
      { who: 'B', i: 0, ...rb },
      { who: 'A', i: 2, ...r2 },
      { who: 'B', i: 1, ...r3 },
    ]);
  });
});
