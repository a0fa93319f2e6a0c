// Retention feature model: limits of `settings.retention_days`, the server default and the cutoff rule (docs/protocol/extensions.md §5).
import type { ErrorRows } from '../../kernel/error-rows.js';

/** The retention feature adds no error code (bad values are `validation_failed`). */
export const errors = {} as const satisfies ErrorRows;

/** No client events. */
export type Events = never;

/** Valid `retention_days` (extensions.md §5: 1–3650; null = keep forever). */
export const RETENTION_LIMITS = { minDays: 1, maxDays: 3650 } as const;

/** One day, ms. */
export const DAY_MS = 86_400_000;

/**
 * The retention that applies to a conversation: the room's own `retention_days` when set, else the
 * server default (`LAIR_RETENTION_DEFAULT_DAYS`, also the DMs' policy); null = forever.
 */
export function effectiveDays(
  roomDays: number | null | undefined,
  defaultDays: number | null,
): number | null {
  return roomDays ?? defaultDays;
}

/** Oldest `created_at` still visible (epoch ms) under `days` at `nowMs`; null when kept forever. */
export function cutoffMs(days: number | null, nowMs: number): number | null {
  return days === null ? null : nowMs - days * DAY_MS;
}

/** TTL value (epoch **seconds**) of a message created at `createdAtMs` under `days`; undefined when kept forever. */
export function expiresAtFor(createdAtMs: number, days: number | null): number | undefined {
  return days === null ? undefined : Math.ceil((createdAtMs + days * DAY_MS) / 1000);
}

/** Answers "what is the retention of this conversation" (rooms: META read; DMs: the default). */
export interface RetentionPolicy {
  /** Days for `conversation` (a room id or `DM#…` key); null = forever. */
  daysFor(conversation: string): Promise<number | null>;
  /** {@link cutoffMs} of {@link daysFor} at the policy's clock. */
  cutoffFor(conversation: string): Promise<number | null>;
}
