// Moderation commands (docs/protocol/extensions.md §9, §0.3): bans, roles, kick, audit, server notices, room mutes/bans/slow mode; each service call asks the permission table.
import { z } from 'zod';
import type { AuditEntry } from '../../shared/features/audit/index.js';
import type { Ban } from '../../shared/features/moderation/index.js';
import type { Notice } from '../../shared/features/notices/index.js';
import type { Room } from '../../shared/features/rooms/index.js';
import type { RoomBan, RoomMute } from '../../shared/features/room-moderation/index.js';
import type { User } from '../../shared/features/users/index.js';
import { command, okResponse, u32, type CommandResponse } from '../protocol/index.js';
import { requireId, type CommandContext } from './context.js';
import { defineCommands } from './define.js';

declare module '../protocol/server-messages.js' {
  interface ResponsePayloads {
    ban_user_response: { ban: Ban };
    unban_user_response: NoFields;
    set_user_role_response: { user: User };
    kick_member_response: NoFields;
    get_audit_log_response: { entries: AuditEntry[]; next_cursor: string | null };
    send_server_notice_response: { notice: Notice };
    get_notices_response: { notices: Notice[] };
    mute_member_response: { mute: RoomMute };
    unmute_member_response: NoFields;
    ban_from_room_response: { ban: RoomBan };
    unban_from_room_response: NoFields;
    list_room_bans_response: { bans: RoomBan[] };
    set_slow_mode_response: { room: Room };
  }
}

/** `user`: a user id or a username (the terminal client sends names). */
const schemas = {
  ban_user: command('ban_user', {
    user: z.string(),
    reason: z.string().nullish(),
    duration_minutes: z.number().nullish(),
  }),
  unban_user: command('unban_user', { user: z.string() }),
  set_user_role: command('set_user_role', { user: z.string(), role: z.string() }),
  kick_member: command('kick_member', { room_id: z.string(), user: z.string() }),
  get_audit_log: command('get_audit_log', {
    filters: z
      .object({
        actor: z.string().nullish(),
        action: z.string().nullish(),
        target_id: z.string().nullish(),
        before: z.string().nullish(),
        after: z.string().nullish(),
      })
      .nullish(),
    cursor: z.string().nullish(),
    limit: u32,
  }),
  send_server_notice: command('send_server_notice', {
    message: z.string(),
    severity: z.string().nullish(),
    room_id: z.string().nullish(),
    expires_at: z.string().nullish(),
  }),
  get_notices: command('get_notices', {}),
  mute_member: command('mute_member', {
    room_id: z.string(),
    user: z.string(),
    duration_minutes: z.number().nullish(),
    reason: z.string().nullish(),
  }),
  unmute_member: command('unmute_member', { room_id: z.string(), user: z.string() }),
  ban_from_room: command('ban_from_room', {
    room_id: z.string(),
    user: z.string(),
    duration_minutes: z.number().nullish(),
    reason: z.string().nullish(),
  }),
  unban_from_room: command('unban_from_room', { room_id: z.string(), user: z.string() }),
  list_room_bans: command('list_room_bans', { room_id: z.string() }),
  set_slow_mode: command('set_slow_mode', { room_id: z.string(), seconds: z.number() }),
};
type Msg<K extends keyof typeof schemas> = z.output<(typeof schemas)[K]>;

const actor = (ctx: CommandContext): string => ctx.auth.user.id;

/** `ban_user` -> `ban` (moderator+; not on admins). */
async function banUser(msg: Msg<'ban_user'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const target = await ctx.services.moderation.resolveUser(actor(ctx), msg.user, 'user.ban');
  const ban = await ctx.services.moderation.ban(actor(ctx), target.id, {
    reason: msg.reason ?? '',
    duration_minutes: msg.duration_minutes ?? null,
  });
  return okResponse('ban_user_response', msg.request_id, { ban });
}

/** `unban_user` -> `{}` (moderator+). */
async function unbanUser(msg: Msg<'unban_user'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const target = await ctx.services.moderation.resolveUser(actor(ctx), msg.user, 'user.ban');
  await ctx.services.moderation.unban(actor(ctx), target.id);
  return okResponse('unban_user_response', msg.request_id, {});
}

/** `set_user_role` -> `user` (admin; `last_admin`). */
async function setUserRole(msg: Msg<'set_user_role'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const target = await ctx.services.moderation.resolveUser(actor(ctx), msg.user, 'user.role');
  const user = await ctx.services.moderation.setRole(actor(ctx), target.id, msg.role);
  return okResponse('set_user_role_response', msg.request_id, { user });
}

/** `kick_member` -> `{}`: the room kick of docs/protocol/domain.md §7 by user id or name. */
async function kickMember(msg: Msg<'kick_member'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const roomId = requireId(msg.room_id, 'room_not_found', 'Room not found');
  const target = await ctx.services.moderation.resolveUser(actor(ctx), msg.user);
  await ctx.services.rooms.kick(actor(ctx), roomId, target.id);
  return okResponse('kick_member_response', msg.request_id, {});
}

