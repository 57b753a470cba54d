/**
 * The emulator's clock. Time runs like the wall clock (timestamps in responses are real Unix times, so an
 * `estimated_finish` means what it says), but simulated work (validating files, queueing, training steps)
 * lasts its realistic duration divided by `timeScale`. Tests can also jump ahead with `advance()`.
 */
export class Clock {
  private offsetMs = 0;

  constructor(
    /** How many times faster than real OpenAI the simulated work runs. */
    readonly timeScale: number,
    private readonly wall: () => number = Date.now,
  ) {
    if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new RangeError(`timeScale must be a positive number, got ${timeScale}`);
  }

  /** Milliseconds since the Unix epoch, emulator time. */
  now(): number {
    return this.wall() + this.offsetMs;
  }

  /** Unix seconds, as OpenAI's `created_at` fields. */
  seconds(ms = this.now()): number {
    return Math.floor(ms / 1000);
  }

  /** Converts a simulated OpenAI duration (seconds) into emulator milliseconds. */
  scaled(simulatedSeconds: number): number {
    return (simulatedSeconds * 1000) / this.timeScale;
  }

  /** Moves emulator time forward (tests, demos). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('advance() takes a non-negative number of milliseconds');
    this.offsetMs += ms;
  }

  get offset(): number {
    return this.offsetMs;
  }

  restoreOffset(ms: number): void {
    this.offsetMs = Math.max(this.offsetMs, ms);
  }
}
