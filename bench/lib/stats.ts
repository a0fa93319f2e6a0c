// Latency recording for the bench: HDR histograms in microseconds, summarised in milliseconds; a monotonic µs clock.
import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

/** The hdr-histogram-js histogram type, re-exported for the bench modules. */
export type { Histogram };

/** Percentiles of one histogram, in **milliseconds** (count is a plain number of samples). */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Monotonic time in **microseconds** since process start (performance.now based; same clock in the whole process). */
export function nowMicros(): number {
  return performance.now() * 1000;
}

/** A histogram of microsecond values, 1 µs .. 10 min, 3 significant digits. */
export function createHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

/** Records one latency in µs (clamped to >= 1 µs). */
export function recordMicros(h: Histogram, micros: number): void {
  h.recordValue(Math.max(1, Math.round(micros)));
}

const ms = (us: number): number => Math.round(us) / 1000;

/** p50/p90/p99/max/mean of a µs histogram, in ms (zeros for an empty histogram). */
export function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
  return {
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    max: ms(h.maxValue),
    mean: ms(h.mean),
  };
}
