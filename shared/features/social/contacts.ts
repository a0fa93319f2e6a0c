// THE presence audience of docs/protocol/extensions.md §8: the users who share a room or a friendship with someone (conversations join when §7.2 lands), or nobody when they hide their presence.
import type { Audience } from '../../kernel/events.js';
import type { Uuid } from '../../kernel/types.js';
import type { MembershipRepository } from '../rooms/index.js';
import type { FriendRepository, PreferenceRepository } from './model.js';

/** What the audience reads: the user's rooms (GSI), friends and preferences. */
export interface ContactDeps {
  memberships: Pick<MembershipRepository, 'listByUser'>;
  friends: Pick<FriendRepository, 'listFriends'>;
  preferences: Pick<PreferenceRepository, 'get'>;
}

/**
 * The `contacts` audience for `userId`'s presence events: current members of the user's rooms (as
 * each relay's room index knows them at delivery) plus the user's friends; `null` when the user's
 * `privacy.show_online` is false (nothing is announced) unless `opts.evenIfHidden` (profile
 * updates are not presence). Three reads in parallel.
 * @param exceptConnectionId - the connection that caused it (not told about itself)
 */
export async function contactsAudience(
  deps: ContactDeps,
  userId: Uuid,
  exceptConnectionId?: string,
  opts: { evenIfHidden?: boolean } = {},
): Promise<Audience | null> {
  const [prefs, rooms, friends] = await Promise.all([
    deps.preferences.get(userId),
    deps.memberships.listByUser(userId),
    deps.friends.listFriends(userId),
  ]);
  if (!prefs.privacy.show_online && opts.evenIfHidden !== true) return null;
  return {
    kind: 'contacts',
    roomIds: rooms.map((m) => m.room_id),
    userIds: friends.map((f) => f.friend_id),
    ...(exceptConnectionId !== undefined ? { exceptConnectionId } : {}),
  };
}
