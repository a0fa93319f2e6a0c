// Moderation commands of the terminal client (docs/protocol/extensions.md §9): /ban /unban /kick /notice /audit for those the server allows.
import type { ChatSession } from '../sdk/session.js';
import type { CommandResult } from './commands.js';
import { style } from './render.js';

/** What the moderation commands need from the chat state. */
export interface ModerationCommandHost {
  readonly session: ChatSession;
  readonly currentRoomId: string | undefined;
}

type Raw = Record<string, unknown> & { success: boolean; error?: { code: string; message: string } };

/** Sends a moderation command and returns its response, or a red line for a failure. */
async function send(host: ModerationCommandHost, msg: Record<string, unknown>): Promise<Raw | CommandResult> {
  const res = (await host.session.request(msg as never)) as unknown as Raw;
  if (!res.success)
    return { lines: [style.red(`✖ ${res.error?.code ?? 'error'}: ${res.error?.message ?? ''}`)] };
  return res;
}
const failed = (r: Raw | CommandResult): r is CommandResult => 'lines' in r;

/** Parses `/audit` filters `key=value …` (actor, action, target, before, after). */
export function parseAuditFilters(rest: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of rest.trim().split(/\s+/).filter(Boolean)) {
    const [k, ...v] = part.split('=');
    if (k === undefined || v.length === 0) continue;
    out[k === 'target' ? 'target_id' : k] = v.join('=');
  }
  return out;
}

/** `/ban`, `/unban`, `/kick`, `/notice`, `/audit`, merged into the chat state's command table. */
export function moderationCommands(
  host: ModerationCommandHost,
): Record<string, (rest: string) => Promise<CommandResult>> {
  return {
    async ban(rest) {
      const [user, second, ...more] = rest.trim().split(/\s+/);
      if (user === undefined || user === '')
        return { lines: [style.yellow('Usage: /ban <user> [minutes] [reason]')] };
      const minutes = second !== undefined && /^\d+$/.test(second) ? Number(second) : undefined;
      const reason = [...(minutes === undefined && second !== undefined ? [second] : []), ...more].join(' ');
      const res = await send(host, {
        type: 'ban_user',
        user,
        reason,
        ...(minutes !== undefined ? { duration_minutes: minutes } : {}),
      });
      if (failed(res)) return res;
      const ban = res.ban as { expires_at: string | null };
      return {
        lines: [
          style.dim(
            `* ${user} banned ${ban.expires_at === null ? 'until unbanned' : `until ${ban.expires_at}`}`,
          ),
        ],
      };
    },

    async unban(rest) {
      const user = rest.trim();
      if (user === '') return { lines: [style.yellow('Usage: /unban <user>')] };
      const res = await send(host, { type: 'unban_user', user });
      return failed(res) ? res : { lines: [style.dim(`* ${user} unbanned`)] };
    },

    async kick(rest) {
      const user = rest.trim();
      if (user === '') return { lines: [style.yellow('Usage: /kick <user>')] };
      if (host.currentRoomId === undefined) return { lines: [style.yellow('Not in a room')] };
      const res = await send(host, { type: 'kick_member', room_id: host.currentRoomId, user });
      return failed(res) ? res : { lines: [style.dim(`* ${user} kicked`)] };
    },

    async notice(rest) {
      const text = rest.trim();
      if (text === '') return { lines: [style.yellow('Usage: /notice <text>')] };
      const res = await send(host, { type: 'send_server_notice', message: text, severity: 'info' });
      return failed(res) ? res : { lines: [] }; // the notice itself arrives as server_notice
    },

    async audit(rest) {
      const res = await send(host, { type: 'get_audit_log', filters: parseAuditFilters(rest), limit: 20 });
      if (failed(res)) return res;
      const entries = res.entries as {
        at: string;
        actor_username: string | null;
        action: string;
        target_id: string | null;
        details: Record<string, unknown>;
      }[];
      if (entries.length === 0) return { lines: [style.dim('(no audit entries)')] };
      return {
        lines: entries.map(
          (e) =>
            `${style.dim(e.at)} ${e.actor_username ?? '(system)'} ${style.bold(e.action)} ${e.target_id ?? ''} ${style.dim(JSON.stringify(e.details))}`,
        ),
      };
    },
  };
}
