// Timestamp formatting: RFC 3339 UTC in the two forms upstream emits (protocol docs/protocol/domain.md §2).

/** Entity timestamps: `2025-01-21T12:00:00.000Z` (accepted by every upstream client). */
export function toTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/** Session expiry, refresh expiry and `pong.server_time`: `…+00:00` form (docs/protocol/domain.md §2). */
export function toRfc3339Offset(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '+00:00');
}

/** Parses any RFC 3339 timestamp to epoch milliseconds; NaN when invalid. */
export function parseTimestamp(s: string): number {
  return Date.parse(s);
}

/** Epoch seconds (DynamoDB TTL attribute unit) from epoch milliseconds. */
export function toEpochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** True when an RFC 3339 `expiresAt` is at or before `nowMs` (unparsable counts as expired). */
export function isExpired(expiresAt: string, nowMs: number): boolean {
  const t = parseTimestamp(expiresAt);
  return Number.isNaN(t) || t <= nowMs;
}
