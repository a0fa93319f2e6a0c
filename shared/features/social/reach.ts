// THE reachability rule of docs/protocol/extensions.md §7.3: a block (either way) or `dm_from: friends` refuses with one indistinguishable `recipient_unavailable`.
import { DomainError } from '../../kernel/errors.js';
import type { Uuid } from '../../kernel/types.js';
import type { BlockRepository, FriendRepository, PreferenceRepository } from './model.js';

/** What the checks read (strongly consistent). */
export interface ReachDeps {
  blocks: Pick<BlockRepository, 'isBlocked'>;
  friends: Pick<FriendRepository, 'areFriends'>;
  preferences: Pick<PreferenceRepository, 'get'>;
}

/** The one refusal: same code and text whichever rule refused, so a block is never revealed. */
const unavailable = (): DomainError => new DomainError('recipient_unavailable');

/**
 * Refuses when either user blocked the other (invitations, friend requests, conversation adds).
 * Acting on yourself is never refused here. @throws `recipient_unavailable` (403)
 */
export async function requireNotBlocked(
  deps: Pick<ReachDeps, 'blocks'>,
  actorId: Uuid,
  otherId: Uuid,
): Promise<void> {
  if (actorId === otherId) return;
  const [a, b] = await Promise.all([
    deps.blocks.isBlocked(actorId, otherId),
    deps.blocks.isBlocked(otherId, actorId),
  ]);
  if (a || b) throw unavailable();
}

/**
 * May `senderId` DM `recipientId`? Refused when either blocked the other, or the recipient's
 * `privacy.dm_from` is `friends` and they are not friends. DMs to yourself are always allowed
 * (upstream). Three reads in parallel (the friendship read only matters for `friends`).
 * @throws `recipient_unavailable` (403), byte-identical for every reason
 */
export async function requireDmAllowed(deps: ReachDeps, senderId: Uuid, recipientId: Uuid): Promise<void> {
  if (senderId === recipientId) return;
  const [blockedBySender, blockedByRecipient, prefs, friends] = await Promise.all([
    deps.blocks.isBlocked(senderId, recipientId),
    deps.blocks.isBlocked(recipientId, senderId),
    deps.preferences.get(recipientId),
    deps.friends.areFriends(senderId, recipientId),
  ]);
  if (blockedBySender || blockedByRecipient) throw unavailable();
  if (prefs.privacy.dm_from === 'friends' && !friends) throw unavailable();
}
