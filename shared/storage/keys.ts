// All key formats of the single table (DESIGN.md §3): the only place that spells 'ROOM#' and friends.
import { createHash } from 'node:crypto';
import type { Uuid } from '../domain/entities.js';

/** A primary key. */
export interface Key {
  PK: string;
  SK: string;
}

const lower = (s: string): string => s.toLowerCase();

/** Pure key builders, one per entity (DESIGN.md §3 table). */
export const keys = {
  user: (id: Uuid): Key => ({ PK: `USER#${id}`, SK: 'PROFILE' }),
  usernameSentinel: (username: string): Key => ({
    PK: `UNAME#${lower(username)}`,
    SK: `UNAME#${lower(username)}`,
  }),
  emailSentinel: (email: string): Key => ({ PK: `EMAIL#${lower(email)}`, SK: `EMAIL#${lower(email)}` }),
  session: (userId: Uuid, sessionId: Uuid): Key => ({ PK: `USER#${userId}`, SK: `SESSION#${sessionId}` }),
  room: (id: Uuid): Key => ({ PK: `ROOM#${id}`, SK: 'META' }),
  roomNameSentinel: (name: string): Key => ({ PK: `ROOMNAME#${lower(name)}`, SK: `ROOMNAME#${lower(name)}` }),
  membership: (roomId: Uuid, userId: Uuid): Key => ({ PK: `ROOM#${roomId}`, SK: `MEMBER#${userId}` }),
  message: (conversation: string, seq: string): Key => ({ PK: `MSGS#${conversation}`, SK: seq }),
  invitation: (roomId: Uuid, inviteeId: Uuid): Key => ({ PK: `ROOM#${roomId}`, SK: `INVITE#${inviteeId}` }),
  connection: (userId: Uuid, relayId: string, connectionId: string): Key => ({
    PK: `USER#${userId}`,
    SK: `CONN#${relayId}#${connectionId}`,
  }),
  relay: (relayId: string): Key => ({ PK: 'RELAYS', SK: `RELAY#${relayId}` }),
  /** The client key is hashed (SHA-256, base64url): any caller string fits DynamoDB's 2048-byte key limit. */
  rateLimit: (key: string, bucket: string, windowStart: number): Key => ({
    PK: `RATE#${bucket}#${createHash('sha256').update(key).digest('base64url')}`,
    SK: `WINDOW#${windowStart}`,
  }),
} as const;

/** Secondary-index keys (attribute values for GSI1PK/GSI1SK and GSI2PK/GSI2SK). */
export const indexKeys = {
  /** GSI1: all users by lowercased username. */
  userByName: (username: string) => ({ GSI1PK: 'USERS', GSI1SK: lower(username) }),
  /** GSI1: rooms by visibility then lowercased name (public list = one partition). */
  roomByName: (name: string, isPrivate: boolean) => ({
    GSI1PK: isPrivate ? 'ROOMS#private' : 'ROOMS#public',
    GSI1SK: lower(name),
  }),
  /** GSI1: a user's memberships. */
  membershipByUser: (userId: Uuid, roomId: Uuid) => ({ GSI1PK: `USER#${userId}`, GSI1SK: `ROOM#${roomId}` }),
  /** GSI1: a message by its UUID. GSI2: thread replies (reserved, DESIGN.md §3). */
  messageById: (id: Uuid) => ({ GSI1PK: `MSG#${id}`, GSI1SK: 'MSG' }),
  /** GSI1: an invitee's invitations, newest first by ULID. */
  invitationByInvitee: (inviteeId: Uuid, seq: string) => ({
    GSI1PK: `USER#${inviteeId}`,
    GSI1SK: `INVITE#${seq}`,
  }),
  /** GSI2: an invitation by id. */
  invitationById: (id: Uuid) => ({ GSI2PK: `INVITE#${id}`, GSI2SK: 'INVITE' }),
  /** GSI1: every live connection (online users). GSI2: connections held by one relay. */
  connection: (userId: Uuid, relayId: string, connectionId: string) => ({
    GSI1PK: 'ONLINE',
    GSI1SK: `${userId}#${relayId}#${connectionId}`,
    GSI2PK: `RELAY#${relayId}`,
    GSI2SK: `${userId}#${connectionId}`,
  }),
} as const;

/** Partition values used in queries. */
export const partitions = {
  users: 'USERS',
  publicRooms: 'ROOMS#public',
  privateRooms: 'ROOMS#private',
  online: 'ONLINE',
  relays: 'RELAYS',
  userIndex: (userId: Uuid) => `USER#${userId}`,
  room: (roomId: Uuid) => `ROOM#${roomId}`,
  messages: (conversation: string) => `MSGS#${conversation}`,
  messageById: (id: Uuid) => `MSG#${id}`,
  invitationById: (id: Uuid) => `INVITE#${id}`,
} as const;

/** Sort-key prefixes used with `begins_with`. */
export const prefixes = {
  member: 'MEMBER#',
  invite: 'INVITE#',
  room: 'ROOM#',
  session: 'SESSION#',
  connection: 'CONN#',
} as const;

/**
 * Conversation key of a message target: the room id, or `DM#<a>#<b>` with the two user ids
 * sorted so both directions share one partition (http.md §9.2: DM history has both directions).
 */
export function conversationKey(
  target: { type: 'room'; room_id: Uuid } | { type: 'dm'; author: Uuid; recipient: Uuid },
): string {
  if (target.type === 'room') return target.room_id;
  const [a, b] = [target.author, target.recipient].sort();
  return `DM#${a}#${b}`;
}
