/**
 * Coalesces stream deltas and hands them on at a fixed cadence (a timer on the host, an animation frame
 * in the webview), so a burst of tokens costs one message / one render instead of one per token.
 *
 * Cost per pushed delta is O(1) (an array push); a flush joins the pending pieces once. Nothing is ever
 * dropped or reordered: `flush()` delivers everything pushed so far, and `dispose()` flushes first unless
 * asked not to.
 */

/** Schedules one callback; `cancel` must accept whatever `schedule` returned. */
export interface FlushScheduler {
  schedule(cb: () => void): unknown;
  cancel(handle: unknown): void;
}

/** A `setTimeout` cadence (host side). `ms` = the longest a delta waits before it is sent. */
export function timerScheduler(ms: number): FlushScheduler {
  return {
    schedule: (cb) => setTimeout(cb, ms),
    cancel: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
}

/** Flushes synchronously on every push: for tests and for callers that want no batching. */
export const immediateScheduler: FlushScheduler = {
  schedule: (cb) => {
    cb();
    return undefined;
  },
  cancel: () => undefined,
};

export class DeltaBatcher {
  private pending: string[] = [];
  private pendingChars = 0;
  private handle: unknown;
  private scheduled = false;
  private disposed = false;
  /** Totals, for diagnostics and tests. */
  pushes = 0;
  flushes = 0;

  /**
   * @param onFlush receives the concatenation of every delta since the last flush (never empty).
   * @param maxPendingChars flush early once this many characters wait (bounds message size).
   */
  constructor(
    private readonly onFlush: (text: string) => void,
    private readonly scheduler: FlushScheduler,
    private readonly maxPendingChars = 64 * 1024,
  ) {}

  push(delta: string): void {
    if (this.disposed) throw new Error('DeltaBatcher used after dispose');
    if (!delta) return;
    this.pushes++;
    this.pending.push(delta);
    this.pendingChars += delta.length;
    if (this.pendingChars >= this.maxPendingChars) {
      this.flush();
      return;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      this.handle = this.scheduler.schedule(() => {
        this.scheduled = false;
        this.handle = undefined;
        this.flush();
      });
    }
  }

  /** Characters waiting to be flushed. */
  get size(): number {
    return this.pendingChars;
  }

  /** Deliver everything pending now (no-op when nothing waits). */
  flush(): void {
    if (this.scheduled) {
      this.scheduler.cancel(this.handle);
      this.scheduled = false;
      this.handle = undefined;
    }
    if (this.pending.length === 0) return;
    const text = this.pending.length === 1 ? this.pending[0] : this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    this.flushes++;
    this.onFlush(text);
  }

  /** Stop the cadence; pending deltas are flushed unless `drop` is set. */
  dispose(drop = false): void {
    if (this.disposed) return;
    if (drop) {
      if (this.scheduled) this.scheduler.cancel(this.handle);
      this.scheduled = false;
      this.pending = [];
      this.pendingChars = 0;
    } else {
      this.flush();
    }
    this.disposed = true;
  }
}
