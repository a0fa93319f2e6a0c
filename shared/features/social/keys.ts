// Keys, partitions and entity tags of the social feature's items (all in the user's partition `USER#<id>`, plus one item per friend request id).
import type { Uuid } from '../../kernel/types.js';
import type { Key } from '../../storage/keys.js';

/** Item keys (docs/design.md §3 single table). */
export const keys = {
  /** `blocker` blocked `blocked`. */
  block: (blocker: Uuid, blocked: Uuid): Key => ({ PK: `USER#${blocker}`, SK: `BLOCK#${blocked}` }),
  /** One side of a friendship. */
  friend: (userId: Uuid, friendId: Uuid): Key => ({ PK: `USER#${userId}`, SK: `FRIEND#${friendId}` }),
  /** The request as the sender lists it. */
  requestOut: (from: Uuid, to: Uuid): Key => ({ PK: `USER#${from}`, SK: `FRQOUT#${to}` }),
  /** The request as the recipient lists it. */
  requestIn: (to: Uuid, from: Uuid): Key => ({ PK: `USER#${to}`, SK: `FRQIN#${from}` }),
  /** The request by id (accept/decline/cancel address it by id). */
  requestById: (id: Uuid): Key => ({ PK: `FRIENDREQ#${id}`, SK: 'FRIENDREQ' }),
  /** Per-user counters `{friends, pending_out}` guarding the §7.3 limits with conditional updates. */
  socialCounters: (userId: Uuid): Key => ({ PK: `USER#${userId}`, SK: 'SOCIAL' }),
} as const;

/** Sort-key prefixes queried within a user's partition. */
export const prefixes = {
  block: 'BLOCK#',
  friend: 'FRIEND#',
  requestOut: 'FRQOUT#',
  requestIn: 'FRQIN#',
} as const;

/** The social feature queries only user partitions (no partition of its own). */
export const partitions = {} as const;

/** `entity` tags. */
export const ENTITY = {
  block: 'block',
  friend: 'friend',
  friendRequest: 'friend_request',
  friendRequestEdge: 'friend_request_edge',
  socialCounters: 'social_counters',
} as const;
