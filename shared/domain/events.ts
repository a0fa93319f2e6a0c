// Domain events: the wire payloads of tcp.md §8 plus an id and the audience that receives them.
import type {
  Invitation,
  Message,
  MessageTarget,
  Room,
  RoomMembership,
  RoomRole,
  User,
  Uuid,
} from './entities.js';

/**
 * Event payloads exactly as pushed to TCP/WS clients (tcp.md §8). Only these `type`s ever reach
 * a client, with every field present (compatibility rule 2, protocol README).
 */
export type EventPayload =
  | { type: 'message_received'; message: Message; author_username: string }
  | { type: 'message_edited'; message: Message; previous_content: string }
  | { type: 'message_deleted'; message_id: Uuid; target: MessageTarget; deleted_by: Uuid }
  | { type: 'user_joined_room'; room_id: Uuid; user: User; membership: RoomMembership }
  | { type: 'user_left_room'; room_id: Uuid; user_id: Uuid; reason: 'left' | 'kicked' }
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
  | { type: 'user_online'; user_id: Uuid; username: string }
  | { type: 'user_offline'; user_id: Uuid; username: string }
  | { type: 'user_typing'; user_id: Uuid; target: MessageTarget }
  | { type: 'invitation_received'; invitation: Invitation }
  | { type: 'room_updated'; room: Room; changed_by: Uuid }
  | { type: 'server_notice'; message: string; severity: 'info' | 'warning' | 'critical' };

/** Event type tags (tcp.md §8). */
export type EventType = EventPayload['type'];

/**
 * Relay-internal notices: travel the event path like {@link EventPayload}s but are consumed by the
 * relays and **never serialized to a client** (they are not in tcp.md §8; docs/adr/005).
 * - `session_revoked`: the session was deleted (logout over HTTP, TCP or WS); relays stop
 *   delivering to its sockets and fail its commands without waiting for a lease to run out.
 */
export type RelayNotice = { type: 'session_revoked'; user_id: Uuid; session_id: Uuid };

/** Relay notice types ({@link RelayNotice}); everything else is a client event. */
const RELAY_NOTICE_TYPES: ReadonlySet<string> = new Set<RelayNotice['type']>(['session_revoked']);

/** True for a relay-internal notice (never to be serialized to a client). */
export function isRelayNotice(payload: { type: string }): payload is RelayNotice {
  return RELAY_NOTICE_TYPES.has(payload.type);
}

/**
 * Who receives an event (tcp.md §8 "Audience"), resolved by each relay against its own sockets
 * *when the event is delivered* (room membership is read from the relay's local room index).
 * - `room`: current members of `roomId`, plus `alsoUserIds` (e.g. the user who just left).
 * - `users`: exactly these users' connections (DM pair, invitee, members captured before a delete).
 * - `all`: every authenticated connection, except `exceptConnectionId` (presence).
 */
export type Audience =
  | { kind: 'room'; roomId: Uuid; alsoUserIds?: Uuid[] }
  | { kind: 'users'; userIds: Uuid[] }
  | { kind: 'all'; exceptConnectionId?: string };

/**
 * An event as published: id for de-duplication (DESIGN.md §4.5), the time it happened (epoch ms),
 * its audience and the exact wire payload. Handling one twice is safe (relays drop seen ids).
 */
export interface DomainEvent {
  id: string;
  at: number;
  audience: Audience;
  payload: EventPayload | RelayNotice;
}
