// Invitation commands of the terminal client: /invite with options, /invites sent|received, /revoke, /accept-all, /invite-link, /join-link, /invite-stats, and the login summary (docs/protocol/extensions.md §6).
import type { Invitation, InvitationStatus } from '../../shared/features/invitations/index.js';
import type { User } from '../../shared/features/users/index.js';
import type { ChatSession } from '../sdk/session.js';
import type { CommandResult } from './commands.js';
import { formatInvitationRows, formatInvitationStats } from './invitation-render.js';
import { shortId, style } from './render.js';

/** What the invitation commands need from the chat state. */
export interface InvitationCommandHost {
  readonly session: ChatSession;
  readonly myId: string;
  readonly currentRoomId: string | undefined;
  roomName(id: string): string;
  findUser(username: string): Promise<User | null>;
  /** The numbered list `/accept <n>`, `/decline <n>` and `/revoke <n>` refer to. */
  rememberInvitations(list: Invitation[]): void;
  numberedInvitation(ref: string): Invitation | undefined;
  /** Switches to a room just joined. */
  enterRoom(roomId: string, name: string): void;
  /** Creates an invite link over HTTP (links have no TCP command, extensions.md §6.2); absent: /invite-link says so. */
  readonly links?: InviteLinkMaker | undefined;
}

/** Creates an invite link for a room (`POST /api/v1/rooms/{id}/invite-links`). */
export type InviteLinkMaker = (
  roomId: string,
  maxUses: number | null,
) => Promise<{ code: string; max_uses: number | null }>;

const STATUSES = new Set(['pending', 'accepted', 'declined', 'cancelled', 'expired', 'all']);

/**
 * Parses `/invite alice bob --role moderator --message hi there --ttl 48h`: usernames, then
 * flags; `--message` takes every word up to the next flag (quotes optional); `--ttl` takes hours
 * (`48`, `48h`) or days (`2d`).
 * @returns null when a flag is malformed
 */
export function parseInviteArgs(
  rest: string,
): { users: string[]; role?: 'member' | 'moderator'; message?: string; ttlHours?: number } | null {
  const tokens = [...rest.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
  const out: { users: string[]; role?: 'member' | 'moderator'; message?: string; ttlHours?: number } = {
    users: [],
  };
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] ?? '';
    const value = tokens[i + 1];
    if (tok === '--role') {
      if (value !== 'member' && value !== 'moderator') return null;
      out.role = value;
      i++;
    } else if (tok === '--message') {
      // Quoted or not: every word up to the next flag is the message.
      const words: string[] = [];
      while (i + 1 < tokens.length && !(tokens[i + 1] ?? '').startsWith('--')) words.push(tokens[++i] ?? '');
      if (words.length === 0) return null;
      out.message = words.join(' ');
    } else if (tok === '--ttl') {
      const m = /^(\d+)([hd]?)$/.exec(value ?? '');
      if (m === null) return null;
      out.ttlHours = Number(m[1]) * (m[2] === 'd' ? 24 : 1);
      i++;
    } else if (tok.startsWith('--')) return null;
    else out.users.push(tok.replace(/^@/, ''));
  }
  return out;
}

/** The login summary lines: pending invitations, and a reminder for those expiring within 24 h. */
export async function invitationSummaryLines(session: ChatSession): Promise<string[]> {
  const s = await session.call({ type: 'invitation_summary' });
  const pending = s.pending ?? [];
  const lines: string[] = [];
  if (pending.length > 0) {
    lines.push(
      style.magenta(
        `✉ You have ${pending.length} pending invitation${pending.length === 1 ? '' : 's'} — /invites`,
      ),
    );
  }
  for (const inv of s.expiring_soon ?? []) {
    lines.push(
      style.magenta(
        `⏰ invitation to #${inv.room_name} from ${inv.inviter_name} expires ${inv.expires_at} — /accept ${shortId(inv.id)}`,
      ),
    );
  }
  return lines;
}

