// Audit feature model: the append-only audit entry, its filters and the repository port (docs/protocol/extensions.md §9 "Audit log").
import type { ErrorRows } from '../../kernel/error-rows.js';
import type { Timestamp, Uuid } from '../../kernel/types.js';

/** One audit entry exactly as listed and exported (docs/protocol/extensions.md §9). */
export interface AuditEntry {
  id: string;
  at: Timestamp;
  actor_id: Uuid | null;
  actor_username: string | null;
  /** Dotted action, e.g. `user.ban`, `room.kick`, `message.delete`, `role.grant`, `notice.create`. */
  action: string;
  target_type: 'user' | 'room' | 'message' | 'notice' | 'config' | 'session';
  target_id: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  request_id: string | null;
}

/** Who did it and from where: what every audited service call receives from its adapter. */
export interface AuditContext {
  ip?: string | null;
  request_id?: string | null;
}

/** Filters of `GET /api/v1/admin/audit` (all optional; `before`/`after` are exclusive bounds). */
export interface AuditFilter {
  /** Actor user id or username (case-insensitive). */
  actor?: string;
  action?: string;
  target_id?: string;
  /** RFC 3339. */
  before?: Timestamp;
  after?: Timestamp;
}

/** How long an entry is kept: 365 days, ms (TTL). */
export const AUDIT_RETENTION_MS = 365 * 24 * 60 * 60 * 1000;

/** Audit raises only kernel codes (`validation_failed` for a bad filter). */
export const errors = {} as const satisfies ErrorRows;

/** No client events. */
export type Events = never;

/**
 * The audit log store: **append and read only**. There is deliberately no update or delete method
 * (test/unit/audit/append-only.test.ts greps this port and the store for one); entries leave only
 * by TTL after {@link AUDIT_RETENTION_MS}.
 */
export interface AuditRepository {
  /** Appends one entry (conditional on its key being new). */
  append(entry: AuditEntry): Promise<void>;
  /** Newest first, at most `limit`; `cursor` from a previous page. @throws `validation_failed` on a bad cursor */
  list(
    filter: AuditFilter,
    limit: number,
    cursor?: string,
  ): Promise<{ entries: AuditEntry[]; next_cursor: string | null }>;
}
