// Presence bookkeeping for authenticated TCP/WS connections and the online/offline events (docs/protocol/domain.md §8.3).
import { emit, type EmitDeps } from '../../kernel/events.js';
import { contactsAudience, type ContactDeps } from '../social/index.js';
import type { Uuid } from '../../kernel/types.js';
import type { User } from '../users/index.js';
import type { ConnectionRef, PresenceRepository, PresenceStatus } from './model.js';

/** What the PresenceService needs (the contact reads scope the events, extensions.md §8). */
export interface PresenceServiceDeps extends EmitDeps, ContactDeps {
  presence: PresenceRepository;
}

/** Presence bookkeeping for TCP/WS connections (docs/protocol/domain.md §8.3). */
export interface PresenceService {
  /**
   * Records an authenticated connection; emits `user_online` (audience all except this
   * connection) when it is the user's first live connection.
   * @param ttlSeconds - heartbeat item lifetime
   * @param roomIds - the user's rooms when the caller already loaded them (the relay's room index):
   *   the audience then skips its memberships Query
   */
  connected(
    user: User,
    relayId: string,
    connectionId: string,
    ttlSeconds: number,
    roomIds?: Iterable<Uuid>,
  ): Promise<void>;
  /**
   * Refreshes the heartbeat items of live connections in one batched write (a relay calls it once
   * per period for all its connections). @param ttlSeconds - new item lifetime
   */
  heartbeat(connections: readonly ConnectionRef[], ttlSeconds: number): Promise<void>;
  /** Removes the connection; emits `user_offline` when it was the user's last. */
  disconnected(user: User, relayId: string, connectionId: string): Promise<void>;
  /**
   * `set_presence`: emits `presence_changed {user_id, status}` (lair.social) to the user's
   * contacts, nothing when `show_online` is false. Not stored (a new connection is `online`).
   */
  setStatus(user: User, status: PresenceStatus): Promise<void>;
}

/**
 * Builds the PresenceService. A user is online while ≥ 1 live connection item exists.
 * - `connected`: counts the user's connections **before** recording this one; when there were
 *   none, emits `user_online` to the user's contacts except this connection (audience
 *   `contacts`: room co-members and friends, docs/protocol/extensions.md §8; nobody when
 *   `privacy.show_online` is false). Racing first connections may both announce (duplicates are
 *   harmless; a missed announcement is not).
 * - `disconnected`: removes the item; when none remain, emits `user_offline` to the same audience.
 * `ttlSeconds` is the lifetime of the heartbeat item in seconds.
 */
export function createPresenceService(deps: PresenceServiceDeps): PresenceService {
  const { presence } = deps;
  return {
    async connected(user, relayId, connectionId, ttlSeconds, roomIds) {
      const wasOnline = await presence.hasConnections(user.id);
      await presence.putConnection(user.id, relayId, connectionId, ttlSeconds);
      if (!wasOnline) {
        const audience = await contactsAudience(
          deps,
          user.id,
          connectionId,
          roomIds === undefined ? {} : { roomIds },
        );
        if (audience !== null)
          await emit(deps, audience, { type: 'user_online', user_id: user.id, username: user.username });
      }
    },

    heartbeat: (connections, ttlSeconds) =>
      connections.length === 0 ? Promise.resolve() : presence.refreshConnections(connections, ttlSeconds),

    async disconnected(user, relayId, connectionId) {
      await presence.deleteConnection(user.id, relayId, connectionId);
      if (!(await presence.hasConnections(user.id))) {
        const audience = await contactsAudience(deps, user.id);
        if (audience !== null)
          await emit(deps, audience, { type: 'user_offline', user_id: user.id, username: user.username });
      }
    },

    async setStatus(user, status) {
      const audience = await contactsAudience(deps, user.id);
      if (audience !== null)
        await emit(deps, audience, { type: 'presence_changed', user_id: user.id, status });
    },
  };
}
