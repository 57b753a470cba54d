import { strict as assert } from 'node:assert';
import { DEFAULT_POLICY, FakeClock, PollOutcome, PollScheduler } from '../../../src/core/jobs/scheduler';

const HOUR = 3_600_000;

/** A task whose outcome the test scripts; records the fake time of every call. */
function scripted(next: () => PollOutcome) {
  const calls: number[] = [];
  return { calls, task: (clock: FakeClock) => async () => (calls.push(clock.now()), next()) };
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]);
}

describe('poll scheduler (fake clock)', () => {
  it('makes zero calls when no job is active, whatever the view does', async () => {
    const clock = new FakeClock();
    const s = scripted(() => ({ active: false, changed: false }));
    const sched = new PollScheduler(s.task(clock), clock, DEFAULT_POLICY, () => 0.5);
    sched.setVisible(true);
    sched.setFocused(false);
    sched.setFocused(true);
    sched.setVisible(false);
    sched.setActive(false);
    await clock.advance(24 * HOUR);
    assert.equal(s.calls.length, 0);
    assert.equal(clock.pending, 0);
    assert.equal(sched.nextPollAt, undefined);
  });

  it('stops polling as soon as the last job is terminal', async () => {
    const clock = new FakeClock();
    let n = 0;
    const s = scripted(() => ({ active: ++n < 3, changed: true }));
    const sched = new PollScheduler(s.task(clock), clock, DEFAULT_POLICY, () => 0.5);
    sched.setVisible(true);
    sched.setActive(true);
    await clock.advance(HOUR);
    assert.equal(s.calls.length, 3);
    assert.equal(clock.pending, 0);
  });

  it('polls every 5 s while visible and something changes, backs off geometrically when nothing does', async () => {
    const clock = new FakeClock();
    let changed = true;
    const s = scripted(() => ({ active: true, changed }));
    const sched = new PollScheduler(s.task(clock), clock, DEFAULT_POLICY, () => 0.5); // 0.5 → no jitter
    sched.setVisible(true);
    sched.setActive(true);
    await clock.advance(30_000);
    assert.deepEqual(gaps(s.calls), [5000, 5000, 5000, 5000, 5000]);
    changed = false;
    s.calls.length = 0;
    await clock.advance(10 * 60_000);
    const g = gaps(s.calls);
    assert.deepEqual(g.slice(0, 4), [7500, 11250, 16875, 25312.5]);
    assert.ok(g.every((x) => x <= DEFAULT_POLICY.maxVisibleMs));
    assert.equal(g.at(-1), DEFAULT_POLICY.maxVisibleMs);
    sched.dispose();
  });

  it('keeps a watched job live: progress without a state change caps the interval at 15 s', async () => {
    const clock = new FakeClock();
    const s = scripted(() => ({ active: true, changed: false, progressed: true }));
    const sched = new PollScheduler(s.task(clock), clock, DEFAULT_POLICY, () => 0.5);
    sched.setVisible(true);
    sched.setActive(true);
    await clock.advance(10 * 60_000);
    const g = gaps(s.calls);
    assert.deepEqual(g.slice(0, 3), [7500, 11250, 15000]);
    assert.ok(
      g.slice(2).every((x) => x === DEFAULT_POLICY.progressCapMs),
      String(g),
    );
    sched.dispose();
  });

  it('polls slower while the view is hidden, and resets to fast when it becomes visible', async () => {
    const clock = new FakeClock();
    const s = scripted(() => ({ active: true, changed: true }));
    const sched = new PollScheduler(s.task(clock), clock, DEFAULT_POLICY, () => 0.5);
    sched.setVisible(false);
    sched.setActive(true);
    await clock.advance(120_000);
    assert.ok(
      gaps(s.calls).every((x) => x === 30_000),
      String(gaps(s.calls)),
    );
    const before = s.calls.length;
    sched.setVisible(true);
    await clock.advance(20_000);
    assert.ok(s.calls.length - before >= 3, `visible view should poll at ~5 s (${s.calls.length - before})`);
    sched.dispose();
  });

  it('applies ±20 % jitter', async () => {
    for (const [r, expected] of [
      [0, 4000],
      [1, 6000],
    ] as const) {
      const clock = new FakeClock();
      const s = scripted(() => ({ active: true, changed: true }));
      const sched = new PollScheduler(s.task(clock), clock, DEFAULT_POLICY, () => r);
      sched.setVisible(true);
      sched.setActive(true);
      await clock.advance(20_000);
      assert.ok(
        gaps(s.calls).every((x) => x === expected),
        `${r}: ${gaps(s.calls)}`,
      );
      sched.dispose();
    }
  });

  it('backs off exponentially on errors and resumes the normal pace after a success', async () => {
    const clock = new FakeClock();
    let fail = true;
    const s = scripted(() => (fail ? { active: true, changed: false, error: {} } : { active: true, changed: true }));
    const sched = new PollScheduler(s.task(clock), clock, DEFAULT_POLICY, () => 0.5);
    sched.setVisible(true);
    sched.setActive(true);
    await clock.advance(5 * 60_000);
    const g = gaps(s.calls);
    assert.deepEqual(g.slice(0, 4), [10_000, 20_000, 40_000, 80_000]);
    fail = false;
    await clock.advance(20 * 60_000);
    const after = gaps(s.calls).slice(-3);
    assert.deepEqual(after, [5000, 5000, 5000]);
    sched.dispose();
  });

  it('honours retry-after as a floor (429)', async () => {
    const clock = new FakeClock();
    let first = true;
    const s = scripted(() => {
      if (first) {
        first = false;
        return { active: true, changed: false, error: { retryAfterMs: 90_000 } };
      }
      return { active: true, changed: true };
    });
    const sched = new PollScheduler(s.task(clock), clock, DEFAULT_POLICY, () => 0.5);
    sched.setVisible(true);
    sched.setActive(true);
    await clock.advance(5_000);
    assert.equal(s.calls.length, 1);
    await clock.advance(80_000);
    assert.equal(s.calls.length, 1, 'no call before retry-after elapsed');
    await clock.advance(10_000);
    assert.equal(s.calls.length, 2);
    assert.equal(s.calls[1] - s.calls[0], 90_000);
    sched.dispose();
  });

  it('pauses while the window is unfocused and polls at once on refocus when due', async () => {
    const clock = new FakeClock();
    const s = scripted(() => ({ active: true, changed: true }));
    const sched = new PollScheduler(s.task(clock), clock, DEFAULT_POLICY, () => 0.5);
    sched.setVisible(true);
    sched.setActive(true);
    await clock.advance(5_000);
    assert.equal(s.calls.length, 1);
    sched.setFocused(false);
    await clock.advance(HOUR);
    assert.equal(s.calls.length, 1, 'no polling while unfocused');
    assert.equal(clock.pending, 0);
    sched.setFocused(true);
    await clock.advance(0);
    assert.equal(s.calls.length, 2, 'refocus polls immediately');
    sched.dispose();
  });

  it('counts the calls of an hour: 0 idle, bounded when active', async () => {
    const clock = new FakeClock();
    const s = scripted(() => ({ active: true, changed: false }));
    const sched = new PollScheduler(s.task(clock), clock, DEFAULT_POLICY, () => 0.5);
    sched.setVisible(false);
    sched.setActive(true);
    await clock.advance(HOUR);
    // Hidden, nothing changing: 30 s growing to 5 min → about a dozen polls an hour.
    assert.ok(s.calls.length > 5 && s.calls.length < 25, String(s.calls.length));
    sched.dispose();
  });

  it('shares one in-flight poll between manual refreshes and the timer', async () => {
    const clock = new FakeClock();
    let release!: () => void;
    let calls = 0;
    const sched = new PollScheduler(
      () => {
        calls++;
        return new Promise<PollOutcome>((r) => (release = () => r({ active: false, changed: false })));
      },
      clock,
      DEFAULT_POLICY,
      () => 0.5,
    );
    const a = sched.pollNow();
    const b = sched.pollNow();
    release();
    await Promise.all([a, b]);
    assert.equal(calls, 1);
    assert.equal(clock.pending, 0);
  });
});
