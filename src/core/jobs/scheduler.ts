/**
 * When to poll fine-tune jobs. Rules:
 * - Poll only while some job is not terminal: with nothing active there is no timer at all (0 calls).
 * - Visible view: start at `visibleMs`; hidden view: start at `hiddenMs`. While polls see no change the
 *   interval grows geometrically (capped), and resets when something changes.
 * - Errors back off exponentially (capped); a server `retry-after` is a floor.
 * - Every delay gets ±jitter so several windows don't poll in lockstep.
 * - Window unfocused: paused (no timer); refocus polls at once if a poll is due.
 * Time comes from an injected `Clock`, so tests and benchmarks run hours in milliseconds.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface PollPolicy {
  readonly visibleMs: number;
  readonly hiddenMs: number;
  readonly maxVisibleMs: number;
  readonly maxHiddenMs: number;
  /** Interval multiplier per poll that saw no change. */
  readonly growth: number;
  readonly errorBaseMs: number;
  readonly errorMaxMs: number;
  /** Fraction: delay × (1 ± jitter). */
  readonly jitter: number;
  /**
   * While watched jobs report progress (new events, checkpoints) but no state change, the interval still
   * grows, but not beyond this (a live chart stays live).
   */
  readonly progressCapMs: number;
}

export const DEFAULT_POLICY: PollPolicy = {
  visibleMs: 5_000,
  hiddenMs: 30_000,
  maxVisibleMs: 60_000,
  maxHiddenMs: 300_000,
  growth: 1.5,
  errorBaseMs: 10_000,
  errorMaxMs: 600_000,
  jitter: 0.2,
  progressCapMs: 15_000,
};

export interface PollOutcome {
  /** Some job is still not terminal after this poll. */
  readonly active: boolean;
  /** A job's state changed (status, model, tokens, error…): polling returns to its fastest pace. */
  readonly changed: boolean;
  /** Watched jobs made progress (new events or checkpoints) without a state change. */
  readonly progressed?: boolean;
  /** Set when the poll failed; the last good state is kept by the caller. */
  readonly error?: { readonly retryAfterMs?: number };
}

export type PollTask = () => Promise<PollOutcome>;

export class PollScheduler {
  private timer: unknown;
  private nextAt: number | undefined;
  private lastPollAt: number;
  private active = false;
  private visible = false;
  private focused = true;
  private idleStreak = 0;
  private progressed = false;
  private errorStreak = 0;
  private retryUntil = 0;
  private running: Promise<void> | undefined;
  private disposed = false;
  private polls = 0;

  constructor(
    private readonly task: PollTask,
    private readonly clock: Clock = realClock,
    private readonly policy: PollPolicy = DEFAULT_POLICY,
    private readonly random: () => number = Math.random,
  ) {
    this.lastPollAt = clock.now();
  }

  /** Number of polls run so far (for benchmarks and tests). */
  get pollCount(): number {
    return this.polls;
  }

  /** When the next poll is due, or undefined when none is scheduled (idle, unfocused, disposed). */
  get nextPollAt(): number | undefined {
    return this.nextAt;
  }

  get isActive(): boolean {
    return this.active;
  }

  /** The view became visible/hidden. Becoming visible is a sign of interest: the idle backoff resets. */
  setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    if (visible) this.idleStreak = 0;
    this.schedule();
  }

  setFocused(focused: boolean): void {
    if (focused === this.focused) return;
    this.focused = focused;
    this.schedule();
  }

  /**
   * Tell the scheduler whether jobs are active after a refresh that did not come from it (first load,
   * "Load more", a job created by the wizard). `true` starts polling soon, `false` stops it.
   */
  setActive(active: boolean, opts: { soon?: boolean } = {}): void {
    const wasActive = this.active;
    if (active === wasActive && !opts.soon) return;
    this.active = active;
    if (active && (!wasActive || opts.soon)) {
      this.idleStreak = 0;
      if (opts.soon) this.lastPollAt = this.clock.now() - this.baseDelay();
    }
    this.schedule();
  }

  /** Resolves when no poll is in flight (tests and benchmarks settle on it). */
  whenIdle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** Poll now (manual refresh), then continue on schedule. Concurrent calls share one poll. */
  pollNow(): Promise<void> {
    return this.run();
  }

  /** Delay from the last poll to the next one, without jitter. */
  private baseDelay(): number {
    const p = this.policy;
    if (this.errorStreak > 0) {
      const backoff = Math.min(p.errorMaxMs, p.errorBaseMs * 2 ** (this.errorStreak - 1));
      return backoff;
    }
    const start = this.visible ? p.visibleMs : p.hiddenMs;
    const cap = this.visible ? p.maxVisibleMs : p.maxHiddenMs;
    const grown = Math.min(cap, start * p.growth ** this.idleStreak);
    return this.progressed ? Math.min(grown, Math.max(start, p.progressCapMs)) : grown;
  }

  private jittered(ms: number): number {
    const j = this.policy.jitter;
    return ms * (1 - j + 2 * j * this.random());
  }

  private schedule(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.nextAt = undefined;
    if (this.disposed || !this.active || !this.focused || this.running) return;
    const now = this.clock.now();
    let at = this.lastPollAt + this.jittered(this.baseDelay());
    if (this.retryUntil > at) at = this.retryUntil;
    const delay = Math.max(0, at - now);
    this.nextAt = now + delay;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, delay);
  }

  private run(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.running) return this.running;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.nextAt = undefined;
    this.running = (async () => {
      this.polls++;
      let outcome: PollOutcome;
      try {
        outcome = await this.task();
      } catch {
        outcome = { active: this.active, changed: false, error: {} };
      }
      this.lastPollAt = this.clock.now();
      if (outcome.error) {
        this.errorStreak++;
        const ra = outcome.error.retryAfterMs;
        this.retryUntil = ra !== undefined ? this.lastPollAt + ra : 0;
        // On failure the job states are unknown: keep polling if they were active.
        this.active = this.active || outcome.active;
      } else {
        this.errorStreak = 0;
        this.retryUntil = 0;
        this.idleStreak = outcome.changed ? 0 : this.idleStreak + 1;
        this.progressed = outcome.progressed === true;
        this.active = outcome.active;
      }
    })().finally(() => {
      this.running = undefined;
      this.schedule();
    });
    return this.running;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.nextAt = undefined;
  }
}

/** A manually advanced clock for tests and benchmarks. */
export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = Date.UTC(2026, 10, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Advance time, firing due timers in order and awaiting the async work they start. */
  async advance(ms: number, settle: () => Promise<void> = () => new Promise((r) => setImmediate(r))): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      let nextId: number | undefined;
      let next: { at: number; fn: () => void } | undefined;
      for (const [id, tm] of this.timers) if (tm.at <= end && (!next || tm.at < next.at)) [nextId, next] = [id, tm];
      if (!next || nextId === undefined) break;
      this.timers.delete(nextId);
      this.t = Math.max(this.t, next.at);
      next.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}
