// The chat history store under SIGKILL with real child processes (issue 14): every acknowledged turn is there
// after 20 kills, and temp files left by a kill mid-rewrite are removed when the store is next used.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HistoryStore } from '../../../src/core/chat/historyStore';
import type { UserTurn } from '../../../src/core/chat/types';

const ROOT = path.join(__dirname, '..', '..', '..');
const WRITER = path.join(__dirname, 'fixtures', 'history-writer.ts');

async function temps(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of [dir, path.join(dir, 'conversations')]) out.push(...(await fs.readdir(d).catch(() => [])).filter((n) => n.endsWith('.tmp')));
  return out;
}

/** Run one writer and SIGKILL it `delayMs` after its `after`-th acknowledged put. */
function killedRound(dir: string, round: number, after: number, delayMs: number, acks: Map<string, number>): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, String(round)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let buf = '';
  let err = '';
  let seen = 0;
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    for (const p of parts) {
      const a = JSON.parse(p) as { id: string; v: number };
      acks.set(a.id, Math.max(acks.get(a.id) ?? 0, a.v));
      if (++seen === after) setTimeout(() => child.kill('SIGKILL'), delayMs);
    }
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) =>
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited ${code}: ${err}`)))),
  );
}

describe('chat/HistoryStore: real child processes killed mid-write', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'socratune-history-kill-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('20 SIGKILLs: every acknowledged turn survives at its acknowledged version or later, and no temp file is left', async function () {
    this.timeout(180_000);
    const acks = new Map<string, number>();
    let tempsSeen = 0;
    for (let k = 0; k < 20; k++) {
      await killedRound(dir, k, 5 + ((k * 7) % 30), (k * 3) % 10, acks);
      tempsSeen += (await temps(dir)).length;
    }
    const store = new HistoryStore(dir);
    const conv = await store.load('conv_kill');
    assert.ok(conv, 'the conversation is there');
    const byId = new Map(conv.turns.map((t) => [t.id, t as UserTurn]));
    const lost = [...acks].filter(([id, v]) => {
      const t = byId.get(id);
      return !t || Number(/v(\d)$/.exec(t.text)?.[1]) < v;
    });
    assert.deepEqual(lost, [], `${acks.size} acknowledged turns, none lost`);
    await store.list();
    assert.deepEqual(await temps(dir), [], `no temp file left after the store was used (${tempsSeen} seen between kills)`);
    assert.equal((await store.list())[0].turnCount, conv.turns.length, 'the index agrees with the log');
  });

  it('removes temp files of dead writers on first use, and keeps those of a live one', async () => {
    const s1 = new HistoryStore(dir);
    await s1.create({ id: 'c1', title: 'x' });
    const conv = path.join(dir, 'conversations');
    await fs.writeFile(path.join(conv, '.c1.jsonl.999999999.deadbeef.tmp'), 'half');
    await fs.writeFile(path.join(dir, 'index.json.999999998.abc.tmp'), 'half');
    await fs.writeFile(path.join(conv, `.c1.jsonl.${process.pid}.live1234.tmp`), 'being written');
    const s2 = new HistoryStore(dir);
    await s2.list();
    assert.deepEqual((await temps(dir)).sort(), [`.c1.jsonl.${process.pid}.live1234.tmp`]);
    assert.deepEqual(s2.removedTemps.sort(), ['.c1.jsonl.999999999.deadbeef.tmp', 'index.json.999999998.abc.tmp']);
  });
});
