// The default room-access policy (membership read from storage) and the member/role checks every service shares.
import { DomainError } from '../../kernel/errors.js';
import type { Uuid } from '../../kernel/types.js';
import type { MembershipRepository, RoomAccess, RoomMembership } from './model.js';

/** The storage-backed {@link RoomAccess}: one strongly consistent GetItem per question. */
export function createRoomAccess(memberships: Pick<MembershipRepository, 'get'>): RoomAccess {
  return {
    isMember: async (roomId, userId) => (await memberships.get(roomId, userId)) !== null,
    membership: (roomId, userId) => memberships.get(roomId, userId),
  };
}

/**
 * The caller's membership, or `not_room_member` (also for an unknown room, docs/protocol/domain.md §7).
 * @throws DomainError `not_room_member`
 */
export async function requireMember(access: RoomAccess, roomId: Uuid, userId: Uuid): Promise<RoomMembership> {
  const membership = await access.membership(roomId, userId);
  if (membership === null) throw new DomainError('not_room_member');
  return membership;
}

/**
 * Membership only (no role needed): lets a leased {@link RoomAccess} answer from memory.
 * @throws DomainError `not_room_member`
 */
export async function requireMembership(access: RoomAccess, roomId: Uuid, userId: Uuid): Promise<void> {
  if (!(await access.isMember(roomId, userId))) throw new DomainError('not_room_member');
}
