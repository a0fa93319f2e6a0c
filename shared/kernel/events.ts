// Domain events: a feature's wire payload (docs/protocol/tcp.md §8) plus an id and the audience that receives them, and the one emit helper.
import type { EventPayload, RelayNotice } from '../features/catalog.js';
import type { Clock, EventPublisher, IdGenerator } from './ports.js';
import type { Uuid } from './types.js';

export type { EventPayload, RelayNotice };

/** Event type tags (docs/protocol/tcp.md §8). */
export type EventType = EventPayload['type'];

/** Relay notice types ({@link RelayNotice}); everything else is a client event. */
const RELAY_NOTICE_TYPES: ReadonlySet<string> = new Set<RelayNotice['type']>([
  'session_revoked',
  'account_banned',
  'blocks_changed',
]);

/** True for a relay-internal notice (never to be serialized to a client). */
export function isRelayNotice(payload: { type: string }): payload is RelayNotice {
  return RELAY_NOTICE_TYPES.has(payload.type);
}

/**
 * Who receives an event (docs/protocol/tcp.md §8 "Audience"), resolved by each relay against its own sockets
 * *when the event is delivered* (room membership is read from the relay's local room index).
 * - `room`: current members of `roomId`, plus `alsoUserIds` (e.g. the user who just left).
 * - `users`: exactly these users' connections (DM pair, invitee, members captured before a delete).
 * - `all`: every authenticated connection, except `exceptConnectionId`.
 * - `contacts`: current members of any of `roomIds` plus `userIds`, except `exceptConnectionId`
 *   (presence scope, docs/protocol/extensions.md §8).
 */
export type Audience =
  | { kind: 'room'; roomId: Uuid; alsoUserIds?: Uuid[] }
  | { kind: 'users'; userIds: Uuid[] }
  | { kind: 'all'; exceptConnectionId?: string }
  | { kind: 'contacts'; roomIds: Uuid[]; userIds: Uuid[]; exceptConnectionId?: string };

/**
 * An event as published: id for de-duplication (docs/design.md §4.5), the time it happened (epoch
 * ms), its audience and the exact wire payload. Handling one twice is safe (relays drop seen ids).
 */
export interface DomainEvent {
  id: string;
  at: number;
  audience: Audience;
  payload: EventPayload | RelayNotice;
  /**
   * Where the event's message is stored (never serialized to a client): lets a relay address
   * that message later without an index lookup (reactions, docs/protocol/extensions.md §1.4).
   */
  messageKey?: MessageKey;
}

/** A stored message's table address and target, as carried by {@link DomainEvent.messageKey}. */
export interface MessageKey {
  id: Uuid;
  conversation: string;
  seq: string;
  author: Uuid;
  /** The wire target (`room_id`, the DM `recipient` as seen by the author, or a `conversation_id`). */
  target:
    | { type: 'room'; room_id: Uuid }
    | { type: 'dm'; recipient: Uuid }
    | { type: 'conversation'; conversation_id: Uuid };
}

/** What {@link emit} needs: the publisher, the clock (event time) and the id source (event id). */
export interface EmitDeps {
  events: EventPublisher;
  clock: Clock;
  ids: IdGenerator;
}

/**
 * Publishes one event `{id: ids.uuid(), at: clock.now() (epoch ms), audience, payload}`. Call it
 * only after the write succeeded. A publish failure is swallowed: the state change already
 * happened and the publisher logs its own failures (EventPublisher port contract).
 */
export async function emit(
  deps: EmitDeps,
  audience: Audience,
  payload: EventPayload | RelayNotice,
  extra: Pick<DomainEvent, 'messageKey'> = {},
): Promise<void> {
  const event: DomainEvent = { id: deps.ids.uuid(), at: deps.clock.now(), audience, payload, ...extra };
  try {
    await deps.events.publish(event);
  } catch {
    // Intentionally ignored: delivery is best effort (docs/design.md §4.5).
  }
}
