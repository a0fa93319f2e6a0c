// Pure text rendering for the terminal client: events, messages, room and invitation lists.
import type { EventPayload } from '../../shared/kernel/events.js';
import type { Invitation } from '../../shared/features/invitations/index.js';
import { formatInvitationEvent } from './invitation-render.js';
import { formatConversationEvent } from './conversation-render.js';
import { formatSocialEvent } from './social-render.js';
import type { Message } from '../../shared/features/messages/index.js';
import type { RoomListItem } from '../../shared/features/rooms/index.js';
import type { User } from '../../shared/features/users/index.js';

/** Name lookups and viewpoint used when rendering. */
export interface RenderContext {
  /** The logged-in user's id. */
  myId: string;
  /** Room currently shown, if any. */
  currentRoomId: string | undefined;
  /** Group conversation currently shown, if any (docs/protocol/extensions.md §7.2). */
  currentConversationId?: string | undefined;
  /** A group conversation's label for an id. */
  conversationName?(id: string): string;
  /** Room name for an id (falls back to a short id). */
  roomName(id: string): string;
  /** Username for an id (falls back to a short id). */
  userName(id: string): string;
  /** The short number `[n]` of a printed message (extensions.md §1 references), if it has one. */
  messageRef?(id: string): number | undefined;
  /** The latest known state of a printed message (edits, tombstones, reactions, reply counts). */
  knownMessage?(id: string): Message | undefined;
}

const ESC = '\u001b[';
const useColor = process.stdout.isTTY && process.env.NO_COLOR === undefined;
const paint =
  (code: string) =>
  (text: string): string =>
    useColor ? `${ESC}${code}m${text}${ESC}0m` : text;

/** ANSI helpers (no-ops when stdout is not a TTY or NO_COLOR is set). */
export const style = {
  dim: paint('2'),
  bold: paint('1'),
  cyan: paint('36'),
  green: paint('32'),
  yellow: paint('33'),
  red: paint('31'),
  magenta: paint('35'),
};

