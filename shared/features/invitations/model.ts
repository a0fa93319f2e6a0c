// Invitations feature model: the Invitation record and its history, links, templates, stats, repository ports, events and error rows (docs/protocol/domain.md §4.7, docs/protocol/extensions.md §6).
import type { ErrorRows } from '../../kernel/error-rows.js';
import type { Timestamp, Uuid } from '../../kernel/types.js';

/** Invitation status (docs/protocol/domain.md §4.7; extensions.md §6.1 never adds a value). */
export type InvitationStatus = 'pending' | 'accepted' | 'declined' | 'cancelled' | 'expired';

/** The role an accepted invitation grants (docs/protocol/extensions.md §6.1). */
export type InvitationRole = 'member' | 'moderator';

/** Why an invitation was cancelled (docs/protocol/extensions.md §6.3 `invitation_cancelled.reason`). */
export type CancelReason = 'cancelled_by_inviter' | 'expired' | 'room_deleted';

/** One step of an invitation's status history: the status entered, when, and by whom (`null` = the system). */
export interface InvitationHistoryEntry {
  status: InvitationStatus;
  at: Timestamp;
  by: Uuid | null;
}

/**
 * Invitation, always enriched (docs/protocol/domain.md §4.7) plus the extension fields of
 * docs/protocol/extensions.md §6.1 (additive, present for every client).
 */
export interface Invitation {
  id: Uuid;
  room_id: Uuid;
  room_name: string;
  inviter_id: Uuid;
  inviter_name: string;
  invitee_id: Uuid;
  invitee_name: string;
  status: InvitationStatus;
  message: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  responded_at: Timestamp | null;
  role: InvitationRole;
  cancelled_at: Timestamp | null;
  cancelled_by: Uuid | null;
}

/** A stored invitation: the wire object plus its status history (oldest first). */
export interface InvitationRecord extends Invitation {
  history: InvitationHistoryEntry[];
}

/** Upstream's invitation lifetime: 7 days (docs/protocol/domain.md §8.2), in milliseconds. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** `ttl_hours` bounds and default (docs/protocol/extensions.md §6.1), hours. */
export const TTL_HOURS = { min: 1, max: 720, default: 168 } as const;

/** Longest `message`, characters (docs/protocol/extensions.md §6.1). */
export const MAX_INVITATION_MESSAGE_CHARS = 500;

/** Most invitees in one bulk invite (docs/protocol/extensions.md §6.2). */
export const MAX_BULK_INVITEES = 50;

/** How long a terminal record is kept after it expires or is answered, ms (extensions.md §6.3: 90 days). */
export const RECORD_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

/** When the reminder goes out: this long before `expires_at`, ms (extensions.md §6.3: 24 h). */
export const REMINDER_LEAD_MS = 24 * 60 * 60 * 1000;

/** A shareable invite link (docs/protocol/extensions.md §6.2, Discord-style). */
export interface InviteLink {
  code: string;
  room_id: Uuid;
  created_by: Uuid;
  role: InvitationRole;
  /** `null` = unlimited. */
  max_uses: number | null;
  uses: number;
  created_at: Timestamp;
  /** `null` = never expires. */
  expires_at: Timestamp | null;
  revoked: boolean;
}

/** A room's reusable invitation template (docs/protocol/extensions.md §6.2). */
export interface InvitationTemplate {
  id: Uuid;
  room_id: Uuid;
  name: string;
  message: string | null;
  role: InvitationRole;
  ttl_hours: number;
  created_by: Uuid;
  created_at: Timestamp;
}

/** The stats object of docs/protocol/extensions.md §6.2 `invitation_stats`. */
export interface InvitationStats {
  sent: number;
  pending: number;
  accepted: number;
  declined: number;
  expired: number;
  cancelled: number;
  /** accepted / (accepted + declined + expired + cancelled); 0 when nothing was answered yet. */
  acceptance_rate: number;
  /** Median seconds from creation to accept/decline (histogram estimate, see stats.ts); null when none. */
  median_response_seconds: number | null;
}

/** Error rows of the invitations feature (docs/protocol/tcp.md §9.3, docs/protocol/extensions.md §11). */
export const errors = {
  invitation_not_found: { message: 'Invitation not found', http: 404 },
  not_invitee: { message: 'Not the invitee', http: 409 },
  already_invited: { message: 'Invitation already sent', http: 409 },
  invitation_expired: { message: 'Invitation expired', http: 409 },
  invitation_not_pending: { message: 'Invitation is not pending', http: 409 },
  invite_link_invalid: { message: 'Invite link is invalid', http: 404 },
} as const satisfies ErrorRows;

/** Invitation events exactly as pushed to TCP/WS clients (docs/protocol/tcp.md §8, extensions.md §6.3). */
export type Events =
  | { type: 'invitation_received'; invitation: Invitation }
  | { type: 'invitation_cancelled'; invitation_id: Uuid; invitee: Uuid; reason: CancelReason }
  | { type: 'invitation_status_changed'; invitation: Invitation }
  | { type: 'invitation_reminder'; invitation: Invitation };

