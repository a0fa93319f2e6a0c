// Invitation commands: invite_to_room, accept_invitation, decline_invitation, list_invitations (docs/protocol/tcp.md §7.10–7.13).
import { z } from 'zod';
import type { Invitation, InvitationPage } from '../../shared/features/invitations/index.js';
import type { RoomMembership } from '../../shared/features/rooms/index.js';
import { command, okResponse, type CommandResponse } from '../protocol/index.js';
import { invitationId, roomId, userId, type CommandContext } from './context.js';
import { defineCommands } from './define.js';
import {
  inviteFieldShape,
  isExtendedListMsg,
  listFieldShape,
  listQueryOf,
  tcpInviteOptions,
} from './invitation-lifecycle.js';

declare module '../protocol/server-messages.js' {
  interface ResponsePayloads {
    invite_to_room_response: { invitation: Invitation };
    accept_invitation_response: { membership: RoomMembership };
    decline_invitation_response: NoFields;
    list_invitations_response: { invitations: Invitation[] } | InvitationPage;
  }
}

/** Client message schemas of the invitation commands (docs/protocol/tcp.md §7.10–7.13). */
const schemas = {
  invite_to_room: command('invite_to_room', {
    room_id: z.string(),
    user_id: z.string(),
    ...inviteFieldShape,
  }),
  accept_invitation: command('accept_invitation', { invitation_id: z.string() }),
  decline_invitation: command('decline_invitation', { invitation_id: z.string() }),
  list_invitations: command('list_invitations', listFieldShape),
};
type Msg<K extends keyof typeof schemas> = z.output<(typeof schemas)[K]>;

/**
 * `invite_to_room` (deprecated) -> `invitation` (docs/protocol/tcp.md §7.10). Any member may invite over TCP/WS;
 * with the §6.1 fields of docs/protocol/extensions.md (`message`, `role`, `ttl_hours`, `template_id`). Ids checked room first, then user.
 */
export async function inviteToRoom(
  msg: Msg<'invite_to_room'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  const room = roomId(msg.room_id);
  const invitee = userId(msg.user_id);
  await ctx.requireSession();
  const invitation = await ctx.services.invitations.create(
    ctx.auth.user.id,
    room,
    invitee,
    tcpInviteOptions(msg),
  );
  return okResponse('invite_to_room_response', msg.request_id, { invitation });
}

/** `accept_invitation` -> `membership` only, no `room` (docs/protocol/tcp.md §7.11). Emits `user_joined_room` (service). */
export async function acceptInvitation(
  msg: Msg<'accept_invitation'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  const id = invitationId(msg.invitation_id);
  await ctx.requireSession();
  const { membership } = await ctx.services.invitations.accept(ctx.auth.user.id, id);
  return okResponse('accept_invitation_response', msg.request_id, { membership });
}

/** `decline_invitation` -> no payload, no event (docs/protocol/tcp.md §7.12). */
export async function declineInvitation(
  msg: Msg<'decline_invitation'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  const id = invitationId(msg.invitation_id);
  await ctx.requireSession();
  await ctx.services.invitations.decline(ctx.auth.user.id, id);
  return okResponse('decline_invitation_response', msg.request_id, {});
}

/** `list_invitations` (deprecated) -> the caller's pending, unexpired invitations, newest first (docs/protocol/tcp.md §7.13); with an extension field, one page of extensions.md §6.2. */
export async function listInvitations(
  msg: Msg<'list_invitations'>,
  ctx: CommandContext,
): Promise<CommandResponse> {
  await ctx.requireSession();
  if (isExtendedListMsg(msg)) {
    const page = await ctx.services.invitations.list(ctx.auth.user.id, listQueryOf(msg, 'received'));
    return okResponse('list_invitations_response', msg.request_id, page);
  }
  const invitations = await ctx.services.invitations.listPending(ctx.auth.user.id);
  return okResponse('list_invitations_response', msg.request_id, { invitations });
}

/** The invitation commands (registered in ./index.ts). */
export const invitationCommands = defineCommands({
  schemas,
  handlers: {
    invite_to_room: inviteToRoom,
    accept_invitation: acceptInvitation,
    decline_invitation: declineInvitation,
    list_invitations: listInvitations,
  },
  deprecated: ['invite_to_room', 'list_invitations'],
});
