// Far deadlines of many connections (the session_expiring warning) in one relay-wide schedule bucketed by second: one timer in total, not one Node timer (and timer list) per connection.

/** Clock and timer of a {@link DeadlineBuckets} (injectable for tests). */
export interface BucketClock {
  /** Wall clock, ms since the epoch. */
  now(): number;
  /** Starts a repeating, unref'd tick every `ms`; returns its stop function. */
  every(ms: number, tick: () => void): () => void;
}

const SYSTEM: BucketClock = {
  now: () => Date.now(),
  every(ms, tick) {
    const t = setInterval(tick, ms);
    t.unref();
    return () => {
      clearInterval(t);
    };
  },
};

/** Granularity of the schedule, ms: a callback runs at most this much after its deadline. */
export const BUCKET_MS = 1000;

/**
 * Callbacks due at an epoch-ms deadline, kept in per-second buckets (`Map<second, Set>`) and run
 * by one unref'd 1 s tick that exists only while something is scheduled (issue 16, memory per
 * connection: a Node `setTimeout` per connection with a unique delay costs a Timeout, a closure
 * and a TimersList each). A callback runs once, up to {@link BUCKET_MS} late, never early; a
 * deadline already past runs on the next tick. Any distance works (no 24.8-day setTimeout limit).
 */
export class DeadlineBuckets {
  private readonly buckets = new Map<number, Set<() => void>>();
  private stopTick: (() => void) | undefined;
  /** Last second whose bucket was run. */
  private done = 0;

  constructor(private readonly clock: BucketClock = SYSTEM) {}

  /** Number of pending callbacks. */
  get size(): number {
    let n = 0;
    for (const b of this.buckets.values()) n += b.size;
    return n;
  }

  /**
   * Schedules `fn` for `atMs` (epoch ms).
   * @returns a cancel function (idempotent; a no-op once `fn` ran)
   */
  at(atMs: number, fn: () => void): () => void {
    if (this.stopTick === undefined) this.done = Math.floor(this.clock.now() / BUCKET_MS);
    // Never into a second already run: a past deadline goes to the next tick.
    const second = Math.max(Math.ceil(atMs / BUCKET_MS), this.done + 1);
    let bucket = this.buckets.get(second);
    if (bucket === undefined) {
      bucket = new Set();
      this.buckets.set(second, bucket);
    }
    // A fresh wrapper per call, so the same fn scheduled twice is two entries.
    const entry = (): void => {
      fn();
    };
    bucket.add(entry);
    if (this.stopTick === undefined) {
      this.stopTick = this.clock.every(BUCKET_MS, () => {
        this.tick();
      });
    }
    return () => {
      const b = this.buckets.get(second);
      if (b === undefined || !b.delete(entry)) return;
      if (b.size === 0) this.buckets.delete(second);
      this.stopIfEmpty();
    };
  }

  /** Runs every bucket up to the current second (called by the tick; public for tests). */
  tick(): void {
    const nowSecond = Math.floor(this.clock.now() / BUCKET_MS);
    const due: number[] = [];
    // After a long stall walk the keys, not every second in between.
    if (nowSecond - this.done > this.buckets.size) {
      for (const s of this.buckets.keys()) if (s <= nowSecond) due.push(s);
      due.sort((a, b) => a - b);
    } else {
      for (let s = this.done + 1; s <= nowSecond; s++) if (this.buckets.has(s)) due.push(s);
    }
    this.done = nowSecond;
    for (const s of due) {
      const bucket = this.buckets.get(s);
      this.buckets.delete(s);
      for (const fn of bucket ?? []) fn();
    }
    this.stopIfEmpty();
  }

  private stopIfEmpty(): void {
    if (this.buckets.size === 0 && this.stopTick !== undefined) {
      this.stopTick();
      this.stopTick = undefined;
    }
  }
}

/** The relay-wide schedule the connections share. */
export const sharedDeadlines = new DeadlineBuckets();
