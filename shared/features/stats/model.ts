// Stats feature model: each relay's live report, the per-day usage counters and their repository port (docs/protocol/extensions.md §9 "Admin management").
import type { ErrorRows } from '../../kernel/error-rows.js';
import type { Timestamp } from '../../kernel/types.js';

/** What one relay reports about itself every few seconds (docs/protocol/extensions.md §9 `stats/live`). */
export interface RelayReport {
  relay_id: string;
  /** Authenticated TCP + WS connections now. */
  connections: number;
  /** Successful `send_message`s per second, averaged over the last 60 s. */
  messages_per_s: number;
  /** Failed command responses per second, averaged over the last 60 s. */
  errors_per_s: number;
  /** Resident set size, bytes. */
  rss_bytes: number;
  /** Process CPU (user + system) since the previous report, percent of one core. */
  cpu_percent: number;
  /** When the report was made. */
  at: Timestamp;
}

/** `GET /api/v1/admin/stats/live` body: every live relay plus the totals. */
export interface LiveStats {
  relays: RelayReport[];
  totals: { relays: number; connections: number; messages_per_s: number; errors_per_s: number };
  at: Timestamp;
}

/** The counters the stream consumer keeps per UTC day. */
export const USAGE_COUNTERS = ['messages', 'new_users', 'rooms_created', 'invitations_sent'] as const;
/** One counter name. */
export type UsageCounter = (typeof USAGE_COUNTERS)[number];

/** One day of `GET /api/v1/admin/stats/usage`. `day` is `YYYY-MM-DD` (UTC). */
export interface UsageDay {
  day: string;
  active_users: number;
  new_users: number;
  messages: number;
  rooms_created: number;
  invitations_sent: number;
}

/** A relay report is considered gone after this long without a new one, ms. */
export const RELAY_REPORT_TTL_MS = 15_000;

/** Stats raise only kernel codes (`validation_failed` for bad dates, `permission_denied`). */
export const errors = {} as const satisfies ErrorRows;

/** No client events. */
export type Events = never;

/** Relay reports and usage counters. */
export interface StatsRepository {
  /** Stores (replaces) one relay's report, expiring after {@link RELAY_REPORT_TTL_MS}. */
  putRelayReport(report: RelayReport): Promise<void>;
  /** Every relay report younger than {@link RELAY_REPORT_TTL_MS}. */
  listRelayReports(): Promise<RelayReport[]>;
  /**
   * Counts one table change once (idempotent: a marker keyed by `changeKey` is written in the same
   * transaction as the increment, so a redelivered record counts nothing). `activeUser` joins the
   * day's active-user set. @returns false when this change was already counted
   */
  countOnce(
    day: string,
    changeKey: string,
    counter: UsageCounter | null,
    activeUser: string | null,
  ): Promise<boolean>;
  /** Days from `from` to `to` inclusive (`YYYY-MM-DD`); days without counters are zeros. */
  usage(from: string, to: string): Promise<UsageDay[]>;
}