/** `HH:MM` in local time for an RFC 3339 timestamp; `--:--` if unparsable. */
export function clock(timestamp: string): string {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return '--:--';
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/** First 8 characters of a UUID, for display. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** `[12]`, the number a user types to refer to a message, or `''` when it has none. */
export function refLabel(id: string, ctx: RenderContext): string {
  const n = ctx.messageRef?.(id);
  return n === undefined ? '' : `[${n}]`;
}

/** Reaction summary in order of first use: `👍 2 ❤️ 1` (`''` without reactions). */
export function formatReactions(reactions: Message['reactions']): string {
  return reactions
    .filter((r) => r.count > 0)
    .map((r) => `${r.emoji} ${r.count}`)
    .join(' ');
}

/** `↳ 3 replies` for a thread root (`''` without replies). */
export function formatReplyCount(count: number): string {
  return count <= 0 ? '' : `↳ ${count} ${count === 1 ? 'reply' : 'replies'}`;
}

/**
 * One chat line: `[12] 12:00 <alice> ↪ [7] hi (edited)  👍 2  ↳ 3 replies`, prefixed with
 * `#room` outside the current room or `DM`; a tombstone reads `[deleted]`.
 */
export function formatMessage(message: Message, author: string, ctx: RenderContext): string {
  const ref = refLabel(message.id, ctx);
  const time = style.dim(clock(message.created_at));
  const who = message.author === ctx.myId ? style.green(`<${author}>`) : style.cyan(`<${author}>`);
  const target = message.target;
  let where = '';
  if (target.type === 'dm') {
    const other = message.author === ctx.myId ? ctx.userName(target.recipient) : author;
    where = style.magenta(`[DM ${other}] `);
  } else if (target.type === 'conversation') {
    if (target.conversation_id !== ctx.currentConversationId)
      where = style.magenta(`[${ctx.conversationName?.(target.conversation_id) ?? 'group'}] `);
  } else if (target.room_id !== ctx.currentRoomId) {
    where = style.yellow(`[#${ctx.roomName(target.room_id)}] `);
  }
  let parent = '';
  if (message.reply_to !== null) {
    const label = refLabel(message.reply_to, ctx);
    parent = style.magenta(`↪ ${label !== '' ? label : '(earlier)'}`) + ' ';
  }
  const body = message.deleted
    ? style.dim('[deleted]')
    : `${message.content}${message.edited ? style.dim(' (edited)') : ''}`;
  const files = message.deleted
    ? ''
    : message.attachments.map((a) => `📎 ${a.filename} (${a.size_bytes} B)`).join(' ');
  const pinned = message.pinned && !message.deleted ? '📌' : '';
  const extras = [
    files,
    message.deleted ? '' : formatReactions(message.reactions),
    formatReplyCount(message.reply_count),
    pinned,
  ]
    .filter((x) => x !== '')
    .map((x) => style.dim(x));
  const tail = extras.length > 0 ? `  ${extras.join('  ')}` : '';
  return `${ref !== '' ? `${style.dim(ref)} ` : ''}${time} ${where}${who} ${parent}${body}${tail}`;
}

/** A known message re-rendered after a change (it keeps its number), or `null` when unknown. */
function reprint(id: string, ctx: RenderContext, suffix = ''): string | null {
  const known = ctx.knownMessage?.(id);
  if (known === undefined) return null;
  return `${formatMessage(known, ctx.userName(known.author), ctx)}${suffix}`;
}

/** ` on [12]  👍 2 ❤️ 1` (` from …` for a removal) for a known message, else `''`. */
function reactionTail(id: string, ctx: RenderContext, preposition: 'on' | 'from'): string {
  const ref = refLabel(id, ctx);
  if (ref === '') return '';
  const summary = formatReactions(ctx.knownMessage?.(id)?.reactions ?? []);
  return ` ${preposition} ${ref}${summary !== '' ? `  ${summary}` : ''}`;
}

/**
 * Renders a pushed event (docs/protocol/tcp.md §8) as one line, or `null` when it should not be shown
 * (e.g. our own typing notification).
 */
export function formatEvent(event: EventPayload, ctx: RenderContext): string | null {
  const room = (id: string): string => `#${ctx.roomName(id)}`;
  const note = (text: string): string => style.dim(`* ${text}`);
  switch (event.type) {
    case 'message_received':
      return formatMessage(event.message, event.author_username, ctx);
    case 'message_edited':
      return (
        reprint(event.message.id, ctx) ??
        formatMessage(event.message, ctx.userName(event.message.author), ctx)
      );
    case 'message_deleted': {
      const author = ctx.knownMessage?.(event.message_id)?.author;
      const by =
        author !== undefined && author !== event.deleted_by
          ? style.dim(` (by ${ctx.userName(event.deleted_by)})`)
          : '';
      return (
        reprint(event.message_id, ctx, by) ?? note(`${ctx.userName(event.deleted_by)} deleted a message`)
      );
    }
    case 'user_joined_room':
      return style.green(`→ ${event.user.username} joined ${room(event.room_id)}`);
    case 'user_left_room':
      return style.yellow(
        `← ${ctx.userName(event.user_id)} left ${room(event.room_id)}${event.reason === 'left' ? '' : ` (${event.reason})`}`,
      );
    case 'member_role_changed':
      return note(`${event.username} is now ${event.new_role} in ${room(event.room_id)}`);
    case 'room_deleted':
      return style.red(`✖ #${event.room_name} was deleted by ${ctx.userName(event.deleted_by)}`);
    case 'user_online':
      return event.user_id === ctx.myId ? null : style.dim(`● ${event.username} is online`);
    case 'user_offline':
      return event.user_id === ctx.myId ? null : style.dim(`○ ${event.username} went offline`);
    case 'user_typing': {
      if (event.user_id === ctx.myId) return null;
      const t = event.target;
      if (t.type === 'room' && t.room_id !== ctx.currentRoomId) return null;
      if (t.type === 'dm' && t.recipient !== ctx.myId) return null;
      if (t.type === 'conversation' && t.conversation_id !== ctx.currentConversationId) return null;
      return style.dim(`${ctx.userName(event.user_id)} is typing…`);
    }
    case 'invitation_received':
      return style.magenta(
        `✉ ${event.invitation.inviter_name} invited you to #${event.invitation.room_name}` +
          (event.invitation.message ? `: “${event.invitation.message}”` : '') +
          (event.invitation.role === 'moderator' ? ' (as moderator)' : '') +
          ` — /accept ${shortId(event.invitation.id)}`,
      );
    case 'invitation_cancelled':
    case 'invitation_status_changed':
    case 'invitation_reminder':
      return formatInvitationEvent(event, ctx.myId);
    case 'room_updated': {
      const slow = event.room.settings.slow_mode_seconds;
      return note(`#${event.room.name} was updated${slow ? ` (slow mode ${slow} s)` : ''}`);
    }
    case 'reaction_added':
    case 'reaction_removed': {
      if (event.user_id === ctx.myId) return null; // /react already said so
      const verb = event.type === 'reaction_added' ? 'reacted' : 'removed';
      const tail = reactionTail(event.message_id, ctx, event.type === 'reaction_added' ? 'on' : 'from');
      return note(
        `${ctx.userName(event.user_id)} ${verb} ${event.emoji}${tail !== '' ? tail : ` (${event.count})`}`,
      );
    }
    case 'thread_updated': {
      const ref = refLabel(event.root_id, ctx);
      const count = formatReplyCount(event.reply_count);
      return note(
        `${ref !== '' ? ref : `thread ${shortId(event.root_id)}`} ${count !== '' ? count : 'no replies'}`,
      );
    }
    case 'mention':
      return style.magenta(`@ ${event.author_username} mentioned you: ${event.message.content}`);
    case 'message_pinned':
    case 'message_unpinned': {
      const ref = refLabel(event.message.id, ctx);
      const verb = event.type === 'message_pinned' ? 'pinned' : 'unpinned';
      return note(
        `${ctx.userName(event.pinned_by)} ${verb} ${ref !== '' ? ref : 'a message'}: ${event.message.content}`,
      );
    }
    case 'member_muted': {
      const until = event.expires_at === null ? '' : ` until ${event.expires_at.slice(11, 16)} UTC`;
      const who = event.user_id === ctx.myId ? 'You are' : `${ctx.userName(event.user_id)} is`;
      return style.yellow(
        `🔇 ${who} muted in ${room(event.room_id)}${until}${event.reason ? ` (${event.reason})` : ''}`,
      );
    }
    case 'member_unmuted':
      return note(
        `${event.user_id === ctx.myId ? 'You are' : `${ctx.userName(event.user_id)} is`} no longer muted in ${room(event.room_id)}`,
      );
    case 'read_marker_updated':
    case 'delivery_receipt':
      return null; // shown by /unread and receipts lookups, not as a line
    case 'read_receipt':
      return event.user_id === ctx.myId ? null : style.dim(`✓ read by ${ctx.userName(event.user_id)}`);
    case 'friend_request_received':
    case 'friend_request_accepted':
    case 'friend_removed':
    case 'presence_changed':
    case 'user_updated':
      return formatSocialEvent(event, ctx);
    case 'conversation_created':
    case 'participant_added':
    case 'participant_left':
      return formatConversationEvent(event, ctx);
    case 'server_notice':
      return (event.severity === 'info' ? style.cyan : style.red)(`[${event.severity}] ${event.message}`);
    case 'session_expiring':
      return style.red(
        `Your session expires at ${event.expires_at}: restart the client and log in again to stay connected`,
      );
  }
}

/** Room list rows: `#name  3 members  (joined) 4 unread (private)`. */
export function formatRooms(
  rooms: RoomListItem[],
  currentRoomId: string | undefined,
  unread: ReadonlyMap<string, number> = new Map(),
): string[] {
  if (rooms.length === 0) return [style.dim('(no rooms)')];
  return rooms.map(({ room, member_count, is_member }) => {
    const n = unread.get(room.id) ?? 0;
    const marks = [
      room.id === currentRoomId ? style.green('(current)') : is_member ? style.dim('(joined)') : '',
      n > 0 ? style.cyan(`${n} unread`) : '',
      room.settings.is_private ? style.yellow('(private)') : '',
    ].filter((m) => m !== '');
    const desc = room.settings.description !== null ? style.dim(` — ${room.settings.description}`) : '';
    return `  #${room.name}  ${member_count} member${member_count === 1 ? '' : 's'} ${marks.join(' ')}${desc}`;
  });
}

/** Invitation rows: `  [1] 5e4d3c2b  #general from alice (expires …)`. */
export function formatInvitations(invitations: Invitation[]): string[] {
  if (invitations.length === 0) return [style.dim('(no pending invitations)')];
  return invitations.map(
    (inv, i) =>
      `  [${i + 1}] ${shortId(inv.id)}  #${inv.room_name} from ${inv.inviter_name} ${style.dim(`(expires ${inv.expires_at})`)}`,
  );
}

/** Online user rows, by username. */
export function formatWho(users: User[], online: ReadonlySet<string>, myId: string): string[] {
  const rows = users
    .filter((u) => online.has(u.id))
    .map((u) => `  ● ${u.username}${u.id === myId ? style.dim(' (you)') : ''}`);
  return rows.length === 0 ? [style.dim('(nobody online)')] : rows;
}

/** The `/help` text. */
export const HELP: readonly string[] = [
  'Commands:',
  '  /rooms                     list public and joined rooms',
  '  /join <name|id>            join (or switch to) a room',
  '  /create <name> [--private] create a room and enter it',
  '  /leave                     leave the current room',
  '  /msg <user> <text>         send a direct message',
  '  /who                       list online users',
  '  /find-rooms <text>         public rooms whose name contains <text>',
  '  /find-users <text>         users whose name contains <text> (● online)',
  '  /invite <user…> [--role moderator] [--message text] [--ttl 48h]',
  '                             invite users to the current room',
  '  /invites [sent|received] [status]  list invitations (default: received, pending)',
  '  /accept <n|id>             accept an invitation (number from /invites or id prefix)',
  '  /decline <n|id>            decline an invitation',
  '  /revoke <n|id>             revoke an invitation you sent (number from /invites sent)',
  '  /accept-all                accept every pending invitation',
  '  /invite-link [--uses 10]   create a shareable invite link for the current room',
  '  /join-link <code>          join a room through an invite link',
  '  /invite-stats [room]       your invitation statistics (or the current room’s)',
  '  /history [n]               show recent messages in the current room',
  '  /more                      older messages (after /history) or more replies (after /thread)',
  '  /reply <n> <text>          reply to message [n]',
  '  /edit <n> <text>           replace the text of your message [n]',
  '  /delete <n>                delete message [n]',
  '  /react <n> <emoji>         add or remove a reaction on [n] (👍 or :shortcode:)',
  '  /thread <n>                show the thread of [n]: root and replies',
  '  /versions <n>              show the edit history of [n]',
  '  /pin <n> | /unpin <n>      pin or unpin [n] (room moderators and owners)',
  '  /pins                      pinned messages of the current room',
  '  /mentions                  messages that mention you (@yourname)',
  '  /upload <path>             send a file to the current room',
  '  /download <n>              save the attachments of [n] under ./downloads',
  '  /2fa setup | /2fa disable  turn two-factor login on (QR code for your authenticator) or off',
  '  /sessions                  list your sessions; /sessions revoke <n>; /sessions all logs out everywhere',
  '  /ban <user> [minutes] [reason]  ban a user everywhere (system moderators and admins)',
  '  /unban <user>              lift a ban',
  '  /kick <user>               remove a user from the current room (room moderators and owners)',
  '  /mute <user> [minutes] [reason]  mute a member of the current room (room moderators and owners)',
  '  /unmute <user>             lift a mute in the current room',
  '  /room-ban <user> [minutes] [reason]  remove a user from the current room and keep them out',
  "  /room-unban <user>         lift a room ban;  /room-bans  list the current room's bans",
  '  /slowmode <seconds>        one message per N s for members of the current room (0 = off)',
  '  /notice <text>             send a server notice to everyone (admins)',
  '  /audit [key=value …]       audit log: actor= action= target= before= after= (moderators)',
  '  /unread                    unread messages and mentions per room and DM',
  '  /read                      mark the current room read',
  '  /sync                      catch up now (also done on every connect and reconnect)',
  '  /search <query>            find messages: words, "phrase", pre*, -word, from:name, in:room, has:pin',
  "  /search-all <query>        search every room, and with from:name that user's DMs (system moderators; audited)",
  '  /export [file]             save the current room as JSONL (default <room>-export.jsonl)',
  '  /friend <user> [message]   send a friend request (or accept theirs)',
  '  /friends                   your friends (● online)',
  '  /requests                  pending friend requests, incoming and outgoing',
  '  /unfriend <user>           end a friendship',
  '  /block <user>              block a user: no DMs, invites or requests; their messages hidden',
  '  /unblock <user>            lift a block; /blocks lists them',
  '  /group <user> <user…> [title]  start a group conversation (3–50 people) and enter it',
  '  /group <n|title>           switch to a group (number from /groups); plain text then goes there',
  '  /groups                    your group conversations, most recent first',
  '  /gadd <user…> | /gleave    add people to the current group, or leave it',
  '  /away | /dnd | /back       set your presence to away, do not disturb, or online',
  '  /profile [user] | /profile <field> <value>  show a profile, or set display_name, status_message,',
  '                             avatar_url (https), timezone (e.g. Europe/Berlin), locale (e.g. de-DE); - clears',
  '  /prefs [key value]         show preferences, or set one: dm_from friends, show_online false, theme dark …',
  '  /help                      this help',
  '  /quit                      disconnect and exit',
  'Anything else is sent to the current room (or group). <n> is the number printed before a message, e.g. [12].',
];
