// Keys of the room item collection `ROOM#<id>` (META, name sentinel, members, invitations) and the rooms GSI entries (docs/design.md §3).
import type { Uuid } from '../../kernel/types.js';
import { lower, userIndexPartition, type Key } from '../../storage/keys.js';

/**
 * Primary keys. The room partition holds META, `MEMBER#<user>` and `INVITE#<invitee>` items, so
 * the invitation key is spelled here too: deleting a room clears its whole partition, and a join
 * accepts the invitation in the membership transaction.
 */
export const keys = {
  room: (id: Uuid): Key => ({ PK: `ROOM#${id}`, SK: 'META' }),
  roomNameSentinel: (name: string): Key => ({ PK: `ROOMNAME#${lower(name)}`, SK: `ROOMNAME#${lower(name)}` }),
  membership: (roomId: Uuid, userId: Uuid): Key => ({ PK: `ROOM#${roomId}`, SK: `MEMBER#${userId}` }),
  invitation: (roomId: Uuid, inviteeId: Uuid): Key => ({ PK: `ROOM#${roomId}`, SK: `INVITE#${inviteeId}` }),
  /** A room ban (shared/features/room-moderation): spelled here because every join's transaction checks it. */
  roomBan: (roomId: Uuid, userId: Uuid): Key => ({ PK: `ROOM#${roomId}`, SK: `RBAN#${userId}` }),
  /** The user's last departure from a room (left/kicked/banned, for sync, extensions.md §3): one item per (user, room). */
  departure: (userId: Uuid, roomId: Uuid): Key => ({ PK: `MSHIPS#${userId}`, SK: roomId }),
} as const;

/** Secondary-index keys (GSI1): rooms by visibility then lowercased name; a user's memberships. */
export const indexKeys = {
  roomByName: (name: string, isPrivate: boolean) => ({
    GSI1PK: isPrivate ? 'ROOMS#private' : 'ROOMS#public',
    GSI1SK: lower(name),
  }),
  membershipByUser: (userId: Uuid, roomId: Uuid) => ({ GSI1PK: `USER#${userId}`, GSI1SK: `ROOM#${roomId}` }),
} as const;

/** Partition values used in queries. */
export const partitions = {
  publicRooms: 'ROOMS#public',
  privateRooms: 'ROOMS#private',
  room: (roomId: Uuid) => `ROOM#${roomId}`,
  departures: (userId: Uuid) => `MSHIPS#${userId}`,
  userIndex: userIndexPartition,
} as const;

/** Sort-key prefixes used with `begins_with`. */
export const prefixes = { member: 'MEMBER#', invite: 'INVITE#', room: 'ROOM#' } as const;

/** `entity` tags of the rooms feature's items. */
export const ENTITY = {
  room: 'room',
  roomNameSentinel: 'room_name',
  membership: 'membership',
  departure: 'membership_departure',
} as const;
