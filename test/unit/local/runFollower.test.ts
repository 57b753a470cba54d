/**
 * Following a run from its log while a stand-in trainer (test/fixtures/trainer-logs/standin-trainer.mjs) replays a
 * real log into it; Cancel stopping the whole process tree; the status the Jobs tree would show.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LogFollower, runStatus } from '../../../src/core/local/runFollower';
import { isAlive, killTree } from '../../../src/core/local/processTree';
import { parseTrainerLog } from '../../../src/core/local/trainerLog';

const fixtures = path.join(__dirname, '../../fixtures/trainer-logs');
const standIn = path.join(fixtures, 'standin-trainer.mjs');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll until `ok`; if it never holds, the mocha timeout fails the test (whose title says what was awaited). */
async function until<T>(get: () => Promise<T> | T, ok: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    await sleep(20);
  }
}

function start(
  fixture: string,
  out: string,
  ...args: string[]
): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, [standIn, path.join(fixtures, fixture), out, ...args], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited };
}

describe('following a local run (stand-in trainer replaying a real log)', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'socratune-run-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the curves grow while the log is written and end equal to the whole log; status succeeded', async () => {
    const log = path.join(dir, 'train.log');
    const follower = new LogFollower(log);
    const { exited } = start('mlx-lm-330-cuda.log', log, '--delay', '3');
    const seen: number[] = [];
    let done = false;
    void exited.then(() => (done = true));
    while (!done) {
      const r = await follower.poll();
      if (seen.at(-1) !== r.train.length) seen.push(r.train.length);
      const s = runStatus(r);
      assert.notEqual(s.state, 'failed');
      await sleep(5);
    }
    const exit = await exited;
    const final = await follower.finish();
    const whole = parseTrainerLog(readFileSync(path.join(fixtures, 'mlx-lm-330-cuda.log'), 'utf8'));
    assert.deepEqual([final.train, final.eval, final.lr], [whole.train, whole.eval, whole.lr]);
    assert.ok(seen.length >= 2, `points were seen growing: ${seen.join(' → ')}`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! > seen[i - 1]!, 'never shrinks');
    const s = runStatus(final, { code: exit.code });
    assert.deepEqual([s.state, s.step, s.total, s.trainLoss, s.evalLoss], ['succeeded', 50, 100, 1.585, 2.936]);
  });

  it('Cancel stops the whole process tree; the run is cancelled with what was logged so far', async () => {
    const log = path.join(dir, 'train.log');
    const follower = new LogFollower(log);
    const { child, exited } = start('mlx-examples-557-mixtral.log', log, '--delay', '2', '--hang');
    await until(
      () => follower.poll(),
      (r) => r.train.length === 11,
    );
    const pids = await until(
      () => (existsSync(`${log}.pids`) ? readFileSync(`${log}.pids`, 'utf8') : ''),
      (t) => t.split('\n').length >= 3,
    );
    const [trainerPid, grandchildPid] = pids.trim().split('\n').map(Number) as [number, number];
    assert.equal(trainerPid, child.pid);
    assert.ok(isAlive(grandchildPid), 'the trainer has a child process');
    assert.equal(killTree(child.pid!), true);
    const exit = await exited;
    assert.equal(exit.signal, 'SIGTERM');
    await until(
      () => isAlive(grandchildPid),
      (alive) => !alive,
    );
    const s = runStatus(await follower.finish(), { code: exit.code, signal: exit.signal, cancelled: true });
    assert.deepEqual([s.state, s.step, s.total, s.message], ['cancelled', 110, 3000, 'cancelled']);
    assert.equal(killTree(child.pid!), false, 'killing a finished tree is a no-op');
  });

  it('a trainer exiting non-zero after a traceback fails with the traceback line', async () => {
    const log = path.join(dir, 'train.log');
    const { exited } = start('hf-llamafactory-4026-traceback.log', log, '--delay', '1', '--exit', '1');
    const exit = await exited;
    const s = runStatus(await new LogFollower(log).finish(), { code: exit.code });
    assert.equal(s.state, 'failed');
    assert.equal(exit.code, 1);
    assert.match(s.message!, /^traceback without an exception line \(the log ends inside it\): train_result = trainer\.train\(.*\) \(log line 9\)$/);
    assert.deepEqual([s.step, s.total], [0, 30]);
  });

  it('after a reload (no exit known): a new follower re-reads the file; crash → failed, total reached → succeeded, else running with an ETA', async () => {
    const log = path.join(dir, 'train.log');
    writeFileSync(log, readFileSync(path.join(fixtures, 'mlx-lm-330-cuda.log'), 'utf8'));
    const running = runStatus(await new LogFollower(log).poll(), undefined, 100);
    assert.deepEqual([running.state, running.step, running.total, running.etaSeconds], ['running', 50, 100, 100]);
    appendFileSync(log, 'Iter 100: Train loss 1.200, Learning Rate 1.000e-05\n');
    assert.equal(runStatus(await new LogFollower(log).poll()).state, 'succeeded');
    writeFileSync(log, readFileSync(path.join(fixtures, 'mlx-examples-841-resume-crash.log'), 'utf8'));
    const failed = runStatus(await new LogFollower(log).poll());
    assert.equal(failed.state, 'failed');
    assert.equal(failed.message, "NameError: name 'resume_adapter_file' is not defined (log line 1)");
  });

  it('a nan loss is reported with its line even when the trainer exits 0', async () => {
    const log = path.join(dir, 'train.log');
    writeFileSync(log, readFileSync(path.join(fixtures, 'hf-vicuna-11-inf-nan.log'), 'utf8'));
    const s = runStatus(await new LogFollower(log).finish(), { code: 0 });
    assert.equal(s.state, 'succeeded');
    assert.match(s.message!, /loss is Infinity at step 2 \(log line 2\): \{'loss': inf/);
  });

  it('a truncated log (the run started over) is read again from the start; a missing log is empty', async () => {
    const log = path.join(dir, 'train.log');
    const f = new LogFollower(log);
    assert.deepEqual((await f.poll()).train, []);
    writeFileSync(log, readFileSync(path.join(fixtures, 'mlx-examples-557-mixtral.log'), 'utf8'));
    assert.equal((await f.poll()).train.length, 11);
    writeFileSync(log, 'Iter 10: Train loss 2.000\n');
    assert.deepEqual((await f.poll()).train, [{ step: 10, loss: 2 }]);
  });
});
