// Invitations feature model: the enriched Invitation, its lifetime, the repository port, events and error rows (docs/protocol/domain.md §4.7, §8.2).
import type { ErrorRows } from '../../kernel/error-rows.js';
import type { Timestamp, Uuid } from '../../kernel/types.js';

/** Invitation status (docs/protocol/domain.md §4.7). */
export type InvitationStatus = 'pending' | 'accepted' | 'declined' | 'cancelled' | 'expired';

/** Invitation, always enriched (docs/protocol/domain.md §4.7). */
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
}

/** Invitation lifetime: 7 days (docs/protocol/domain.md §8.2), in milliseconds. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Error rows of the invitations feature (docs/protocol/tcp.md §9.3). */
export const errors = {
  invitation_not_found: { message: 'Invitation not found', http: 404 },
  not_invitee: { message: 'Not the invitee', http: 409 },
  already_invited: { message: 'Invitation already sent', http: 409 },
  invitation_expired: { message: 'Invitation expired', http: 409 },
} as const satisfies ErrorRows;

/** Invitation events exactly as pushed to TCP/WS clients (docs/protocol/tcp.md §8). */
export type Events = { type: 'invitation_received'; invitation: Invitation };

/** Invitations: `ROOM#<id>` / `INVITE#<invitee>`; GSI1 for the invitee's list; GSI2 by id. */
export interface InvitationRepository {
  /**
   * Creates a pending invitation; refused when a live pending one for (room, invitee) exists.
   * @throws ConflictError `already_invited`
   */
  create(invitation: Invitation): Promise<void>;
  /** Reads by invitation id; `null` when absent. Status is returned as stored. */
  getById(id: Uuid): Promise<Invitation | null>;
  /** The pending invitation of `inviteeId` to `roomId`, if any (expired ones included). */
  getPending(roomId: Uuid, inviteeId: Uuid): Promise<Invitation | null>;
  /**
   * Moves a pending invitation to `status`, conditioned on it still being pending.
   * @throws ConflictError `invitation_expired` when it is no longer pending
   */
  setStatus(invitation: Invitation, status: InvitationStatus, respondedAt: string): Promise<Invitation>;
  /** The invitee's pending, unexpired invitations, newest first (docs/protocol/domain.md §9). */
  listPendingForUser(inviteeId: Uuid, nowMs: number): Promise<Invitation[]>;
}
