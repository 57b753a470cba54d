import * as assert from 'node:assert/strict';
import { DeltaBatcher, FlushScheduler, immediateScheduler, timerScheduler } from '../../../src/core/chat/deltaBatcher';

/** A scheduler driven by the test: callbacks run only when `tick()` is called. */
function manualScheduler(): FlushScheduler & { tick(): void; scheduled: number; cancelled: number } {
  let next: (() => void) | undefined;
  const s = {
    scheduled: 0,
    cancelled: 0,
    schedule(cb: () => void) {
      s.scheduled++;
      next = cb;
      return cb;
    },
    cancel(h: unknown) {
      s.cancelled++;
      if (next === h) next = undefined;
    },
    tick() {
      const cb = next;
      next = undefined;
      cb?.();
    },
  };
  return s;
}

describe('chat/DeltaBatcher', () => {
  it('coalesces every delta pushed between two ticks into one flush, in order', () => {
    const out: string[] = [];
    const sched = manualScheduler();
    const b = new DeltaBatcher((t) => out.push(t), sched);
    for (const d of ['Hel', 'lo', ', ', 'world']) b.push(d);
    assert.deepEqual(out, []);
    assert.equal(b.size, 12);
    assert.equal(sched.scheduled, 1, 'one timer for the whole burst');
    sched.tick();
    assert.deepEqual(out, ['Hello, world']);
    b.push('!');
    sched.tick();
    assert.deepEqual(out, ['Hello, world', '!']);
    assert.equal(b.pushes, 5);
    assert.equal(b.flushes, 2);
  });

  it('ignores empty deltas and never flushes an empty string', () => {
    const out: string[] = [];
    const sched = manualScheduler();
    const b = new DeltaBatcher((t) => out.push(t), sched);
    b.push('');
    sched.tick();
    b.flush();
    assert.deepEqual(out, []);
    assert.equal(sched.scheduled, 0);
  });

  it('flush() delivers at once and cancels the pending tick', () => {
    const out: string[] = [];
    const sched = manualScheduler();
    const b = new DeltaBatcher((t) => out.push(t), sched);
    b.push('a');
    b.push('b');
    b.flush();
    assert.deepEqual(out, ['ab']);
    assert.equal(sched.cancelled, 1);
    sched.tick();
    assert.deepEqual(out, ['ab'], 'the cancelled tick does not flush again');
  });

  it('flushes early when the pending size bound is reached', () => {
    const out: string[] = [];
    const sched = manualScheduler();
    const b = new DeltaBatcher((t) => out.push(t), sched, 10);
    b.push('12345');
    b.push('67890');
    assert.deepEqual(out, ['1234567890']);
    b.push('x');
    sched.tick();
    assert.deepEqual(out, ['1234567890', 'x']);
  });

  it('dispose() flushes what is pending; dispose(true) drops it; pushing afterwards throws', () => {
    const out: string[] = [];
    const b = new DeltaBatcher((t) => out.push(t), manualScheduler());
    b.push('kept');
    b.dispose();
    assert.deepEqual(out, ['kept']);
    assert.throws(() => b.push('late'), /after dispose/);
    const out2: string[] = [];
    const b2 = new DeltaBatcher((t) => out2.push(t), manualScheduler());
    b2.push('dropped');
    b2.dispose(true);
    assert.deepEqual(out2, []);
  });

  it('the immediate scheduler flushes on every push', () => {
    const out: string[] = [];
    const b = new DeltaBatcher((t) => out.push(t), immediateScheduler);
    b.push('a');
    b.push('b');
    assert.deepEqual(out, ['a', 'b']);
  });

  it('with a real timer, a burst of 10,000 deltas arrives as a handful of flushes with nothing lost', async () => {
    const out: string[] = [];
    const b = new DeltaBatcher((t) => out.push(t), timerScheduler(5));
    let expected = '';
    for (let i = 0; i < 10_000; i++) {
      const d = `t${i} `;
      expected += d;
      b.push(d);
    }
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(out.join(''), expected);
    assert.ok(out.length <= 3, `expected ≤ 3 flushes, got ${out.length}`);
  });

  it('keeps per-push work flat: pushes do not re-concatenate the pending text', () => {
    // A join per push would make this quadratic; count the flushes and size instead of timing anything.
    let joined = 0;
    const b = new DeltaBatcher((t) => {
      joined += t.length;
    }, manualScheduler());
    for (let i = 0; i < 50_000; i++) b.push('x');
    assert.equal(b.size, 50_000);
    assert.equal(joined, 0, 'nothing was joined before the flush');
    b.flush();
    assert.equal(joined, 50_000);
  });
});
