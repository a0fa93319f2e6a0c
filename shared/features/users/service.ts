// User use cases: profile reads, email change, user lists with presence (docs/protocol/http.md §6, docs/protocol/tcp.md §7.14–7.16).
import { DomainError } from '../../kernel/errors.js';
import { toTimestamp } from '../../kernel/time.js';
import type { Clock } from '../../kernel/ports.js';
import type { Uuid } from '../../kernel/types.js';
import { normalizeSearch, PAGE, validateEmail } from '../../kernel/validation.js';
import { visibleOnline, type OnlineVisibility, type PresenceRepository } from '../presence/index.js';
import { deletedUser, toUser, type User, type UserRepository } from './model.js';

/** What the UserService needs (built once in the composition root, docs/style.md §4). */
export interface UserServiceDeps {
  users: UserRepository;
  presence: Pick<PresenceRepository, 'countConnections' | 'listOnlineUserIds'>;
  clock: Clock;
  /** `show_online: false` users read as offline to others (extensions.md §8); absent ⇒ nobody hidden. */
  preferences?: OnlineVisibility;
}

/** User list filters (HTTP `search`/`online_only`, TCP `list_users.filter`). */
export interface UserListFilter {
  /** Raw search term: trimmed and lowercased here; blank = no filter. */
  search?: string | null;
  onlineOnly?: boolean | null;
}

/** Users and presence reads (docs/protocol/http.md §6, docs/protocol/tcp.md §7.14–7.16). */
export interface UserService {
  /**
   * Fresh from storage; a user an admin deleted answers the `deleted-user` placeholder
   * (docs/protocol/extensions.md §9: "author shown as a deleted user"). @throws `user_not_found`
   */
  get(userId: Uuid): Promise<User>;
  /**
   * `{user, online}` for one user (a deleted one: the placeholder, offline); `online` is false to
   * anyone but the user when they set `show_online: false` (extensions.md §8). @throws `user_not_found`
   */
  getWithPresence(userId: Uuid, viewerId?: Uuid): Promise<{ user: User; online: boolean }>;
  /** Changes the caller's email (null/undefined = unchanged). @throws `email_invalid` | `email_taken` */
  updateMe(userId: Uuid, patch: { email?: string | null }): Promise<User>;
  /**
   * Users by username, `limit` already clamped by the caller via clampLimit. `filter.search` keeps
   * usernames containing it case-insensitively; `filter.onlineOnly` keeps users with a live
   * TCP/WS connection (issue 17 finding 5). Users with `show_online: false` read as offline
   * (extensions.md §8), except to `viewerId` themself.
   */
  list(
    limit: number,
    offset: number,
    filter?: UserListFilter,
    viewerId?: Uuid,
  ): Promise<{ user: User; online: boolean }[]>;
  /** Every user with a live TCP/WS connection, minus those hiding it from `viewerId` (§8). */
  onlineUserIds(viewerId?: Uuid): Promise<Uuid[]>;
}

/**
 * Builds the UserService. "Online" = at least one live TCP/WS connection (docs/protocol/domain.md §8.3).
 * `updateMe` with the caller's own current address (case-insensitively) is a no-op that returns
 * the stored user unchanged (its `updated_at` is not bumped).
 */
export function createUserService(deps: UserServiceDeps): UserService {
  const { users, presence, clock } = deps;
  /** The visible subset of online ids (extensions.md §8). */
  const online = (ids: Uuid[], viewerId?: Uuid) => visibleOnline(deps.preferences, ids, viewerId);

  async function get(userId: string) {
    const user = await users.getById(userId);
    if (user === null) throw new DomainError('user_not_found');
    return user;
  }

  /** The stored user, else the deleted-user placeholder (one more read only on a miss). */
  async function visible(userId: string): Promise<User> {
    const user = await users.getById(userId);
    if (user !== null) return toUser(user);
    const gone = await users.getDeleted(userId);
    if (gone === null) throw new DomainError('user_not_found');
    return deletedUser(userId, gone.deleted_at);
  }

  return {
    get: visible,

    async getWithPresence(userId, viewerId) {
      const [user, connections] = await Promise.all([visible(userId), presence.countConnections(userId)]);
      const shown = connections > 0 && (await online([userId], viewerId)).length > 0;
      return { user, online: shown };
    },

    async updateMe(userId, patch) {
      if (patch.email === undefined || patch.email === null) return toUser(await get(userId));
      const email = validateEmail(patch.email);
      const current = await get(userId);
      if (current.email === email) return toUser(current);
      return toUser(await users.updateEmail(userId, email, toTimestamp(clock.now())));
    },

    async list(limit, offset, filter = {}, viewerId) {
      if (limit <= 0 || offset > PAGE.maxOffset) return [];
      const term = normalizeSearch(filter.search);
      if (filter.onlineOnly === true) {
        // Online users are few next to all users: read them by id, then filter, sort and page here.
        const found = await users.getMany(await online(await presence.listOnlineUserIds(), viewerId));
        return [...found.values()]
          .filter((u) => term === null || u.username.toLowerCase().includes(term))
          .sort((a, b) => {
            const [x, y] = [a.username.toLowerCase(), b.username.toLowerCase()];
            return x < y ? -1 : x > y ? 1 : 0;
          })
          .slice(offset, offset + limit)
          .map((user) => ({ user: toUser(user), online: true }));
      }
      const [page, live] = await Promise.all([users.list(limit, offset, term), presence.listOnlineUserIds()]);
      const liveIds = new Set(live);
      const onlineIds = new Set(
        await online(
          page.map((u) => u.id).filter((id) => liveIds.has(id)),
          viewerId,
        ),
      );
      return page.map((user) => ({ user: toUser(user), online: onlineIds.has(user.id) }));
    },

    onlineUserIds: async (viewerId) => online(await presence.listOnlineUserIds(), viewerId),
  };
}
