// Invitation lifecycle commands of docs/protocol/extensions.md §6.2: invite_multiple, list_sent_invitations, get_invitation, revoke_invitation, accept_all_invitations, invitation_stats, invitation_summary, join_by_invite_link.
import { z } from 'zod';
import type {
  AcceptAllResult,
  BulkResult,
  Invitation,
  InvitationListQuery,
  InvitationPage,
  InvitationStats,
  InvitationSummary,
  InviteOptions,
} from '../../shared/features/invitations/index.js';
import type { Room, RoomMembership } from '../../shared/features/rooms/index.js';
import { DomainError } from '../../shared/kernel/errors.js';
import { PAGE } from '../../shared/kernel/validation.js';
import { command, okResponse, type CommandResponse } from '../protocol/index.js';
import { invitationId, requireId, roomId, type CommandContext } from './context.js';
import { defineCommands } from './define.js';

declare module '../protocol/server-messages.js' {
  interface ResponsePayloads {
    invite_multiple_response: { results: BulkResult[]; created: number; failed: number };
    list_sent_invitations_response: InvitationPage;
    get_invitation_response: { invitation: Invitation };
    revoke_invitation_response: { invitation: Invitation };
    accept_all_invitations_response: { results: AcceptAllResult[] };
    invitation_stats_response: { stats: InvitationStats };
    invitation_summary_response: InvitationSummary;
    join_by_invite_link_response: { room: Room; membership: RoomMembership };
  }
}

/** The §6.1 fields of an invite command (TCP: any member may invite, as upstream). */
export const inviteFieldShape = {
  message: z.string().nullish(),
  role: z.enum(['member', 'moderator']).optional(),
  ttl_hours: z.number().int().optional(),
  template_id: z.string().optional(),
};

/** The service's options from a parsed command (TCP: `requireModerator: false`). */
export function tcpInviteOptions(msg: {
  message?: string | null | undefined;
  role?: 'member' | 'moderator' | undefined;
  ttl_hours?: number | undefined;
  template_id?: string | undefined;
}): InviteOptions {
  return {
    requireModerator: false,
    ...(msg.message !== undefined ? { message: msg.message } : {}),
    ...(msg.role !== undefined ? { role: msg.role } : {}),
    ...(msg.ttl_hours !== undefined ? { ttlHours: msg.ttl_hours } : {}),
    ...(msg.template_id !== undefined
      ? { templateId: requireId(msg.template_id, 'not_found', 'Template not found') }
      : {}),
  };
}

/** List filter fields (extensions.md §6.2), shared with `list_invitations`. */
export const listFieldShape = {
  direction: z.enum(['received', 'sent']).optional(),
  status: z.enum(['pending', 'accepted', 'declined', 'cancelled', 'expired', 'all']).optional(),
  room_id: z.string().optional(),
  q: z.string().optional(),
  cursor: z.string().optional(),
  limit: z.number().int().optional(),
};
type ListFields = z.output<z.ZodObject<typeof listFieldShape>>;

/** True when a list command uses an extension field (otherwise upstream's answer). */
export const isExtendedListMsg = (m: ListFields): boolean =>
  (Object.keys(listFieldShape) as (keyof ListFields)[]).some((k) => m[k] !== undefined);

/** The list query of a command. @throws `validation_failed` for a limit outside 1–100 */
export function listQueryOf(m: ListFields, direction: 'received' | 'sent'): InvitationListQuery {
  const limit = m.limit ?? PAGE.defaultLimit;
  if (limit < 1 || limit > PAGE.maxLimit)
    throw new DomainError('validation_failed', 'Validation failed: limit - 1-100');
  return {
    direction: m.direction ?? direction,
    status: m.status ?? (direction === 'sent' ? 'all' : 'pending'),
    limit,
    ...(m.room_id !== undefined ? { roomId: roomId(m.room_id) } : {}),
    ...(m.q !== undefined ? { q: m.q } : {}),
    ...(m.cursor !== undefined ? { cursor: m.cursor } : {}),
  };
}

