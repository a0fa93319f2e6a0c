// Rooms feature model: rooms, memberships, roles, the room-access port, repository ports, events and error rows (docs/protocol/domain.md §4.2–§4.5, §6.2, §7).
import type { ErrorRows } from '../../kernel/error-rows.js';
import type { Timestamp, Uuid } from '../../kernel/types.js';
import type { User } from '../users/index.js';

/** Room role, ordered owner > moderator > member (docs/protocol/domain.md §6.2). */
export type RoomRole = 'member' | 'moderator' | 'owner';

/** Room settings as emitted (docs/protocol/domain.md §4.2). */
export interface RoomSettings {
  description: string | null;
  is_private: boolean;
  max_members: number | null;
  /** Days messages are kept, 1–3650; null = the server default (docs/protocol/extensions.md §5). */
  retention_days: number | null;
  /** Slow mode, seconds (1–3600); absent = off (docs/protocol/extensions.md §9, docs/protocol-extensions.md §9). */
  slow_mode_seconds?: number;
}

/** Room as sent on the wire (docs/protocol/domain.md §4.2). */
export interface Room {
  id: Uuid;
  name: string;
  owner: Uuid;
  settings: RoomSettings;
  created_at: Timestamp;
}

/** Stored room: wire shape plus counters maintained transactionally with memberships. */
export interface RoomRecord extends Room {
  member_count: number;
  owner_count: number;
  /** Slow mode, seconds; 0 = off (top-level META attribute, set by shared/features/room-moderation). */
  slow_mode_seconds: number;
  /** Optimistic-lock version, bumped on every META update. */
  version: number;
}

/** Membership (docs/protocol/domain.md §4.3). */
export interface RoomMembership {
  room_id: Uuid;
  user_id: Uuid;
  role: RoomRole;
  joined_at: Timestamp;
}

/** Enriched member row for HTTP member endpoints (docs/protocol/domain.md §4.4). */
export interface RoomMember {
  user_id: Uuid;
  username: string;
  role: RoomRole;
  joined_at: Timestamp;
  is_online: boolean;
}

/** Room list row (docs/protocol/domain.md §4.5). */
export interface RoomListItem {
  room: Room;
  member_count: number;
  is_member: boolean;
}

/** Strips counters and version: the wire Room of docs/protocol/domain.md §4.2. */
export function toRoom(r: RoomRecord): Room {
  return {
    id: r.id,
    name: r.name,
    owner: r.owner,
    settings: {
      description: r.settings.description,
      is_private: r.settings.is_private,
      max_members: r.settings.max_members,
      retention_days: r.settings.retention_days,
      ...(r.slow_mode_seconds > 0 ? { slow_mode_seconds: r.slow_mode_seconds } : {}),
    },
    created_at: r.created_at,
  };
}

/** "Moderator-or-above" of docs/protocol/domain.md §6.2. */
export function isModeratorOrAbove(role: RoomRole): boolean {
  return role === 'moderator' || role === 'owner';
}

/**
 * Parses a role string case-insensitively: `owner` → owner; `moderator`/`admin` → moderator;
 * anything else → member (docs/protocol/domain.md §6.2, never an error).
 */
export function parseRoomRole(role: string): RoomRole {
  const r = role.toLowerCase();
  if (r === 'owner') return 'owner';
  if (r === 'moderator' || r === 'admin') return 'moderator';
  return 'member';
}

/** Error rows of the rooms feature (docs/protocol/tcp.md §9.3). */
export const errors = {
  not_room_member: { message: 'Not a member of this room', http: 403 },
  room_name_invalid: { message: 'Room name invalid', http: 400 },
  room_not_found: { message: 'Room not found', http: 404 },
  already_member: { message: 'Already a member of this room', http: 409 },
  room_name_taken: { message: 'Room name already taken', http: 409 },
  room_full: { message: 'Room is full', http: 409 },
  room_private: { message: 'Room requires invitation', http: 409 },
  last_owner: { message: 'Cannot leave as only owner', http: 409 },
} as const satisfies ErrorRows;

/** Room events exactly as pushed to TCP/WS clients (docs/protocol/tcp.md §8). */
export type Events =
  | { type: 'user_joined_room'; room_id: Uuid; user: User; membership: RoomMembership }
  | { type: 'user_left_room'; room_id: Uuid; user_id: Uuid; reason: 'left' | 'kicked' | 'banned' }
  | {
      type: 'member_role_changed';
      room_id: Uuid;
      user_id: Uuid;
      username: string;
      old_role: RoomRole;
      new_role: RoomRole;
      changed_by: Uuid;
    }
  | { type: 'room_deleted'; room_id: Uuid; room_name: string; deleted_by: Uuid }
  | { type: 'room_updated'; room: Room; changed_by: Uuid };

/**
 * THE room-access policy every service asks ("is this user in this room, with which role?").
 * The default reads the membership item (strongly consistent); the relay passes its leased
 * implementation on the send/typing hot path instead (docs/adr/005), so no service carries
 * "already verified" flags.
 */
export interface RoomAccess {
  /** True when `userId` is a member of `roomId` (a leased implementation may answer from memory). */
  isMember(roomId: Uuid, userId: Uuid): Promise<boolean>;
  /** The membership with its role, read from storage; `null` when not a member (or no such room). */
  membership(roomId: Uuid, userId: Uuid): Promise<RoomMembership | null>;
}

