// Friend use cases: request (mutual auto-accept), accept/decline/cancel, lists, remove; events to the two parties only (docs/protocol/extensions.md §7.3).
import { emit, type EmitDeps } from '../../kernel/events.js';
import { ConflictError, DomainError, ValidationError } from '../../kernel/errors.js';
import { toTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import { parseUuid } from '../../kernel/validation.js';
import type { PresenceRepository } from '../presence/index.js';
import { toUser, type User, type UserRecord, type UserRepository } from '../users/index.js';
import {
  SOCIAL_LIMITS,
  type BlockRepository,
  type FriendRepository,
  type FriendRequest,
  type FriendRow,
  type Friendship,
  type PreferenceRepository,
} from './model.js';
import { requireNotBlocked } from './reach.js';

/** What the FriendService needs. */
export interface FriendServiceDeps extends EmitDeps {
  friends: FriendRepository;
  blocks: Pick<BlockRepository, 'isBlocked'>;
  preferences: Pick<PreferenceRepository, 'get'>;
  users: Pick<UserRepository, 'getById' | 'getByUsername' | 'getMany'>;
  presence: Pick<PresenceRepository, 'countConnections'>;
}

/** Whom a request is for: `user_id` or `username`. */
export interface FriendTarget {
  user_id?: string | null;
  username?: string | null;
}

/** Outcome of sending: a pending request (201), or a friendship when the other side had asked (200). */
export type SendOutcome = { request: FriendRequest } | { friendship: Friendship };

/** Friend requests and friendships (docs/protocol/extensions.md §7.3). */
export interface FriendService {
  /**
   * Sends a request, or accepts theirs when the other side already asked (mutual auto-accept).
   * Emits `friend_request_received` (to them) or `friend_request_accepted` (to both).
   * @throws `user_not_found` | `validation_failed` (yourself, no target, message > 500 chars) |
   *   `recipient_unavailable` (a block either way) | `already_friends` | `request_exists` | `friend_limit`
   */
  send(actorId: Uuid, target: FriendTarget, message?: string | null): Promise<SendOutcome>;
  /** Accepts (friendship, `friend_request_accepted` to both) or declines (silent) a request to the caller. @throws `not_found` | `friend_limit` */
  respond(
    actorId: Uuid,
    requestId: string,
    accept: boolean,
  ): Promise<{ friendship: Friendship } | { declined: true }>;
  /** Cancels the caller's own pending request (silent). @throws `not_found` */
  cancel(actorId: Uuid, requestId: string): Promise<void>;
  /** Pending requests to / from the caller, oldest first. */
  listRequests(actorId: Uuid, direction: 'incoming' | 'outgoing'): Promise<FriendRequest[]>;
  /** The caller's friends with `is_online` (false when the friend hides it, §8). */
  list(actorId: Uuid): Promise<FriendRow[]>;
  /** Ends a friendship; `friend_removed` to both. @throws `not_found` */
  remove(actorId: Uuid, friendId: string): Promise<void>;
  /** The user a `{user_id}` or `{username}` names (TCP commands). @throws `user_not_found` | `validation_failed` (neither given) */
  resolve(target: FriendTarget): Promise<User>;
}

const invalid = (field: string, why: string) =>
  new ValidationError('validation_failed', `Validation failed: ${field} - ${why}`);

/** Builds the FriendService. */
export function createFriendService(deps: FriendServiceDeps): FriendService {
  const { friends, users, clock, ids } = deps;

  async function resolve(target: FriendTarget): Promise<UserRecord> {
    if (target.user_id != null) {
      const id = parseUuid(target.user_id);
      const user = id === null ? null : await users.getById(id);
      if (user === null) throw new DomainError('user_not_found');
      return user;
    }
    if (target.username != null && target.username !== '') {
      const user = await users.getByUsername(target.username);
      if (user === null) throw new DomainError('user_not_found');
      return user;
    }
    throw invalid('user_id', 'user_id or username is required');
  }

  /** Accepts `req` and tells both parties (each sees the other as `friendship.user`). */
  async function acceptRequest(req: FriendRequest): Promise<{ from: Friendship; to: Friendship }> {
    const since = toTimestamp(clock.now());
    await friends.accept(req, since);
    const found = await users.getMany([req.from, req.to]);
    const [from, to] = [found.get(req.from), found.get(req.to)];
    if (from === undefined || to === undefined) throw new DomainError('user_not_found');
    const views = { from: { user: toUser(to), since }, to: { user: toUser(from), since } };
    await emit(
      deps,
      { kind: 'users', userIds: [req.from] },
      { type: 'friend_request_accepted', request_id: req.id, friendship: views.from },
    );
    await emit(
      deps,
      { kind: 'users', userIds: [req.to] },
      { type: 'friend_request_accepted', request_id: req.id, friendship: views.to },
    );
    return views;
  }

  async function own(actorId: Uuid, requestId: string, side: 'from' | 'to'): Promise<FriendRequest> {
    const id = parseUuid(requestId);
    const req = id === null ? null : await friends.getRequest(id);
    if (req === null || req[side] !== actorId) throw new DomainError('not_found');
    return req;
  }

  return {
    async send(actorId, target, message) {
      const text = message == null || message.trim() === '' ? null : message.trim();
      if (text !== null && Array.from(text).length > SOCIAL_LIMITS.messageChars)
        throw invalid('message', `at most ${SOCIAL_LIMITS.messageChars} characters`);
      const other = await resolve(target);
      if (other.id === actorId) throw invalid('user_id', 'cannot befriend yourself');
      await requireNotBlocked(deps, actorId, other.id);
      if (await friends.areFriends(actorId, other.id)) throw new ConflictError('already_friends');
      const theirs = await friends.pendingBetween(other.id, actorId);
      if (theirs !== null) return { friendship: (await acceptRequest(theirs)).to };
      const me = await users.getById(actorId);
      if (me === null) throw new DomainError('user_not_found');
      const request: FriendRequest = {
        id: ids.uuid(),
        from: actorId,
        from_username: me.username,
        to: other.id,
        to_username: other.username,
        status: 'pending',
        message: text,
        created_at: toTimestamp(clock.now()),
      };
      await friends.createRequest(request); // re-checks request_exists, friend_limit, already_friends, blocks
      await emit(deps, { kind: 'users', userIds: [other.id] }, { type: 'friend_request_received', request });
      return { request };
    },

    async respond(actorId, requestId, accept) {
      const req = await own(actorId, requestId, 'to');
      if (accept) return { friendship: (await acceptRequest(req)).to };
      if (!(await friends.deleteRequest(req))) throw new DomainError('not_found');
      return { declined: true };
    },

    async cancel(actorId, requestId) {
      const req = await own(actorId, requestId, 'from');
      if (!(await friends.deleteRequest(req))) throw new DomainError('not_found');
    },

    listRequests: (actorId, direction) => friends.listRequests(actorId, direction),

    async list(actorId) {
      const rows = await friends.listFriends(actorId);
      const found = await users.getMany(rows.map((r) => r.friend_id));
      const out = await Promise.all(
        rows.map(async (r): Promise<FriendRow | null> => {
          const user = found.get(r.friend_id);
          if (user === undefined) return null;
          const online = (await deps.presence.countConnections(r.friend_id)) > 0;
          const shown = online && (await deps.preferences.get(r.friend_id)).privacy.show_online;
          return { user: toUser(user), since: r.since, is_online: shown };
        }),
      );
      return out
        .filter((r): r is FriendRow => r !== null)
        .sort((a, b) => (a.user.username.toLowerCase() < b.user.username.toLowerCase() ? -1 : 1));
    },

    async remove(actorId, friendId) {
      const id = parseUuid(friendId);
      if (id === null || !(await friends.removeFriend(actorId, id))) throw new DomainError('not_found');
      await emit(deps, { kind: 'users', userIds: [actorId] }, { type: 'friend_removed', user_id: id });
      await emit(deps, { kind: 'users', userIds: [id] }, { type: 'friend_removed', user_id: actorId });
    },

    resolve: async (target) => toUser(await resolve(target)),
  };
}
