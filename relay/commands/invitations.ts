// Invitation commands: invite_to_room, accept_invitation, decline_invitation, list_invitations (tcp.md §7.10–7.13).
import { okResponse, type ClientMessageOf, type CommandResponse } from '../protocol/index.js';
import { invitationId, roomId, userId, type CommandContext } from './context.js';

/**
 * `invite_to_room` (deprecated) -> `invitation` (tcp.md §7.10). Any member may invite over TCP/WS;
 * `message` is accepted and discarded. Ids checked room first, then user.
 */
export async function inviteToRoom(
  msg: ClientMessageOf<'invite_to_room'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  const room = roomId(msg.room_id);
  const invitee = userId(msg.user_id);
  await ctx.requireSession();
  const invitation = await ctx.services.invitations.create(ctx.auth.user.id, room, invitee, {
    requireModerator: false,
  });
  return okResponse('invite_to_room_response', msg.request_id, { invitation });
}

/** `accept_invitation` -> `membership` only, no `room` (tcp.md §7.11). Emits `user_joined_room` (service). */
export async function acceptInvitation(
  msg: ClientMessageOf<'accept_invitation'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  const id = invitationId(msg.invitation_id);
  await ctx.requireSession();
  const { membership } = await ctx.services.invitations.accept(ctx.auth.user.id, id);
  return okResponse('accept_invitation_response', msg.request_id, { membership });
}

/** `decline_invitation` -> no payload, no event (tcp.md §7.12). */
export async function declineInvitation(
  msg: ClientMessageOf<'decline_invitation'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  const id = invitationId(msg.invitation_id);
  await ctx.requireSession();
  await ctx.services.invitations.decline(ctx.auth.user.id, id);
  return okResponse('decline_invitation_response', msg.request_id, {});
}

/** `list_invitations` (deprecated) -> the caller's pending, unexpired invitations, newest first (tcp.md §7.13). */
export async function listInvitations(
  msg: ClientMessageOf<'list_invitations'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  await ctx.requireSession();
  const invitations = await ctx.services.invitations.listPending(ctx.auth.user.id);
  return okResponse('list_invitations_response', msg.request_id, { invitations });
}
