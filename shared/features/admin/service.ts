// Admin use cases: server statistics for system admins (docs/protocol/http.md §12).
import { requirePermission } from '../../kernel/permissions.js';
import type { Uuid } from '../../kernel/types.js';
import type { PresenceRepository } from '../presence/index.js';
import type { RoomRepository } from '../rooms/index.js';
import type { UserRepository } from '../users/index.js';
import type { AdminStats } from './model.js';

/** What the AdminService needs. */
export interface AdminServiceDeps {
  users: Pick<UserRepository, 'getById' | 'count'>;
  rooms: Pick<RoomRepository, 'count'>;
  presence: Pick<PresenceRepository, 'listOnlineUserIds'>;
}

/** Admin (docs/protocol/http.md §12). */
export interface AdminService {
  /** Stored role must be `admin`. @throws `permission_denied` */
  stats(actorId: Uuid): Promise<AdminStats>;
}

/**
 * Builds the AdminService. The caller's **stored** system role must be `admin` (the JWT `role`
 * claim is ignored, docs/protocol/domain.md §6.1), else `permission_denied`. `online_users` counts users with at
 * least one live TCP/WS connection.
 */
export function createAdminService(deps: AdminServiceDeps): AdminService {
  const { users, rooms, presence } = deps;
  return {
    async stats(actorId) {
      requirePermission(await users.getById(actorId), 'stats.read');
      const [total_users, total_rooms, online] = await Promise.all([
        users.count(),
        rooms.count(),
        presence.listOnlineUserIds(),
      ]);
      return { total_users, total_rooms, online_users: online.length };
    },
  };
}