/** `get_audit_log` -> `entries`, `next_cursor` (moderator+; bad date ⇒ `validation_failed`). */
async function getAuditLog(msg: Msg<'get_audit_log'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const f = msg.filters ?? {};
  const query = Object.fromEntries(
    Object.entries({ ...f, cursor: msg.cursor }).filter(([, v]) => v != null && v !== ''),
  ) as Record<string, string>;
  const page = await ctx.services.audit.list(actor(ctx), {
    ...query,
    ...(msg.limit != null ? { limit: msg.limit } : {}),
  });
  return okResponse('get_audit_log_response', msg.request_id, page);
}

/** `send_server_notice` -> `notice` (admin); everyone (or the room) gets `server_notice`. */
async function sendServerNotice(
  msg: Msg<'send_server_notice'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  await ctx.requireSession();
  const notice = await ctx.services.notices.create(actor(ctx), {
    message: msg.message,
    ...(msg.severity != null ? { severity: msg.severity } : {}),
    room_id: msg.room_id == null ? null : requireId(msg.room_id, 'room_not_found', 'Room not found'),
    expires_at: msg.expires_at ?? null,
  });
  return okResponse('send_server_notice_response', msg.request_id, { notice });
}

/** `get_notices` -> the caller's active notices. */
async function getNotices(msg: Msg<'get_notices'>, ctx: CommandContext): Promise<CommandResponse> {
  const notices = await ctx.services.notices.listActive(actor(ctx));
  return okResponse('get_notices_response', msg.request_id, { notices });
}

const roomOf = (raw: string): string => requireId(raw, 'room_not_found', 'Room not found');

/** `mute_member` -> `mute` (room moderator+; not on the owner). Emits `member_muted`. */
async function muteMember(msg: Msg<'mute_member'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const roomId = roomOf(msg.room_id);
  const target = await ctx.services.moderation.resolveUser(actor(ctx), msg.user, 'room.moderate');
  const mute = await ctx.services.roomModeration.mute(actor(ctx), roomId, target.id, {
    reason: msg.reason ?? null,
    duration_minutes: msg.duration_minutes ?? null,
  });
  return okResponse('mute_member_response', msg.request_id, { mute });
}

/** `unmute_member` -> `{}`; `not_found` when not muted. Emits `member_unmuted`. */
async function unmuteMember(msg: Msg<'unmute_member'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const roomId = roomOf(msg.room_id);
  const target = await ctx.services.moderation.resolveUser(actor(ctx), msg.user, 'room.moderate');
  await ctx.services.roomModeration.unmute(actor(ctx), roomId, target.id);
  return okResponse('unmute_member_response', msg.request_id, {});
}

/** `ban_from_room` -> `ban` (room moderator+); a member is removed with `user_left_room` reason `banned`. */
async function banFromRoom(msg: Msg<'ban_from_room'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const roomId = roomOf(msg.room_id);
  const target = await ctx.services.moderation.resolveUser(actor(ctx), msg.user, 'room.moderate');
  const ban = await ctx.services.roomModeration.ban(actor(ctx), roomId, target.id, {
    reason: msg.reason ?? null,
    duration_minutes: msg.duration_minutes ?? null,
  });
  return okResponse('ban_from_room_response', msg.request_id, { ban });
}

/** `unban_from_room` -> `{}`; `not_found` when not banned. */
async function unbanFromRoom(msg: Msg<'unban_from_room'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const roomId = roomOf(msg.room_id);
  const target = await ctx.services.moderation.resolveUser(actor(ctx), msg.user, 'room.moderate');
  await ctx.services.roomModeration.unban(actor(ctx), roomId, target.id);
  return okResponse('unban_from_room_response', msg.request_id, {});
}

/** `list_room_bans` -> `bans` (room moderator+). */
async function listRoomBans(msg: Msg<'list_room_bans'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const bans = await ctx.services.roomModeration.listBans(actor(ctx), roomOf(msg.room_id));
  return okResponse('list_room_bans_response', msg.request_id, { bans });
}

/** `set_slow_mode` -> `room` (room moderator+; 0–3600 s, 0 = off). Emits `room_updated`. */
async function setSlowMode(msg: Msg<'set_slow_mode'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const room = await ctx.services.roomModeration.setSlowMode(actor(ctx), roomOf(msg.room_id), msg.seconds);
  return okResponse('set_slow_mode_response', msg.request_id, { room });
}

/** The moderation commands (registered in ./index.ts). */
export const moderationCommands = defineCommands({
  schemas,
  handlers: {
    ban_user: banUser,
    unban_user: unbanUser,
    set_user_role: setUserRole,
    kick_member: kickMember,
    get_audit_log: getAuditLog,
    send_server_notice: sendServerNotice,
    get_notices: getNotices,
    mute_member: muteMember,
    unmute_member: unmuteMember,
    ban_from_room: banFromRoom,
    unban_from_room: unbanFromRoom,
    list_room_bans: listRoomBans,
    set_slow_mode: setSlowMode,
  },
});
