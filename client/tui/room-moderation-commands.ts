// Room moderation commands of the terminal client (docs/protocol/extensions.md §9): /mute /unmute /room-ban /room-unban /room-bans /slowmode in the current room.
import type { CommandResult } from './commands.js';
import type { ModerationCommandHost } from './moderation-commands.js';
import { style } from './render.js';

type Raw = Record<string, unknown> & {
  success: boolean;
  error?: { code: string; message: string; retry_after_ms?: number };
};

/** `<user> [minutes] [reason…]` → its parts (minutes only when the second word is a whole number). */
export function parseSanction(rest: string): { user: string; minutes?: number; reason: string } | null {
  const [user, second, ...more] = rest.trim().split(/\s+/);
  if (user === undefined || user === '') return null;
  const minutes = second !== undefined && /^\d+$/.test(second) ? Number(second) : undefined;
  const reason = [...(minutes === undefined && second !== undefined ? [second] : []), ...more].join(' ');
  return { user, reason, ...(minutes !== undefined ? { minutes } : {}) };
}

/** `/mute`, `/unmute`, `/room-ban`, `/room-unban`, `/room-bans`, `/slowmode`, merged into the chat state's command table. */
export function roomModerationCommands(
  host: ModerationCommandHost,
): Record<string, (rest: string) => Promise<CommandResult>> {
  /** Sends `msg` for the current room; a red line for a failure or when no room is current. */
  async function inRoom(msg: Record<string, unknown>, ok: (res: Raw) => string): Promise<CommandResult> {
    if (host.currentRoomId === undefined) return { lines: [style.yellow('Not in a room')] };
    const res = (await host.session.request({
      ...msg,
      room_id: host.currentRoomId,
    } as never)) as unknown as Raw;
    if (!res.success)
      return { lines: [style.red(`✖ ${res.error?.code ?? 'error'}: ${res.error?.message ?? ''}`)] };
    return { lines: [style.dim(`* ${ok(res)}`)] };
  }
  const until = (expires: unknown): string =>
    typeof expires === 'string' ? `until ${expires}` : 'until lifted';

  return {
    mute(rest) {
      const p = parseSanction(rest);
      if (p === null)
        return Promise.resolve({ lines: [style.yellow('Usage: /mute <user> [minutes] [reason]')] });
      return inRoom(
        {
          type: 'mute_member',
          user: p.user,
          reason: p.reason,
          ...(p.minutes ? { duration_minutes: p.minutes } : {}),
        },
        (res) => `${p.user} muted ${until((res.mute as { expires_at?: unknown }).expires_at)}`,
      );
    },
    unmute(rest) {
      const user = rest.trim();
      if (user === '') return Promise.resolve({ lines: [style.yellow('Usage: /unmute <user>')] });
      return inRoom({ type: 'unmute_member', user }, () => `${user} unmuted`);
    },
    'room-ban'(rest) {
      const p = parseSanction(rest);
      if (p === null)
        return Promise.resolve({ lines: [style.yellow('Usage: /room-ban <user> [minutes] [reason]')] });
      return inRoom(
        {
          type: 'ban_from_room',
          user: p.user,
          reason: p.reason,
          ...(p.minutes ? { duration_minutes: p.minutes } : {}),
        },
        (res) => `${p.user} banned from this room ${until((res.ban as { expires_at?: unknown }).expires_at)}`,
      );
    },
    'room-unban'(rest) {
      const user = rest.trim();
      if (user === '') return Promise.resolve({ lines: [style.yellow('Usage: /room-unban <user>')] });
      return inRoom({ type: 'unban_from_room', user }, () => `${user} may join this room again`);
    },
    'room-bans'() {
      return inRoom({ type: 'list_room_bans' }, (res) => {
        const bans = res.bans as { user_id: string; reason: string; expires_at: string | null }[];
        return bans.length === 0
          ? 'no room bans'
          : `room bans: ${bans.map((b) => `${b.user_id.slice(0, 8)} ${until(b.expires_at)}${b.reason ? ` (${b.reason})` : ''}`).join('; ')}`;
      });
    },
    slowmode(rest) {
      const seconds = rest.trim();
      if (!/^\d+$/.test(seconds))
        return Promise.resolve({
          lines: [style.yellow('Usage: /slowmode <seconds> (0 = off, at most 3600)')],
        });
      return inRoom({ type: 'set_slow_mode', seconds: Number(seconds) }, () =>
        Number(seconds) === 0 ? 'slow mode off' : `slow mode: one message per ${seconds} s`,
      );
    },
  };
}
