// Invitation use cases: invite, list pending, accept (and join), decline (docs/protocol/http.md §10, docs/protocol/tcp.md §7.10–7.13).
import { emit, type EmitDeps } from '../../kernel/events.js';
import { ConflictError, DomainError } from '../../kernel/errors.js';
import { isExpired, toTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import {
  isModeratorOrAbove,
  requireMember,
  toRoom,
  type MembershipRepository,
  type Room,
  type RoomAccess,
  type RoomMembership,
  type RoomRepository,
} from '../rooms/index.js';
import { toUser, type UserRepository } from '../users/index.js';
import { INVITATION_TTL_MS, type Invitation, type InvitationRepository } from './model.js';

/** What the InvitationService needs. */
export interface InvitationServiceDeps extends EmitDeps {
  invitations: InvitationRepository;
  rooms: Pick<RoomRepository, 'get'>;
  memberships: Pick<MembershipRepository, 'add'>;
  users: Pick<UserRepository, 'getById'>;
  access: RoomAccess;
}

/** Invitations (docs/protocol/http.md §10, docs/protocol/tcp.md §7.10–7.13, lifecycle docs/protocol/domain.md §8.2). */
export interface InvitationService {
  /**
   * Invites `inviteeId`; HTTP requires moderator-or-above (`requireModerator: true`), TCP/WS any
   * member. Emits `invitation_received` to the invitee.
   * @throws `not_room_member` | `permission_denied` | `user_not_found` | `already_member` | `already_invited` | `room_not_found`
   */
  create(
    actorId: Uuid,
    roomId: Uuid,
    inviteeId: Uuid,
    opts: { requireModerator: boolean },
  ): Promise<Invitation>;
  /** Caller's pending unexpired invitations, newest first. */
  listPending(actorId: Uuid): Promise<Invitation[]>;
  /**
   * Accepts and joins (role member). Emits `user_joined_room`.
   * @throws `invitation_not_found` | `not_invitee` | `invitation_expired` | `already_member` | `room_full` | `room_not_found`
   */
  accept(actorId: Uuid, invitationId: Uuid): Promise<{ membership: RoomMembership; room: Room }>;
  /** @throws `invitation_not_found` | `not_invitee` | `invitation_expired` */
  decline(actorId: Uuid, invitationId: Uuid): Promise<void>;
}

/**
 * Builds the InvitationService (lifecycle docs/protocol/domain.md §8.2).
 *
 * create, check order:
 * - HTTP (`requireModerator: true`, docs/protocol/http.md §10.1): not_room_member (caller; also unknown room) →
 *   permission_denied (plain member) → user_not_found (invitee) → already_member → already_invited.
 * - TCP/WS (`requireModerator: false`, docs/protocol/tcp.md §7.10): room_not_found → not_room_member →
 *   user_not_found → already_member → already_invited.
 * The invitation is stored enriched (room_name, inviter_name, invitee_name), `message` null,
 * `expires_at` = created + 7 days (INVITATION_TTL_MS). Emits `invitation_received` to the invitee.
 *
 * accept/decline, check order: invitation_not_found → not_invitee → invitation_expired (expired
 * **or** no longer pending); accept then joins (role member) via the membership transaction that
 * also marks the invitation `accepted`: already_member | room_full | room_not_found.
 * Accept emits `user_joined_room` (audience: the room); decline emits nothing.
 */
export function createInvitationService(deps: InvitationServiceDeps): InvitationService {
  const { invitations, rooms, memberships, users, clock, ids, access } = deps;

  /** Loads an invitation the caller may still answer. */
  async function requireAnswerable(actorId: Uuid, invitationId: Uuid): Promise<Invitation> {
    const invitation = await invitations.getById(invitationId);
    if (invitation === null) throw new DomainError('invitation_not_found');
    if (invitation.invitee_id !== actorId) throw new ConflictError('not_invitee');
    if (invitation.status !== 'pending' || isExpired(invitation.expires_at, clock.now())) {
      throw new ConflictError('invitation_expired');
    }
    return invitation;
  }

  return {
    async create(actorId, roomId, inviteeId, opts) {
      let room = opts.requireModerator ? null : await rooms.get(roomId);
      if (!opts.requireModerator && room === null) throw new DomainError('room_not_found');
      const membership = await requireMember(access, roomId, actorId);
      if (opts.requireModerator && !isModeratorOrAbove(membership.role)) {
        throw new DomainError('permission_denied');
      }
      room ??= await rooms.get(roomId);
      if (room === null) throw new DomainError('room_not_found');
      const [invitee, inviter] = await Promise.all([users.getById(inviteeId), users.getById(actorId)]);
      if (invitee === null) throw new DomainError('user_not_found');
      if ((await access.membership(roomId, inviteeId)) !== null) throw new ConflictError('already_member');
      const now = clock.now();
      const invitation: Invitation = {
        id: ids.uuid(),
        room_id: roomId,
        room_name: room.name,
        inviter_id: actorId,
        inviter_name: inviter?.username ?? actorId,
        invitee_id: inviteeId,
        invitee_name: invitee.username,
        status: 'pending',
        message: null,
        created_at: toTimestamp(now),
        expires_at: toTimestamp(now + INVITATION_TTL_MS),
        responded_at: null,
      };
      await invitations.create(invitation); // already_invited
      await emit(deps, { kind: 'users', userIds: [inviteeId] }, { type: 'invitation_received', invitation });
      return invitation;
    },

    listPending: (actorId) => invitations.listPendingForUser(actorId, clock.now()),

    async accept(actorId, invitationId) {
      const invitation = await requireAnswerable(actorId, invitationId);
      const room = await rooms.get(invitation.room_id);
      if (room === null) throw new DomainError('room_not_found');
      const user = await users.getById(actorId);
      if (user === null) throw new DomainError('user_not_found');
      const joinedAt = toTimestamp(clock.now());
      const membership: RoomMembership = {
        room_id: room.id,
        user_id: actorId,
        role: 'member',
        joined_at: joinedAt,
      };
      // already_member | room_full | room_not_found | invitation_expired (answered concurrently)
      await memberships.add(membership, {
        acceptInvitation: { invitationId: invitation.id, respondedAt: joinedAt },
      });
      await emit(
        deps,
        { kind: 'room', roomId: room.id },
        { type: 'user_joined_room', room_id: room.id, user: toUser(user), membership },
      );
      return { membership, room: toRoom(room) };
    },

    async decline(actorId, invitationId) {
      const invitation = await requireAnswerable(actorId, invitationId);
      await invitations.setStatus(invitation, 'declined', toTimestamp(clock.now())); // invitation_expired on a race
    },
  };
}
