// User use cases: profile reads, email change, user lists with presence (docs/protocol/http.md §6, docs/protocol/tcp.md §7.14–7.16).
import { DomainError } from '../../kernel/errors.js';
import { toTimestamp } from '../../kernel/time.js';
import type { Clock } from '../../kernel/ports.js';
import type { Uuid } from '../../kernel/types.js';
import { PAGE, validateEmail } from '../../kernel/validation.js';
import type { PresenceRepository } from '../presence/index.js';
import { toUser, type User, type UserRepository } from './model.js';

/** What the UserService needs (built once in the composition root, docs/style.md §4). */
export interface UserServiceDeps {
  users: UserRepository;
  presence: Pick<PresenceRepository, 'countConnections' | 'listOnlineUserIds'>;
  clock: Clock;
}

/** Users and presence reads (docs/protocol/http.md §6, docs/protocol/tcp.md §7.14–7.16). */
export interface UserService {
  /** Fresh from storage. @throws `user_not_found` */
  get(userId: Uuid): Promise<User>;
  /** `{user, online}` for one user. @throws `user_not_found` */
  getWithPresence(userId: Uuid): Promise<{ user: User; online: boolean }>;
  /** Changes the caller's email (null/undefined = unchanged). @throws `email_invalid` | `email_taken` */
  updateMe(userId: Uuid, patch: { email?: string | null }): Promise<User>;
  /** Users by username, `limit` already clamped by the caller via clampLimit. */
  list(limit: number, offset: number): Promise<{ user: User; online: boolean }[]>;
  /** Every user with a live TCP/WS connection. */
  onlineUserIds(): Promise<Uuid[]>;
}

/**
 * Builds the UserService. "Online" = at least one live TCP/WS connection (docs/protocol/domain.md §8.3).
 * `updateMe` with the caller's own current address (case-insensitively) is a no-op that returns
 * the stored user unchanged (its `updated_at` is not bumped).
 */
export function createUserService(deps: UserServiceDeps): UserService {
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
