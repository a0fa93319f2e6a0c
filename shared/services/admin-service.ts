// Admin use cases: server statistics for system admins (http.md §12).
import { DomainError } from '../domain/errors.js';
import type { AdminService, ServiceDeps } from './contracts.js';

/**
 * Builds the AdminService. The caller's **stored** system role must be `admin` (the JWT `role`
 * claim is ignored, domain.md §6.1), else `permission_denied`. `online_users` counts users with at
 * least one live TCP/WS connection.
 */
export function createAdminService(deps: ServiceDeps): AdminService {
  const { users, rooms, presence } = deps;
  return {
    async stats(actorId) {
      const actor = await users.getById(actorId);
      if (actor?.role !== 'admin') throw new DomainError('permission_denied');
      const [total_users, total_rooms, online] = await Promise.all([
        users.count(),
        rooms.count(),
        presence.listOnlineUserIds(),
      ]);
      return { total_users, total_rooms, online_users: online.length };
    },
  };
}
