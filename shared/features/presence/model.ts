// Presence feature model: connection and relay registry ports and the presence events (docs/protocol/domain.md §8.3, docs/design.md §4).
import type { ErrorRows } from '../../kernel/error-rows.js';
import type { Uuid } from '../../kernel/types.js';

/** One TCP/WS connection's presence item key parts. */
export interface ConnectionRef {
  userId: Uuid;
  relayId: string;
  connectionId: string;
}

/** A live relay process registered in the table (docs/design.md §4.2). */
export interface RelayInfo {
  relayId: string;
  /** Internal base URL where the relay accepts events, e.g. `http://127.0.0.1:43211`. */
  endpoint: string;
}

/** Presence raises no error codes of its own. */
export const errors = {} as const satisfies ErrorRows;

/** Presence events exactly as pushed to TCP/WS clients (docs/protocol/tcp.md §8). */
export type Events =
  | { type: 'user_online'; user_id: Uuid; username: string }
  | { type: 'user_offline'; user_id: Uuid; username: string }
  | { type: 'presence_changed'; user_id: Uuid; status: PresenceStatus };

/** `set_presence` statuses (docs/protocol/extensions.md §8). */
export type PresenceStatus = 'online' | 'away' | 'dnd';

/** `presence_changed` is lair.social's (§0.2); `user_online`/`user_offline` are upstream's. */
export const eventExtensions = { presence_changed: 'lair.social' } as const;

/** Presence and relay registry: TTL'd heartbeat items (docs/design.md §3, §4). */
export interface PresenceRepository {
  /** Records an authenticated connection; refreshed by heartbeats. @param ttlSeconds - lifetime */
  putConnection(userId: Uuid, relayId: string, connectionId: string, ttlSeconds: number): Promise<void>;
  /**
   * Refreshes many connection items at once (BatchWriteItem, 25 per call): one relay-wide
   * heartbeat instead of one write per connection per period (bench/README.md finding 2).
   * @param ttlSeconds - new lifetime of every item
   * @throws DomainError `database_error` when items stay unprocessed after retries
   */
  refreshConnections(connections: readonly ConnectionRef[], ttlSeconds: number): Promise<void>;
  /** Removes a connection record. */
  deleteConnection(userId: Uuid, relayId: string, connectionId: string): Promise<void>;
  /** Live (unexpired) connections of a user across all relays. */
  countConnections(userId: Uuid): Promise<number>;
  /**
   * Whether the user has at least one live connection: reads pages of at most 10 items and stops at
   * the first live one, so a user with N sockets costs one small read, not N (the login/ban storms
   * of `bench:ban` did N counts of N items each, issue 14).
   */
  hasConnections(userId: Uuid): Promise<boolean>;
  /** Ids of all users with at least one live connection. */
  listOnlineUserIds(): Promise<Uuid[]>;
  /** Registers or refreshes a relay. @param ttlSeconds - lifetime of the heartbeat item */
  registerRelay(info: RelayInfo, ttlSeconds: number): Promise<void>;
  /** Removes a relay and nothing else. */
  deregisterRelay(relayId: string): Promise<void>;
  /** Live relays. */
  listRelays(): Promise<RelayInfo[]>;
}