/** Extension events (docs/protocol/extensions.md §0.2): only to connections that requested `lair.invitations`. */
export const eventExtensions = {
  invitation_status_changed: 'lair.invitations',
  invitation_reminder: 'lair.invitations',
} as const;

/** Filters of the sent/received lists (docs/protocol/extensions.md §6.2). */
export interface InvitationListQuery {
  direction: 'received' | 'sent';
  /** A status, or `all`. */
  status: InvitationStatus | 'all';
  roomId?: Uuid;
  /** Case-insensitive substring of the room name, the other party's name or the message. */
  q?: string;
  /** 1–100. */
  limit: number;
  cursor?: string;
}

/** One page of a list: items and the opaque cursor of the next page (`null` at the end). */
export interface InvitationPage {
  invitations: Invitation[];
  next_cursor: string | null;
}

/** What a terminal transition writes (docs/protocol/extensions.md §6.1 history). */
export interface Transition {
  status: Exclude<InvitationStatus, 'pending'>;
  at: Timestamp;
  by: Uuid | null;
}

/**
 * Invitation records `INVITATION#<id>` plus one pending slot `ROOM#<room>` / `INVITE#<invitee>`
 * per (room, invitee) (docs/adr/008-invitation-records.md).
 */
export interface InvitationRepository {
  /**
   * Writes the record and claims the slot in one transaction: room exists, invitee not a member,
   * slot absent / not pending / past its expiry.
   * @throws DomainError `room_not_found`; ConflictError `already_member` / `already_invited`
   */
  create(invitation: Invitation): Promise<void>;
  /**
   * Creates many invitations into ONE room with few transactions (≤ 33 per TransactWriteItems:
   * one room check + membership check, slot and record per invitee). A refused invitee is dropped
   * and its chunk retried, so one failure never blocks the others.
   * @returns per invitation (same order) `null` when created, else the error code
   *   (`room_not_found` | `already_member` | `already_invited`)
   */
  createMany(
    invitations: Invitation[],
  ): Promise<(null | 'room_not_found' | 'already_member' | 'already_invited')[]>;
  /**
   * Strongly consistent read by id; `null` when absent. A pending record whose slot rooms'
   * `join_room` already accepted reads as `accepted` unless `asStored`.
   */
  getById(id: Uuid, opts?: { asStored?: boolean }): Promise<InvitationRecord | null>;
  /**
   * Of `inviteeIds` (≤ 50 per BatchGetItem), who is a member of `roomId` and who holds a live
   * pending slot there at `nowMs` (epoch ms): the bulk invite's early answers.
   */
  inviteeStates(
    roomId: Uuid,
    inviteeIds: Uuid[],
    nowMs: number,
  ): Promise<{ members: Set<Uuid>; pending: Set<Uuid> }>;
  /** The pending invitation of `inviteeId` to `roomId` (from the slot), expired ones included. */
  getPending(roomId: Uuid, inviteeId: Uuid): Promise<Invitation | null>;
  /**
   * Moves a pending record to a terminal status and frees its slot, one transaction conditioned on
   * the record still being pending.
   * @throws ConflictError `invitation_not_pending` when it is no longer pending
   */
  transition(invitation: Invitation, to: Transition): Promise<Invitation>;
  /**
   * Accepts: membership put + room counter (capacity) + record accepted + slot freed, one transaction.
   * @throws DomainError `room_not_found`; ConflictError `already_member` / `room_full` / `invitation_expired`
   */
  accept(invitation: Invitation, at: Timestamp): Promise<Invitation>;
  /**
   * The user's invitations, received and sent, changed at or after `sinceMs` (epoch ms) as read at
   * `nowMs`: new, accepted, declined, cancelled, expired (a pending one past `expires_at`, status
   * `expired`) or reminded (24 h before expiry); oldest change first (sync, docs/protocol/extensions.md §3, §6.3).
   */
  listChangedForUser(userId: Uuid, sinceMs: number, nowMs: number): Promise<Invitation[]>;
  /** The invitee's pending, unexpired invitations, newest first (docs/protocol/domain.md §9). */
  listPendingForUser(inviteeId: Uuid, nowMs: number): Promise<Invitation[]>;
  /** One filtered page of the caller's received or sent invitations, newest first. */
  list(userId: Uuid, query: InvitationListQuery, nowMs: number): Promise<InvitationPage>;
  /** Pending slots whose expiry is at or before `untilMs` (epoch ms), soonest first, at most `limit`. */
  listDueSlots(untilMs: number, limit: number): Promise<DueSlot[]>;
  /** Marks the slot's reminder as sent; false when it already was (or the slot moved on). */
  markReminded(slot: DueSlot): Promise<boolean>;
}

/** A pending slot found by the sweep. */
export interface DueSlot {
  invitationId: Uuid;
  roomId: Uuid;
  inviteeId: Uuid;
  expiresAt: Timestamp;
  reminded: boolean;
}
