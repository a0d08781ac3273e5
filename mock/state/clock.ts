/**
 * The mock's notion of "now". Every expiry and timestamp reads this clock, so `/_mock/clock` can move
 * time forward and a 2-hour token can expire on demand.
 */

/** A source of the current time in epoch milliseconds. */
export interface Clock {
  now(): number;
}

/** A clock that follows a base clock (the system's by default) plus an offset that only grows. */
export class AdjustableClock implements Clock {
  private offsetMs = 0;

  constructor(private readonly base: () => number = Date.now) {}

  now(): number {
    return this.base() + this.offsetMs;
  }

  /** Moves time forward by `seconds` (fractions allowed). */
  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`cannot advance the clock by ${seconds} s`);
    this.offsetMs += seconds * 1000;
  }

  /** How far ahead of the base clock this clock runs, in seconds. */
  get offsetSeconds(): number {
    return this.offsetMs / 1000;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