/** What room joins need of invitations: the pending one for (room, invitee), expired ones included. */
export interface PendingInvitationLookup {
  getPending(
    roomId: Uuid,
    inviteeId: Uuid,
  ): Promise<{ id: Uuid; status: string; expires_at: Timestamp } | null>;
}

/** Patch applied to a room META item. Absent fields are unchanged. */
export interface RoomPatch {
  name?: string;
  description?: string | null;
  is_private?: boolean;
  max_members?: number | null;
  retention_days?: number | null;
}

/** Rooms, with case-insensitive name uniqueness via `ROOMNAME#<lower>` sentinels. */
export interface RoomRepository {
  /**
   * Creates room META, name sentinel and the owner's membership in one transaction
   * (member_count = owner_count = 1).
   * @throws ConflictError `room_name_taken`
   */
  create(room: Room, owner: RoomMembership): Promise<RoomRecord>;
  /** Strongly consistent read; `null` when absent. */
  get(id: Uuid): Promise<RoomRecord | null>;
  /** Batch read by ids. */
  getMany(ids: Uuid[]): Promise<Map<Uuid, RoomRecord>>;
  /**
   * Applies a patch conditioned on `expectedVersion` (optimistic lock); a rename swaps the
   * name sentinel in the same transaction.
   * @throws ConflictError `room_name_taken`; DomainError `room_not_found`;
   *   VersionConflictError when `expectedVersion` is stale (the service re-reads and retries)
   */
  update(id: Uuid, patch: RoomPatch, expectedVersion: number): Promise<RoomRecord>;
  /** Deletes META, sentinel, all memberships and all invitations of the room (batched). */
  delete(room: RoomRecord): Promise<void>;
  /**
   * Public rooms ordered by lowercased name, `offset` then `limit` (docs/protocol/domain.md §9); with
   * `search` (normalised, shared/kernel/validation.ts `normalizeSearch`) only names containing it.
   */
  listPublic(limit: number, offset: number, search?: string | null): Promise<RoomRecord[]>;
  /** Number of rooms, public and private (admin stats). */
  count(): Promise<number>;
}

/**
 * The member performing a kick or role change, re-checked **inside** the write's transaction so a
 * concurrent demotion or removal of the actor cannot slip between the permission check and the
 * write (docs/protocol/domain.md §7 permission matrix).
 */
export interface ActorGuard {
  userId: Uuid;
  /** Roles the actor must still hold to act on a member whose current role is `targetRole`; empty = refused. */
  rolesFor(targetRole: RoomRole): readonly RoomRole[];
}

/** How a member left a room, and when (ISO 8601 ms), as `sync` reports it (extensions.md §3). */
export interface Departure {
  change: 'left' | 'kicked' | 'banned';
  at: string;
}

/** Memberships: `ROOM#<id>` / `MEMBER#<userId>`, GSI1 `USER#<userId>` / `ROOM#<id>`. */
export interface MembershipRepository {
  /** Reads one membership (strongly consistent); `null` when not a member. */
  get(roomId: Uuid, userId: Uuid): Promise<RoomMembership | null>;
  /**
   * Adds a member in one transaction: put membership (must not exist), increment the room's
   * member_count conditioned on the room existing and `member_count < max_members` (when set),
   * no live room ban of the user (`ROOM#<id>`/`RBAN#<user>`), and, when `acceptInvitation` is given, mark that invitation `accepted` (must be pending).
   * @throws ConflictError `already_member` / `room_full` / `invitation_expired`;
   *   DomainError `room_not_found` / `room_banned`
   */
  add(
    membership: RoomMembership,
    opts?: { acceptInvitation?: { invitationId: Uuid; respondedAt: string } },
  ): Promise<void>;
  /**
   * Removes a member and decrements member_count (and owner_count for owners) in one transaction;
   * removing an owner is conditioned on owner_count > 1. With `actor` (a kick) the actor's role is
   * re-checked inside the same transaction.
   * With `departure` the same transaction records it as the user's last departure from the room
   * (`MSHIPS#<user>` / `<room>`, overwritten by a later one), which `sync` reports (extensions.md §3).
   * @throws ConflictError `last_owner`; DomainError `not_room_member` | `permission_denied` (actor)
   */
  remove(roomId: Uuid, userId: Uuid, actor?: ActorGuard, departure?: Departure): Promise<void>;
  /** The user's last departure per room, those at or after `sinceIso` (all with null); one Query. */
  departures(userId: Uuid, sinceIso: string | null): Promise<(Departure & { room_id: Uuid })[]>;
  /**
   * Sets a member's role, adjusting owner_count; demoting an owner is conditioned on
   * owner_count > 1. With `actor` the actor's role is re-checked inside the same transaction.
   * @returns the membership after the change
   * @throws ConflictError `last_owner`; DomainError `not_room_member` | `permission_denied` (actor)
   */
  setRole(
    roomId: Uuid,
    userId: Uuid,
    role: RoomRole,
    actor?: ActorGuard,
  ): Promise<{ before: RoomMembership; after: RoomMembership }>;
  /** All members of a room ordered by `joined_at` ascending (docs/protocol/domain.md §9). */
  listByRoom(roomId: Uuid): Promise<RoomMembership[]>;
  /** All memberships of a user (GSI1), any order. */
  listByUser(userId: Uuid): Promise<RoomMembership[]>;
}
