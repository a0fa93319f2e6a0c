// Mention resolution on send (docs/protocol/extensions.md §1.6): `@username` in content -> the ids of existing users who can read the message and have not blocked the author (§7.3).
import type { Uuid } from '../../kernel/types.js';
import type { RoomAccess } from '../rooms/index.js';
import type { BlockRepository } from '../social/index.js';
import type { UserRepository } from '../users/index.js';
import type { MessageTarget } from './model.js';

/** `@username` as written in content (usernames are letters, digits and `_`, docs/protocol/domain.md §5). */
const MENTION = /(?<![\p{L}\p{N}_])@([\p{L}\p{N}_]{3,32})/gu;
/** Distinct names looked up per message. */
export const MAX_MENTIONS = 20;

/**
 * The users named as `@username` (case-insensitive) who exist and can read the message: room
 * members, the two DM parties, or the conversation's `participants` (docs/protocol/extensions.md §7.2). At most {@link MAX_MENTIONS} distinct names are looked up
 * (one username read each, in parallel). A user who blocked the author is left out
 * (docs/protocol/extensions.md §7.3 "their mentions do not notify"): no `mention` event, no stored
 * mention mark, no `mention_count`; the content keeps the `@name`.
 */
export async function resolveMentions(
  deps: {
    users: Pick<UserRepository, 'getByUsername'>;
    access: RoomAccess;
    blocks?: Pick<BlockRepository, 'isBlocked'>;
  },
  content: string,
  actorId: Uuid,
  target: MessageTarget,
  participants: readonly Uuid[] = [],
): Promise<Uuid[]> {
  const names = [...new Set([...content.matchAll(MENTION)].map((m) => (m[1] ?? '').toLowerCase()))].slice(
    0,
    MAX_MENTIONS,
  );
  const found = await Promise.all(names.map((n) => deps.users.getByUsername(n)));
  const out: Uuid[] = [];
  for (const u of found) {
    if (u === null || out.includes(u.id)) continue;
    const readable =
      target.type === 'room'
        ? await deps.access.isMember(target.room_id, u.id)
        : target.type === 'conversation'
          ? participants.includes(u.id)
          : u.id === actorId || u.id === target.recipient;
    if (!readable) continue;
    if (u.id !== actorId && deps.blocks !== undefined && (await deps.blocks.isBlocked(u.id, actorId)))
      continue;
    out.push(u.id);
  }
  return out;
}
