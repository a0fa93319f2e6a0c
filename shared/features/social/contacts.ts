// THE presence audience of docs/protocol/extensions.md §8: the users who share a room, a group conversation or a friendship with someone, or nobody when they hide their presence.
import type { Audience } from '../../kernel/events.js';
import type { Uuid } from '../../kernel/types.js';
import type { MembershipRepository } from '../rooms/index.js';
import type { FriendRepository, PreferenceRepository } from './model.js';

/**
 * The slice of the conversations repository the audience reads (structural: the conversations
 * feature builds on this one, so it cannot be imported here).
 */
export interface ConversationPeers {
  /** Ids of the user's group conversations (one GSI1 Query). */
  idsOf(userId: Uuid): Promise<Uuid[]>;
  /** The conversations (one BatchGetItem per 100). */
  getMany(ids: Uuid[]): Promise<{ participants: { user_id: Uuid }[] }[]>;
}

/** What the audience reads: the user's rooms (GSI), group conversations, friends and preferences. */
export interface ContactDeps {
  memberships: Pick<MembershipRepository, 'listByUser'>;
  friends: Pick<FriendRepository, 'listFriends'>;
  preferences: Pick<PreferenceRepository, 'get'>;
  conversations: ConversationPeers;
}

/** Everyone who shares a group conversation with `userId` (docs/protocol/extensions.md §7.2, §8). */
async function conversationPeers(deps: ContactDeps, userId: Uuid): Promise<Uuid[]> {
  const ids = await deps.conversations.idsOf(userId);
  if (ids.length === 0) return [];
  const found = await deps.conversations.getMany(ids);
  return found.flatMap((c) => c.participants.map((p) => p.user_id)).filter((id) => id !== userId);
}

/** Options of {@link contactsAudience}. */
export interface ContactsOptions {
  /** Build it even when `privacy.show_online` is false (profile updates are not presence). */
  evenIfHidden?: boolean;
  /**
   * The user's room ids when the caller already holds them (the relay's room index, confirmed at
   * `authenticate`): the memberships Query is then skipped.
   */
  roomIds?: Iterable<Uuid>;
}

/**
 * The `contacts` audience for `userId`'s presence events: current members of the user's rooms (as
 * each relay's room index knows them at delivery) plus the user's friends and group-conversation co-participants; `null` when the user's
 * `privacy.show_online` is false (nothing is announced) unless `opts.evenIfHidden` (profile
 * updates are not presence). Up to four reads in parallel (preferences, memberships unless
 * `opts.roomIds`, friends, conversations: a Query, then a BatchGetItem).
 * @param exceptConnectionId - the connection that caused it (not told about itself)
 */
export async function contactsAudience(
  deps: ContactDeps,
  userId: Uuid,
  exceptConnectionId?: string,
  opts: ContactsOptions = {},
): Promise<Audience | null> {
  const known = opts.roomIds === undefined ? undefined : [...opts.roomIds];
  const [prefs, roomIds, friends, peers] = await Promise.all([
    deps.preferences.get(userId),
    known ?? deps.memberships.listByUser(userId).then((rooms) => rooms.map((m) => m.room_id)),
    deps.friends.listFriends(userId),
    conversationPeers(deps, userId),
  ]);
  if (!prefs.privacy.show_online && opts.evenIfHidden !== true) return null;
  return {
    kind: 'contacts',
    roomIds,
    userIds: [...new Set([...friends.map((f) => f.friend_id), ...peers])],
    ...(exceptConnectionId !== undefined ? { exceptConnectionId } : {}),
  };
}
