// lair.social commands of the terminal client (docs/protocol/extensions.md §7.1, §7.3, §8): /profile /prefs /block /unblock /blocks /friends /friend /unfriend /requests /away /dnd /back.
import type { ChatSession } from '../sdk/session.js';
import type { Block, FriendRequest, FriendRow, Preferences } from '../../shared/features/social/index.js';
import type { User } from '../../shared/features/users/index.js';
import type { CommandResult } from './commands.js';
import { style } from './render.js';
import {
  formatBlocks,
  formatFriends,
  formatPreferences,
  formatProfile,
  formatRequests,
} from './social-render.js';

/** What the social commands need from the chat state. */
export interface SocialCommandHost {
  readonly session: ChatSession;
  readonly myId: string;
  /** A user by name (the chat state's cache / `list_users`). */
  findUser(username: string): Promise<User | null>;
}

const PROFILE_KEYS = new Set(['display_name', 'status_message', 'avatar_url', 'timezone', 'locale']);
const PREF_GROUP: Record<string, 'privacy' | 'notifications' | undefined> = {
  dm_from: 'privacy',
  show_online: 'privacy',
  send_read_receipts: 'privacy',
  dm: 'notifications',
  mentions: 'notifications',
  rooms: 'notifications',
};

/** `true`/`false` become booleans, anything else stays text. */
const prefValue = (v: string): string | boolean => (v === 'true' ? true : v === 'false' ? false : v);

type Raw = Record<string, unknown> & { success: boolean; error?: { code: string; message: string } };

/** Sends a command and returns its response, or a red line for a failure. */
async function send(host: SocialCommandHost, msg: Record<string, unknown>): Promise<Raw | CommandResult> {
  const res = (await host.session.request(msg as never)) as unknown as Raw;
  if (!res.success)
    return { lines: [style.red(`✖ ${res.error?.code ?? 'error'}: ${res.error?.message ?? ''}`)] };
  return res;
}
const failed = (r: Raw | CommandResult): r is CommandResult => 'lines' in r;
const usage = (text: string): CommandResult => ({ lines: [style.yellow(`Usage: ${text}`)] });

/** `/block`, `/unblock`, `/blocks`, `/friends`, `/friend`, `/unfriend`, `/requests`, merged into the chat state's command table. */
export function socialCommands(
  host: SocialCommandHost,
): Record<string, (rest: string) => Promise<CommandResult>> {
  /** One-user command: `/name <user>` -> `{type, username}`. */
  const oneUser =
    (type: string, use: string, done: (user: string) => string) =>
    async (rest: string): Promise<CommandResult> => {
      const user = rest.trim();
      if (user === '' || /\s/.test(user)) return usage(use);
      const res = await send(host, { type, username: user });
      return failed(res) ? res : { lines: [style.dim(`* ${done(user)}`)] };
    };
  /** `/away`, `/dnd`, `/back`: `set_presence` (extensions.md §8). */
  const presence = (status: 'online' | 'away' | 'dnd', text: string) => async (): Promise<CommandResult> => {
    const res = await send(host, { type: 'set_presence', status });
    return failed(res) ? res : { lines: [style.dim(`* ${text}`)] };
  };
  return {
    async profile(rest) {
      const [first, ...more] = rest.trim().split(/\s+/).filter(Boolean);
      if (first !== undefined && PROFILE_KEYS.has(first)) {
        const value = more.join(' ');
        if (value === '') return usage(`/profile ${first} <value>  (- clears it)`);
        const res = await send(host, { type: 'update_profile', [first]: value === '-' ? null : value });
        return failed(res) ? res : { lines: formatProfile(res.user as User) };
      }
      const target = first === undefined ? { id: host.myId } : await host.findUser(first);
      if (target === null) return { lines: [style.red(`✖ no user named ${first ?? ''}`)] };
      const res = await send(host, { type: 'get_user', user_id: target.id });
      return failed(res) ? res : { lines: formatProfile(res.user as User) };
    },

    async prefs(rest) {
      const [key, value] = rest.trim().split(/\s+/).filter(Boolean);
      if (key === undefined) {
        const res = await send(host, { type: 'get_preferences' });
        return failed(res) ? res : { lines: formatPreferences(res.preferences as Preferences) };
      }
      if (value === undefined) return usage('/prefs <key> <value>, e.g. /prefs dm_from friends');
      const group = PREF_GROUP[key];
      const preferences =
        key === 'theme'
          ? { theme: value }
          : group === undefined
            ? null
            : { [group]: { [key]: prefValue(value) } };
      if (preferences === null)
        return usage('/prefs dm_from|show_online|send_read_receipts|dm|mentions|rooms|theme <value>');
      const res = await send(host, { type: 'update_preferences', preferences });
      return failed(res) ? res : { lines: formatPreferences(res.preferences as Preferences) };
    },

    away: presence('away', 'you are away'),
    dnd: presence('dnd', 'do not disturb: your contacts see you as busy'),
    back: presence('online', 'you are back online'),
    block: oneUser(
      'block_user',
      '/block <user>',
      (u) =>
        `${u} is blocked: no DMs, invitations or friend requests between you; their room messages are hidden`,
    ),
    unblock: oneUser('unblock_user', '/unblock <user>', (u) => `${u} is unblocked`),
    unfriend: oneUser('remove_friend', '/unfriend <user>', (u) => `you and ${u} are no longer friends`),

    async blocks() {
      const res = await send(host, { type: 'list_blocks', limit: 100 });
      return failed(res) ? res : { lines: formatBlocks(res.blocks as Block[]) };
    },

    async friends() {
      const res = await send(host, { type: 'list_friends', limit: 100 });
      return failed(res) ? res : { lines: formatFriends(res.friends as FriendRow[]) };
    },

    async friend(rest) {
      const [user, ...note] = rest.trim().split(/\s+/);
      if (user === undefined || user === '') return usage('/friend <user> [message]');
      const message = note.join(' ');
      const res = await send(host, {
        type: 'send_friend_request',
        username: user,
        ...(message !== '' ? { message } : {}),
      });
      if (failed(res)) return res;
      // A mutual request is a friendship at once: the `friend_request_accepted` event (to both
      // parties, extensions.md §7.3) prints "now friends", so the command adds no second line.
      return { lines: 'friendship' in res ? [] : [style.dim(`* friend request sent to ${user}`)] };
    },

    async requests() {
      const [incoming, outgoing] = await Promise.all([
        send(host, { type: 'list_friend_requests', direction: 'incoming', limit: 100 }),
        send(host, { type: 'list_friend_requests', direction: 'outgoing', limit: 100 }),
      ]);
      if (failed(incoming)) return incoming;
      if (failed(outgoing)) return outgoing;
      return {
        lines: formatRequests(incoming.requests as FriendRequest[], outgoing.requests as FriendRequest[]),
      };
    },
  };
}
