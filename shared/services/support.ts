// Helpers shared by the services: entity projections, event emission, role checks, expiry tests.
import type {
  Message,
  MessageRecord,
  MessageTarget,
  Room,
  RoomRecord,
  RoomRole,
  User,
  UserRecord,
  Uuid,
} from '../domain/entities.js';
import type { Audience, DomainEvent, EventPayload, RelayNotice } from '../domain/events.js';
import { parseTimestamp } from '../domain/time.js';
import type { ServiceDeps } from './contracts.js';

/** Picks the wire fields of domain.md §4.1 (drops `password_hash` and anything else stored). */
export function toUser(r: User | UserRecord): User {
  return {
    id: r.id,
    username: r.username,
    email: r.email,
    role: r.role,
    created_at: r.created_at,
    updated_at: r.updated_at,
    last_seen_at: r.last_seen_at,
  };
}

/** Strips counters and version: the wire Room of domain.md §4.2. */
export function toRoom(r: RoomRecord): Room {
  return {
    id: r.id,
    name: r.name,
    owner: r.owner,
    settings: {
      description: r.settings.description,
      is_private: r.settings.is_private,
      max_members: r.settings.max_members,
    },
    created_at: r.created_at,
  };
}

/** A copy of a target carrying only its wire fields (domain.md §4.6). */
export function cleanTarget(target: MessageTarget): MessageTarget {
  return target.type === 'room'
    ? { type: 'room', room_id: target.room_id }
    : { type: 'dm', recipient: target.recipient };
}

/** Strips seq/conversation/version: the wire Message of domain.md §4.6. */
export function toMessage(r: MessageRecord): Message {
  return {
    id: r.id,
    author: r.author,
    target: cleanTarget(r.target),
    content: r.content,
    edited: r.edited,
    created_at: r.created_at,
  };
}

/** "Moderator-or-above" of domain.md §6.2. */
export function isModeratorOrAbove(role: RoomRole): boolean {
  return role === 'moderator' || role === 'owner';
}

/**
 * Parses a role string case-insensitively: `owner` → owner; `moderator`/`admin` → moderator;
 * anything else → member (domain.md §6.2, never an error).
 */
export function parseRoomRole(role: string): RoomRole {
  const r = role.toLowerCase();
  if (r === 'owner') return 'owner';
  if (r === 'moderator' || r === 'admin') return 'moderator';
  return 'member';
}

/** True when an RFC 3339 `expiresAt` is at or before `nowMs` (unparsable counts as expired). */
export function isExpired(expiresAt: string, nowMs: number): boolean {
  const t = parseTimestamp(expiresAt);
  return Number.isNaN(t) || t <= nowMs;
}

/**
 * Audience of a message-related event (tcp.md §8): the room's members, or the two DM parties
 * (`actor` first; de-duplicated for DMs to yourself).
 */
export function targetAudience(target: MessageTarget, actorId: Uuid): Audience {
  if (target.type === 'room') return { kind: 'room', roomId: target.room_id };
  return { kind: 'users', userIds: [...new Set([actorId, target.recipient])] };
}

/**
 * Publishes one event `{id: ids.uuid(), at: clock.now() (epoch ms), audience, payload}`. Call it
 * only after the write succeeded. A publish failure is swallowed: the state change already
 * happened and the publisher logs its own failures (EventPublisher port contract).
 */
export async function emit(
  deps: ServiceDeps,
  audience: Audience,
  payload: EventPayload | RelayNotice,
): Promise<void> {
  const event: DomainEvent = { id: deps.ids.uuid(), at: deps.clock.now(), audience, payload };
  try {
    await deps.events.publish(event);
  } catch {
    // Intentionally ignored: delivery is best effort (DESIGN.md §4.5).
  }
}
