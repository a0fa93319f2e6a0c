// Who may be shown online to others: users whose `privacy.show_online` is false never appear in another user's online lists or flags (docs/protocol/extensions.md §8).
import type { Uuid } from '../../kernel/types.js';

/** The one read the filter needs (the social feature's preference repository implements it). */
export interface OnlineVisibility {
  /** Which of `userIds` set `privacy.show_online: false` (BatchGetItem of their preference items). */
  hiddenAmong(userIds: Uuid[]): Promise<Set<Uuid>>;
}

/**
 * `onlineIds` minus the users who hide their presence, as `viewerId` sees them (a user always
 * sees themself). Without a `visibility` port (unit compositions) nothing is hidden.
 * @returns the visible ids, same order
 */
export async function visibleOnline(
  visibility: OnlineVisibility | undefined,
  onlineIds: Uuid[],
  viewerId?: Uuid,
): Promise<Uuid[]> {
  const others = onlineIds.filter((id) => id !== viewerId);
  if (visibility === undefined || others.length === 0) return onlineIds;
  const hidden = await visibility.hiddenAmong(others);
  return hidden.size === 0 ? onlineIds : onlineIds.filter((id) => !hidden.has(id));
}
