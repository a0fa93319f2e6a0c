// Timestamp formatting: RFC 3339 UTC in the two forms upstream emits (protocol domain.md §2).

/** Entity timestamps: `2025-01-21T12:00:00.000Z` (accepted by every upstream client). */
export function toTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/** Session expiry, refresh expiry and `pong.server_time`: `…+00:00` form (domain.md §2). */
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

/** Session lifetime: 24 h (domain.md §8.1), in milliseconds. */
export const SESSION_TTL_MS = 24 * 60 * 60 * 1000;
/** Invitation lifetime: 7 days (domain.md §8.2), in milliseconds. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
