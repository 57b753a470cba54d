import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, promises as fsp, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { appendDurable, LOCK_NAME, removeStaleTemps, withFileLock, writeFileDurable } from '../../../src/core/fs/durable';
import { ManifestStore, type JobManifest } from '../../../src/core/jobs/manifest';

type Open = typeof fsp.open;
const realOpen: Open = fsp.open.bind(fsp);

/** Record every fsync (by path) made through fs.promises file handles while `fn` runs. */
async function syncs(fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  (fsp as { open: unknown }).open = async (...args: Parameters<Open>) => {
    const fh = await realOpen(...args);
    const sync = fh.sync.bind(fh);
    (fh as { sync: unknown }).sync = async () => {
      seen.push(String(args[0]));
      return sync();
    };
    return fh;
  };
  try {
    await fn();
  } finally {
    (fsp as { open: unknown }).open = realOpen;
  }
  return seen;
}

describe('core/fs/durable', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'socratune-durable-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writeFileDurable: temp file fsynced, renamed over the target, folder fsynced; no temp left; mode kept', async () => {
    const file = path.join(dir, 'a.json');
    writeFileSync(file, 'old', { mode: 0o600 });
    const seen = await syncs(() => writeFileDurable(file, 'new'));
    assert.equal(readFileSync(file, 'utf8'), 'new');
    assert.equal(seen.length, 2);
    assert.match(path.basename(seen[0]), /^\.a\.json\.\d+\.[a-z0-9]+\.tmp$/, 'the temp file is synced before the rename');
    assert.equal(seen[1], dir, 'then the folder');
    assert.deepEqual(readdirSync(dir), ['a.json']);
    assert.equal((await fsp.stat(file)).mode & 0o777, 0o600);
  });

  it('appendDurable: one fsynced write; the folder is fsynced when the file is new; a missing final newline is added first', async () => {
    const file = path.join(dir, 'log.jsonl');
    const first = await syncs(() => appendDurable(file, ['{"a":1}']));
    assert.deepEqual(first, [file, dir]);
    writeFileSync(file, '{"a":1}\n{"torn"', { flag: 'w' });
    const r = await appendDurable(file, ['{"b":2}', '{"c":3}\n']);
    assert.equal(r.prefixedNewline, true);
    assert.equal(readFileSync(file, 'utf8'), '{"a":1}\n{"torn"\n{"b":2}\n{"c":3}\n');
    const again = await syncs(() => appendDurable(file, ['{"d":4}']));
    assert.deepEqual(again, [file]);
  });

  it('job manifests are written through it (were renamed without any fsync)', async () => {
    const store = new ManifestStore(path.join(dir, 'manifests'));
    const m: JobManifest = {
      version: 1,
      jobId: 'ftjob-1',
      createdAt: '2026-12-03T00:00:00Z',
      backend: { kind: 'emulator', label: 'Socratune emulator', baseURL: 'http://127.0.0.1:1/v1' },
      dataset: { name: 'j', folder: '/ws/.socratune/datasets/j', sha256: 'c'.repeat(64) },
      files: { training: { path: '/ws/t.jsonl', sha256: 'd'.repeat(64), bytes: 10, fileId: 'file-1', filename: 't.jsonl', reused: false } },
      baseModel: 'gpt-4.1-mini',
      method: 'supervised',
      hyperparameters: {},
      metadata: {},
    };
    const seen = await syncs(() => store.save(m));
    assert.equal(seen.length, 2, `fsyncs: ${seen.join(', ')}`);
    assert.equal(seen[1], path.join(dir, 'manifests'));
    assert.equal((await store.load('ftjob-1'))?.jobId, 'ftjob-1');
    assert.deepEqual(readdirSync(path.join(dir, 'manifests')), ['ftjob-1.json']);
  });

  it('withFileLock: holders run one at a time, across store objects and event-loop turns', async () => {
    let inside = 0;
    let max = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        withFileLock(dir, async () => {
          inside++;
          max = Math.max(max, inside);
          await new Promise((r) => setTimeout(r, 5));
          order.push(i);
          inside--;
        }),
      ),
    );
    assert.equal(max, 1);
    assert.equal(order.length, 6);
    assert.deepEqual(readdirSync(dir), [], 'the lock is released');
  });

  it('withFileLock: a lock left by a dead process is taken over once stale; a live one makes the waiter give up with a clear message', async () => {
    const lock = path.join(dir, LOCK_NAME);
    mkdirSync(lock);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    assert.equal(await withFileLock(dir, async () => 'ran', { staleMs: 2000 }), 'ran');
    mkdirSync(lock);
    await assert.rejects(
      withFileLock(dir, async () => 'never', { staleMs: 60_000, waitMs: 200 }),
      /Another Socratune window or process has held .*\.socratune\.lock/,
    );
  });

  it('removeStaleTemps removes temp files of dead pids and old ones, not those of live writers nor other files', async () => {
    writeFileSync(path.join(dir, '.a.json.999999999.abc.tmp'), '');
    writeFileSync(path.join(dir, `.a.json.${process.pid}.def.tmp`), '');
    writeFileSync(path.join(dir, `.b.json.${process.pid}.old.tmp`), '');
    const old = new Date(Date.now() - 2 * 3600_000);
    utimesSync(path.join(dir, `.b.json.${process.pid}.old.tmp`), old, old);
    writeFileSync(path.join(dir, 'notes.tmp'), '');
    writeFileSync(path.join(dir, 'a.json'), '');
    const removed = await removeStaleTemps(dir);
    assert.deepEqual(removed.sort(), ['.a.json.999999999.abc.tmp', `.b.json.${process.pid}.old.tmp`]);
    assert.deepEqual(readdirSync(dir).sort(), [`.a.json.${process.pid}.def.tmp`, 'a.json', 'notes.tmp']);
  });
});
