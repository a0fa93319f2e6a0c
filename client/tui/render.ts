// Pure text rendering for the terminal client: events, messages, room and invitation lists.
import type { EventPayload } from '../../shared/kernel/events.js';
import type { Invitation } from '../../shared/features/invitations/index.js';
import type { Message } from '../../shared/features/messages/index.js';
import type { RoomListItem } from '../../shared/features/rooms/index.js';
import type { User } from '../../shared/features/users/index.js';

/** Name lookups and viewpoint used when rendering. */
export interface RenderContext {
  /** The logged-in user's id. */
  myId: string;
  /** Room currently shown, if any. */
  currentRoomId: string | undefined;
  /** Room name for an id (falls back to a short id). */
  roomName(id: string): string;
  /** Username for an id (falls back to a short id). */
  userName(id: string): string;
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

/** One chat line: `12:00 <alice> hi`, prefixed with `#room` outside the current room or `DM`. */
export function formatMessage(message: Message, author: string, ctx: RenderContext): string {
  const time = style.dim(clock(message.created_at));
  const edited = message.edited ? style.dim(' (edited)') : '';
  const who = message.author === ctx.myId ? style.green(`<${author}>`) : style.cyan(`<${author}>`);
  const target = message.target;
  let where = '';
  if (target.type === 'dm') {
    const other = message.author === ctx.myId ? ctx.userName(target.recipient) : author;
    where = style.magenta(`[DM ${other}] `);
  } else if (target.room_id !== ctx.currentRoomId) {
    where = style.yellow(`[#${ctx.roomName(target.room_id)}] `);
  }
  return `${time} ${where}${who} ${message.content}${edited}`;
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
      return note(`${ctx.userName(event.message.author)} edited a message: ${event.message.content}`);
    case 'message_deleted':
      return note(`${ctx.userName(event.deleted_by)} deleted a message`);
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
      return style.dim(`${ctx.userName(event.user_id)} is typing…`);
    }
    case 'invitation_received':
      return style.magenta(
        `✉ ${event.invitation.inviter_name} invited you to #${event.invitation.room_name} — /accept ${shortId(event.invitation.id)}`,
      );
    case 'room_updated':
      return note(`#${event.room.name} was updated`);
    case 'server_notice':
      return (event.severity === 'info' ? style.cyan : style.red)(`[${event.severity}] ${event.message}`);
  }
}

/** Room list rows: `#name  3 members  (joined) (private)`. */
export function formatRooms(rooms: RoomListItem[], currentRoomId: string | undefined): string[] {
  if (rooms.length === 0) return [style.dim('(no rooms)')];
  return rooms.map(({ room, member_count, is_member }) => {
    const marks = [
      room.id === currentRoomId ? style.green('(current)') : is_member ? style.dim('(joined)') : '',
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
  '  /invite <user>             invite a user to the current room',
  '  /invites                   list your pending invitations',
  '  /accept <n|id>             accept an invitation (number from /invites or id prefix)',
  '  /decline <n|id>            decline an invitation',
  '  /history [n]               show recent messages in the current room',
  '  /help                      this help',
  '  /quit                      disconnect and exit',
  'Anything else is sent to the current room.',
];
