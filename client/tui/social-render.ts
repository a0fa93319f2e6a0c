// Terminal rendering of lair.social: friend and presence events, friend/request/block rows (docs/protocol/extensions.md §7.3, §8).
import type { EventPayload } from '../../shared/kernel/events.js';
import type { Block, FriendRequest, FriendRow, Preferences } from '../../shared/features/social/index.js';
import type { User } from '../../shared/features/users/index.js';
import { shortId, style } from './render.js';

type SocialEvent = Extract<
  EventPayload,
  {
    type:
      | 'friend_request_received'
      | 'friend_request_accepted'
      | 'friend_removed'
      | 'presence_changed'
      | 'user_updated';
  }
>;

const STATUS_TEXT = { online: 'is back', away: 'is away', dnd: 'does not want to be disturbed' } as const;

/** One line for a friend or presence event (`null`: our own); `ctx.userName` names ids. */
export function formatSocialEvent(
  event: SocialEvent,
  ctx: { userName(id: string): string; myId?: string },
): string | null {
  switch (event.type) {
    case 'user_updated':
      return event.user.id === ctx.myId
        ? null
        : style.dim(
            `* ${event.user.username} updated their profile${event.user.display_name !== null ? ` (${event.user.display_name})` : ''}`,
          );
    case 'presence_changed':
      return event.user_id === ctx.myId
        ? null
        : style.dim(`◐ ${ctx.userName(event.user_id)} ${STATUS_TEXT[event.status]}`);
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

/** `/profile` lines for one user. */
export function formatProfile(u: User): string[] {
  const row = (k: string, v: string | null) => `  ${k.padEnd(15)}${v ?? style.dim('—')}`;
  return [
    style.bold(`${u.display_name ?? u.username} (@${u.username})`),
    row('status', u.status_message),
    row('time zone', u.timezone),
    row('locale', u.locale),
    row('avatar', u.avatar_url),
  ];
}

/** `/prefs` lines. */
export function formatPreferences(p: Preferences): string[] {
  return [
    `  dm_from ${p.privacy.dm_from}   show_online ${String(p.privacy.show_online)}   send_read_receipts ${String(p.privacy.send_read_receipts)}`,
    `  notifications: dm ${String(p.notifications.dm)}   mentions ${String(p.notifications.mentions)}   rooms ${p.notifications.rooms}`,
    `  theme ${p.theme}`,
  ];
}

/** Block rows. */
export function formatBlocks(blocks: Block[]): string[] {
  if (blocks.length === 0) return [style.dim('(nobody blocked)')];
  return blocks.map((b) => `  ⊘ ${b.username} ${style.dim(`(since ${b.created_at})`)}`);
}
