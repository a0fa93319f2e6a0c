// DeadlineBuckets (relay/connection/deadline-buckets.ts): callbacks run once, never early, at most one bucket late, cancellable; one tick only while something is pending.
import { BUCKET_MS, DeadlineBuckets, type BucketClock } from '../../../relay/connection/deadline-buckets.js';

/** A manual clock: `advance` moves time; ticks are driven by hand through `tick()`. */
function manualClock(startMs: number): BucketClock & { t: number; ticking: number } {
  const c = {
    t: startMs,
    ticking: 0,
    now: () => c.t,
    every: () => {
      c.ticking += 1;
      return () => {
        c.ticking -= 1;
      };
    },
  };
  return c;
}

describe('DeadlineBuckets', () => {
  it('runs a callback on the first tick at or after its deadline, once', () => {
    const clock = manualClock(1_000_000);
    const d = new DeadlineBuckets(clock);
    const ran: number[] = [];
    d.at(1_002_500, () => ran.push(clock.t));
    for (const t of [1_001_000, 1_002_000, 1_002_400]) {
      clock.t = t;
      d.tick();
    }
    expect(ran).toEqual([]);
    clock.t = 1_003_000;
    d.tick();
    clock.t = 1_004_000;
    d.tick();
    expect(ran).toEqual([1_003_000]);
    expect(ran[0]! - 1_002_500).toBeLessThanOrEqual(BUCKET_MS);
  });

  it('runs a deadline already past on the next tick, not in the caller', () => {
    const clock = manualClock(5_000_000);
    const d = new DeadlineBuckets(clock);
    let ran = 0;
    d.at(4_000_000, () => (ran += 1));
    expect(ran).toBe(0);
    clock.t += BUCKET_MS;
    d.tick();
    expect(ran).toBe(1);
  });

  it('cancels, and a cancel after the run is a no-op', () => {
    const clock = manualClock(0);
    const d = new DeadlineBuckets(clock);
    const ran: string[] = [];
    const cancelA = d.at(2_000, () => ran.push('a'));
    const cancelB = d.at(2_000, () => ran.push('b'));
    cancelA();
    cancelA();
    clock.t = 3_000;
    d.tick();
    cancelB();
    expect(ran).toEqual(['b']);
    expect(d.size).toBe(0);
  });

  it('holds one tick while anything is pending and none when empty', () => {
    const clock = manualClock(0);
    const d = new DeadlineBuckets(clock);
    expect(clock.ticking).toBe(0);
    const cancel = d.at(60_000, () => undefined);
    d.at(30 * 24 * 3600_000, () => undefined); // beyond setTimeout's 24.8 days
    expect(clock.ticking).toBe(1);
    cancel();
    expect(clock.ticking).toBe(1);
    clock.t = 30 * 24 * 3600_000 + 1;
    d.tick(); // after a long stall: walks the pending keys
    expect(d.size).toBe(0);
    expect(clock.ticking).toBe(0);
  });

  it('runs the buckets of a stall in deadline order', () => {
    const clock = manualClock(0);
    const d = new DeadlineBuckets(clock);
    const ran: number[] = [];
    for (const at of [9_000, 3_000, 6_000]) d.at(at, () => ran.push(at));
    clock.t = 10_000;
    d.tick();
    expect(ran).toEqual([3_000, 6_000, 9_000]);
  });
});
