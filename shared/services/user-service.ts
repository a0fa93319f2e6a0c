// User use cases: profile reads, email change, user lists with presence (http.md §6, tcp.md §7.14–7.16).
import { DomainError } from '../domain/errors.js';
import { toTimestamp } from '../domain/time.js';
import { PAGE, validateEmail } from '../domain/validation.js';
import type { ServiceDeps, UserService } from './contracts.js';
import { toUser } from './support.js';

/**
 * Builds the UserService. "Online" = at least one live TCP/WS connection (domain.md §8.3).
 * `updateMe` with the caller's own current address (case-insensitively) is a no-op that returns
 * the stored user unchanged (its `updated_at` is not bumped).
 */
export function createUserService(deps: ServiceDeps): UserService {
  const { users, presence, clock } = deps;

  async function get(userId: string) {
    const user = await users.getById(userId);
    if (user === null) throw new DomainError('user_not_found');
    return user;
  }

  return {
    async get(userId) {
      return toUser(await get(userId));
    },

    async getWithPresence(userId) {
      const [user, connections] = await Promise.all([get(userId), presence.countConnections(userId)]);
      return { user: toUser(user), online: connections > 0 };
    },

    async updateMe(userId, patch) {
      if (patch.email === undefined || patch.email === null) return toUser(await get(userId));
      const email = validateEmail(patch.email);
      const current = await get(userId);
      if (current.email === email) return toUser(current);
      return toUser(await users.updateEmail(userId, email, toTimestamp(clock.now())));
    },

    async list(limit, offset) {
      if (limit <= 0 || offset > PAGE.maxOffset) return [];
      const [page, online] = await Promise.all([users.list(limit, offset), presence.listOnlineUserIds()]);
      const onlineIds = new Set(online);
      return page.map((user) => ({ user: toUser(user), online: onlineIds.has(user.id) }));
    },

    onlineUserIds: () => presence.listOnlineUserIds(),
  };
}