const schemas = {
  invite_multiple: command('invite_multiple', {
    room_id: z.string(),
    user_ids: z.array(z.string()).optional(),
    usernames: z.array(z.string()).optional(),
    ...inviteFieldShape,
  }),
  list_sent_invitations: command('list_sent_invitations', listFieldShape),
  get_invitation: command('get_invitation', { invitation_id: z.string() }),
  revoke_invitation: command('revoke_invitation', { invitation_id: z.string() }),
  accept_all_invitations: command('accept_all_invitations', {}),
  invitation_stats: command('invitation_stats', {
    room_id: z.string().optional(),
    all: z.boolean().optional(),
  }),
  invitation_summary: command('invitation_summary', {}),
  join_by_invite_link: command('join_by_invite_link', { code: z.string() }),
};
type Msg<K extends keyof typeof schemas> = z.output<(typeof schemas)[K]>;

/** `invite_multiple` -> `{results, created, failed}`; any member may invite (TCP rule). */
async function inviteMultiple(msg: Msg<'invite_multiple'>, ctx: CommandContext): Promise<CommandResponse> {
  const room = roomId(msg.room_id);
  await ctx.requireSession();
  const out = await ctx.services.invitations.createBulk(
    ctx.auth.user.id,
    room,
    {
      ...(msg.user_ids ? { userIds: msg.user_ids } : {}),
      ...(msg.usernames ? { usernames: msg.usernames } : {}),
    },
    tcpInviteOptions(msg),
  );
  return okResponse('invite_multiple_response', msg.request_id, out);
}

/** `list_sent_invitations` -> `{invitations, next_cursor}` (default status `all`). */
async function listSent(msg: Msg<'list_sent_invitations'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const page = await ctx.services.invitations.list(
    ctx.auth.user.id,
    listQueryOf({ ...msg, direction: 'sent' }, 'sent'),
  );
  return okResponse('list_sent_invitations_response', msg.request_id, page);
}

/** `get_invitation` -> `{invitation}`. */
async function getInvitation(msg: Msg<'get_invitation'>, ctx: CommandContext): Promise<CommandResponse> {
  const id = invitationId(msg.invitation_id);
  await ctx.requireSession();
  const invitation = await ctx.services.invitations.get(ctx.auth.user.id, id);
  return okResponse('get_invitation_response', msg.request_id, { invitation });
}

/** `revoke_invitation` -> `{invitation}` (cancelled). */
async function revokeInvitation(
  msg: Msg<'revoke_invitation'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  const id = invitationId(msg.invitation_id);
  await ctx.requireSession();
  const invitation = await ctx.services.invitations.revoke(ctx.auth.user.id, id);
  return okResponse('revoke_invitation_response', msg.request_id, { invitation });
}

/** `accept_all_invitations` -> `{results}`. */
async function acceptAll(msg: Msg<'accept_all_invitations'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  return okResponse(
    'accept_all_invitations_response',
    msg.request_id,
    await ctx.services.invitations.acceptAll(ctx.auth.user.id),
  );
}

/** `invitation_stats {room_id?, all?}` -> `{stats}`. */
async function invitationStats(msg: Msg<'invitation_stats'>, ctx: CommandContext): Promise<CommandResponse> {
  const room = msg.room_id !== undefined ? roomId(msg.room_id) : undefined;
  await ctx.requireSession();
  const stats = await ctx.services.inviteLinks.stats(ctx.auth.user.id, {
    ...(room !== undefined ? { roomId: room } : {}),
    ...(msg.all === true ? { all: true } : {}),
  });
  return okResponse('invitation_stats_response', msg.request_id, { stats });
}

/** `invitation_summary` -> `{pending, expiring_soon}` (the login summary, extensions.md §6.3). */
async function invitationSummary(
  msg: Msg<'invitation_summary'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  await ctx.requireSession();
  return okResponse(
    'invitation_summary_response',
    msg.request_id,
    await ctx.services.invitations.summary(ctx.auth.user.id),
  );
}

/** `join_by_invite_link {code}` -> `{room, membership}`. */
async function joinByLink(msg: Msg<'join_by_invite_link'>, ctx: CommandContext): Promise<CommandResponse> {
  await ctx.requireSession();
  const out = await ctx.services.inviteLinks.joinByLink(ctx.auth.user.id, msg.code);
  return okResponse('join_by_invite_link_response', msg.request_id, out);
}

/** The invitation lifecycle commands (registered in ./index.ts). */
export const invitationLifecycleCommands = defineCommands({
  schemas,
  handlers: {
    invite_multiple: inviteMultiple,
    list_sent_invitations: listSent,
    get_invitation: getInvitation,
    revoke_invitation: revokeInvitation,
    accept_all_invitations: acceptAll,
    invitation_stats: invitationStats,
    invitation_summary: invitationSummary,
    join_by_invite_link: joinByLink,
  },
});
