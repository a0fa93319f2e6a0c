// Factory fixtures for storage integration tests: entities with defaults and overrides, a movable clock.
import { randomUUID } from 'node:crypto';
import { monotonicFactory } from 'ulidx';
import type { Invitation } from '../../../shared/features/invitations/index.js';
import { freshLifecycle, type MessageRecord } from '../../../shared/features/messages/index.js';
import type { Room, RoomMembership } from '../../../shared/features/rooms/index.js';
import type { UserRecord } from '../../../shared/features/users/index.js';
import type { Clock } from '../../../shared/kernel/ports.js';

/** A clock tests can move; starts at the wall clock. */
export function movableClock(
  start = Date.now(),
): Clock & { set(ms: number): void; advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    set: (ms) => {
      now = ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

export const iso = (ms: number): string => new Date(ms).toISOString();

export function aUser(overrides: Partial<UserRecord> = {}): UserRecord {
  const id = randomUUID();
  return {
    id,
    username: `u${id.slice(0, 8)}`,
    email: `${id.slice(0, 8)}@example.com`,
    role: 'user',
    created_at: '2025-01-21T12:00:00.000Z',
    updated_at: '2025-01-21T12:00:00.000Z',
    last_seen_at: null,
    password_hash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    // profile fields (docs/protocol/extensions.md §7.1): the store reads absent ones as null
    display_name: null,
    status_message: null,
    avatar_url: null,
    timezone: null,
    locale: null,
    ...overrides,
  };
}

export function aRoom(overrides: Partial<Room> = {}, settings: Partial<Room['settings']> = {}): Room {
  const id = randomUUID();
  return {
    id,
    name: `room-${id.slice(0, 8)}`,
    owner: randomUUID(),
    settings: { description: null, is_private: false, max_members: null, retention_days: null, ...settings },
    created_at: '2025-01-21T12:00:00.000Z',
    ...overrides,
  };
}

export function aMembership(room: Pick<Room, 'id'>, overrides: Partial<RoomMembership> = {}): RoomMembership {
  return {
    room_id: room.id,
    user_id: randomUUID(),
    role: 'member',
    joined_at: '2025-01-21T12:00:00.000Z',
    ...overrides,
  };
}

/** The owner membership matching `room.owner`. */
export const ownerOf = (room: Room): RoomMembership =>
  aMembership(room, { user_id: room.owner, role: 'owner', joined_at: room.created_at });

const nextUlid = monotonicFactory();

export function aMessage(conversation: string, overrides: Partial<MessageRecord> = {}): MessageRecord {
  const ms = Date.now();
  return {
    ...freshLifecycle(iso(ms)),
    id: randomUUID(),
    author: randomUUID(),
    target: { type: 'room', room_id: conversation },
    content: 'hello',
    edited: false,
    created_at: iso(ms),
    seq: nextUlid(ms),
    conversation,
    version: 1,
    ...overrides,
  };
}

export function anInvitation(overrides: Partial<Invitation> = {}, createdMs = Date.now()): Invitation {
  return {
    id: randomUUID(),
    room_id: randomUUID(),
    room_name: 'general',
    inviter_id: randomUUID(),
    inviter_name: 'alice',
    invitee_id: randomUUID(),
    invitee_name: 'bob',
    status: 'pending',
    message: null,
    created_at: iso(createdMs),
    expires_at: iso(createdMs + 7 * 24 * 3600 * 1000),
    responded_at: null,
    role: 'member',
    cancelled_at: null,
    cancelled_by: null,
    ...overrides,
  };
}
