// Presence bookkeeping for authenticated TCP/WS connections and the online/offline events (domain.md §8.3).
import type { PresenceService, ServiceDeps } from './contracts.js';
import { emit } from './support.js';

/**
 * Builds the PresenceService. A user is online while ≥ 1 live connection item exists.
 * - `connected`: counts the user's connections **before** recording this one; when there were
 *   none, emits `user_online` to everyone except this connection (audience `all` with
 *   `exceptConnectionId`). Racing first connections may both announce (duplicates are harmless;
 *   a missed announcement is not).
 * - `disconnected`: removes the item; when none remain, emits `user_offline` to everyone.
 * `ttlSeconds` is the lifetime of the heartbeat item in seconds.
 */
export function createPresenceService(deps: ServiceDeps): PresenceService {
  const { presence } = deps;
  return {
    async connected(user, relayId, connectionId, ttlSeconds) {
      const before = await presence.countConnections(user.id);
      await presence.putConnection(user.id, relayId, connectionId, ttlSeconds);
      if (before === 0) {
        await emit(
          deps,
          { kind: 'all', exceptConnectionId: connectionId },
          { type: 'user_online', user_id: user.id, username: user.username },
        );
      }
    },

    heartbeat: (connections, ttlSeconds) =>
      connections.length === 0 ? Promise.resolve() : presence.refreshConnections(connections, ttlSeconds),

    async disconnected(user, relayId, connectionId) {
      await presence.deleteConnection(user.id, relayId, connectionId);
      if ((await presence.countConnections(user.id)) === 0) {
        await emit(
          deps,
          { kind: 'all' },
          { type: 'user_offline', user_id: user.id, username: user.username },
        );
      }
    },
  };
}