/** The invitation commands, merged into the chat state's command table (they replace the basic /invite and /invites). */
export function invitationCommands(
  host: InvitationCommandHost,
): Record<string, (rest: string) => Promise<CommandResult>> {
  const usage = (text: string): CommandResult => ({ lines: [style.yellow(`Usage: ${text}`)] });
  return {
    async invite(rest) {
      const args = parseInviteArgs(rest);
      if (args === null || args.users.length === 0) {
        return usage('/invite <user…> [--role moderator] [--message text] [--ttl 48h]');
      }
      const roomId = host.currentRoomId;
      if (roomId === undefined) return { lines: [style.yellow('Join a room first')] };
      const res = await host.session.call({
        type: 'invite_multiple',
        room_id: roomId,
        usernames: args.users,
        ...(args.role !== undefined ? { role: args.role } : {}),
        ...(args.message !== undefined ? { message: args.message } : {}),
        ...(args.ttlHours !== undefined ? { ttl_hours: args.ttlHours } : {}),
      });
      return {
        lines: (res.results ?? []).map((r, i) =>
          'invitation' in r
            ? style.green(`Invited ${r.invitation.invitee_name} to #${host.roomName(roomId)}`)
            : style.red(`${args.users[i] ?? r.user_id}: ${r.error.message}`),
        ),
      };
    },

    async invites(rest) {
      const [dirArg, statusArg] = rest.split(/\s+/).filter((x) => x !== '');
      const sent = dirArg === 'sent';
      const statusWord = dirArg !== undefined && STATUSES.has(dirArg) ? dirArg : statusArg;
      if (dirArg !== undefined && dirArg !== 'sent' && dirArg !== 'received' && !STATUSES.has(dirArg)) {
        return usage('/invites [sent|received] [pending|accepted|declined|cancelled|expired|all]');
      }
      const status = (statusWord ?? (sent ? 'all' : 'pending')) as InvitationStatus | 'all';
      const res = await host.session.call({
        type: sent ? 'list_sent_invitations' : 'list_invitations',
        direction: sent ? 'sent' : 'received',
        status,
        limit: 50,
      });
      const list = res.invitations ?? [];
      host.rememberInvitations(list);
      return {
        lines: [
          `${sent ? 'Sent' : 'Received'} invitations (${status}):`,
          ...formatInvitationRows(list, host.myId),
        ],
      };
    },

    async revoke(rest) {
      if (rest === '') return usage('/revoke <n|id>');
      const id = host.numberedInvitation(rest)?.id ?? rest;
      const { invitation } = await host.session.call({ type: 'revoke_invitation', invitation_id: id });
      const who =
        invitation !== undefined ? ` of ${invitation.invitee_name} to #${invitation.room_name}` : '';
      return { lines: [style.yellow(`Revoked the invitation${who}`)] };
    },

    async 'accept-all'() {
      const results = (await host.session.call({ type: 'accept_all_invitations' })).results ?? [];
      if (results.length === 0) return { lines: [style.dim('(no pending invitations)')] };
      return {
        lines: results.map((r) =>
          'membership' in r
            ? style.green(`Joined #${host.roomName(r.membership.room_id)}`)
            : style.red(`${shortId(r.invitation_id)}: ${r.error.message}`),
        ),
      };
    },

    async 'invite-link'(rest) {
      const m = /^(?:--uses\s+(\d+))?\s*$/.exec(rest);
      if (m === null) return usage('/invite-link [--uses 10]');
      const roomId = host.currentRoomId;
      if (roomId === undefined) return { lines: [style.yellow('Join a room first')] };
      if (host.links === undefined)
        return { lines: [style.red('Invite links need the HTTP API, which is not available')] };
      const link = await host.links(roomId, m[1] !== undefined ? Number(m[1]) : null);
      const uses = link.max_uses === null ? 'unlimited uses' : `${link.max_uses} uses`;
      return {
        lines: [style.green(`Invite link for #${host.roomName(roomId)} (${uses}): /join-link ${link.code}`)],
      };
    },

    async 'join-link'(rest) {
      if (rest === '') return usage('/join-link <code>');
      const { room } = await host.session.call({ type: 'join_by_invite_link', code: rest });
      if (room === undefined) return { lines: [] };
      host.enterRoom(room.id, room.name);
      return { lines: [style.green(`Joined #${room.name}`)] };
    },

    async 'invite-stats'(rest) {
      const roomScope = rest.trim() === 'room' ? host.currentRoomId : undefined;
      const res = await host.session.call({
        type: 'invitation_stats',
        ...(roomScope !== undefined ? { room_id: roomScope } : {}),
      });
      return {
        lines: [
          roomScope !== undefined ? `Invitations of #${host.roomName(roomScope)}:` : 'Your invitations:',
          ...(res.stats !== undefined ? formatInvitationStats(res.stats) : []),
        ],
      };
    },
  };
}
