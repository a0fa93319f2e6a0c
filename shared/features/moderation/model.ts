// Moderation feature model: bans, system-role changes, their repository ports, the account_banned relay notice and the error rows (docs/protocol/extensions.md §9, §11).
import type { ErrorRows } from '../../kernel/error-rows.js';
import type { SystemRole, Timestamp, Uuid } from '../../kernel/types.js';
import type { AuditEntry } from '../audit/index.js';

/** A system ban as sent on the wire (docs/protocol/extensions.md §9). `expires_at` null = until unbanned. */
export interface Ban {
  user_id: Uuid;
  reason: string;
  banned_by: Uuid;
  created_at: Timestamp;
  expires_at: Timestamp | null;
}

/** Longest ban reason, characters. */
export const MAX_REASON_CHARS = 500;
/** Longest timed ban, minutes (one year). */
export const MAX_BAN_MINUTES = 525_600;

/** Error rows of docs/protocol/extensions.md §11 owned here. */
export const errors = {
  last_admin: { message: 'The last admin cannot be demoted or removed', http: 409 },
  account_banned: { message: 'Account banned', http: 403 },
} as const satisfies ErrorRows;

/** Moderation's client events (room moderation ones join in ../room-moderation). */
export type Events = never;

/**
 * Relay-internal notice `account_banned`: every socket of the user on every relay gets the
 * top-level error `account_banned` and is closed (the `session_revoked` path, docs/adr/005).
 */
export type Notices = { type: 'account_banned'; user_id: Uuid; message: string };

/** Bans and system roles over the single table. */
export interface ModerationRepository {
  /** The live ban of a user (expired ones are absent), strongly consistent. */
  getBan(userId: Uuid): Promise<Ban | null>;
  /** The users among `userIds` with a live ban (one batch read per 100). */
  bannedAmong(userIds: Uuid[]): Promise<Set<Uuid>>;
  /** Live bans, newest first, at most `limit`. */
  listBans(limit: number): Promise<Ban[]>;
  /** Puts (or replaces) the ban and its audit entry in one transaction. @throws `user_not_found` */
  putBan(ban: Ban, audit: AuditEntry): Promise<void>;
  /** Deletes the ban and appends the audit entry in one transaction. @returns false when there was none (nothing written) */
  deleteBan(userId: Uuid, audit: AuditEntry): Promise<boolean>;
  /**
   * Changes a stored role from `from` to `to` with the audit entry in one transaction; the
   * number of admins is kept in a counter item and demoting conditioned on it staying ≥ 1.
   * @throws ConflictError `last_admin`; DomainError `user_not_found` (or the role moved: re-read)
   */
  setRole(userId: Uuid, from: SystemRole, to: SystemRole, audit: AuditEntry): Promise<void>;
  /** Deletes every session of the user. @returns the deleted session ids */
  revokeSessions(userId: Uuid): Promise<Uuid[]>;
}
