// Invitation statistics arithmetic: response-time histogram buckets and the median estimator (docs/protocol/extensions.md §6.2 `median_response_seconds`).
import type { InvitationStats } from './model.js';

/** Buckets per doubling of the response time: 4 ⇒ each bucket spans a factor 2^(1/4) ≈ 1.19. */
export const BUCKETS_PER_OCTAVE = 4;

/**
 * The histogram bucket of a response time: `floor(4 · log2(max(1, seconds)))`, so bucket `b`
 * holds times in `[2^(b/4), 2^((b+1)/4))` seconds (bucket 0 also holds everything under 1 s).
 * @param seconds - creation to answer, seconds (≥ 0)
 */
export function responseBucket(seconds: number): number {
  return Math.max(0, Math.floor(BUCKETS_PER_OCTAVE * Math.log2(Math.max(1, seconds))));
}

/**
 * Median response time estimated from the bucket counts (`histogram[b]` = answers in bucket `b`).
 *
 * Estimator: the counters cannot keep every sample (they must survive TTL deletion of the records
 * and be updated with one `ADD`), so the answers are kept as a log-spaced histogram. The median
 * rank is `(n - 1) / 2` (0-based; the mean of the two middle ranks for even `n`); we walk the
 * buckets in order to the bucket holding that rank and interpolate geometrically inside it
 * (`2^((b + f)/4)`, `f` = the rank's fraction into the bucket, assuming answers spread evenly in
 * log time). The result is within one bucket of the exact median, i.e. a relative error of at
 * most 2^(1/4) − 1 ≈ 19 %, whatever the number of answers; exact medians are not kept.
 * @returns seconds (rounded to 0.1 s), or `null` with no answers
 */
export function estimateMedian(histogram: ReadonlyMap<number, number>): number | null {
  const buckets = [...histogram.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return null;
  const at = (rank: number): number => {
    let seen = 0;
    for (const [b, n] of buckets) {
      if (rank < seen + n) {
        const f = (rank - seen + 0.5) / n;
        return b === 0 ? Math.pow(2, f / BUCKETS_PER_OCTAVE) : Math.pow(2, (b + f) / BUCKETS_PER_OCTAVE);
      }
      seen += n;
    }
    return Math.pow(2, ((buckets.at(-1)?.[0] ?? 0) + 1) / BUCKETS_PER_OCTAVE);
  };
  const lo = Math.floor((total - 1) / 2);
  const hi = Math.ceil((total - 1) / 2);
  return Math.round(((at(lo) + at(hi)) / 2) * 10) / 10;
}

/** The raw counters of one scope as stored. */
export interface StatsCounters {
  sent: number;
  accepted: number;
  declined: number;
  expired: number;
  cancelled: number;
  histogram: Map<number, number>;
}

/**
 * The wire stats from counters: `pending = sent − answered`, `acceptance_rate` = accepted over all
 * terminal outcomes (0 with none, 3 decimals).
 */
export function toStats(c: StatsCounters): InvitationStats {
  const closed = c.accepted + c.declined + c.expired + c.cancelled;
  return {
    sent: c.sent,
    pending: Math.max(0, c.sent - closed),
    accepted: c.accepted,
    declined: c.declined,
    expired: c.expired,
    cancelled: c.cancelled,
    acceptance_rate: closed === 0 ? 0 : Math.round((c.accepted / closed) * 1000) / 1000,
    median_response_seconds: estimateMedian(c.histogram),
  };
}
