// Terminal rendering of lair.social: friend events, friend/request/block rows (docs/protocol/extensions.md §7.3).
import type { EventPayload } from '../../shared/kernel/events.js';
import type { Block, FriendRequest, FriendRow } from '../../shared/features/social/index.js';
import { shortId, style } from './render.js';

type SocialEvent = Extract<
  EventPayload,
  { type: 'friend_request_received' | 'friend_request_accepted' | 'friend_removed' }
>;

/** One line for a friend event; `ctx.userName` names ids. */
export function formatSocialEvent(event: SocialEvent, ctx: { userName(id: string): string }): string {
  switch (event.type) {
    case 'friend_request_received': {
      const note = event.request.message !== null ? ` — “${event.request.message}”` : '';
      return style.magenta(
        `♥ ${event.request.from_username} sent you a friend request${note} — /friend ${event.request.from_username}`,
      );
    }
    case 'friend_request_accepted':
      return style.green(`♥ you and ${event.friendship.user.username} are now friends`);
    case 'friend_removed':
      return style.dim(`* you and ${ctx.userName(event.user_id)} are no longer friends`);
  }
}

/** Friend rows: `  ● alice (since …)`. */
export function formatFriends(rows: FriendRow[]): string[] {
  if (rows.length === 0) return [style.dim('(no friends yet — /friend <user>)')];
  return rows.map(
    (r) =>
      `  ${r.is_online ? style.green('●') : style.dim('○')} ${r.user.username} ${style.dim(`(since ${r.since})`)}`,
  );
}

/** Request rows for `/requests` (incoming first). */
export function formatRequests(incoming: FriendRequest[], outgoing: FriendRequest[]): string[] {
  const lines = [
    ...incoming.map(
      (r) =>
        `  ← ${r.from_username} ${style.dim(shortId(r.id))}${r.message !== null ? ` “${r.message}”` : ''} — /friend ${r.from_username} to accept`,
    ),
    ...outgoing.map((r) => `  → ${r.to_username} ${style.dim(`${shortId(r.id)} pending`)}`),
  ];
  return lines.length === 0 ? [style.dim('(no pending friend requests)')] : lines;
}

/** Block rows. */
export function formatBlocks(blocks: Block[]): string[] {
  if (blocks.length === 0) return [style.dim('(nobody blocked)')];
  return blocks.map((b) => `  ⊘ ${b.username} ${style.dim(`(since ${b.created_at})`)}`);
}
