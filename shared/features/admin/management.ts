// Admin management: users and rooms listing and deletion for system moderators and admins (docs/protocol/extensions.md §9 "Admin management").
import { emit, type EmitDeps } from '../../kernel/events.js';
import { ConflictError, DomainError, ValidationError } from '../../kernel/errors.js';
import { isSystemRole, requirePermission } from '../../kernel/permissions.js';
import type { Uuid } from '../../kernel/types.js';
import { newAuditEntry, pageLimit, type AuditContext, type AuditRepository } from '../audit/index.js';
import type { Ban, ModerationRepository } from '../moderation/index.js';
import type { MembershipRepository, RoomRecord, RoomRepository } from '../rooms/index.js';
import type { User, UserRepository } from '../users/index.js';
import type { AdminDirectory } from './store.js';

/** What the management service needs. */
export interface AdminManagementDeps extends EmitDeps {
  users: Pick<UserRepository, 'getById'>;
  rooms: Pick<RoomRepository, 'get' | 'delete'>;
  memberships: Pick<MembershipRepository, 'listByRoom' | 'listByUser' | 'remove'>;
  moderation: Pick<ModerationRepository, 'getBan'>;
  adminDirectory: AdminDirectory;
  audit: Pick<AuditRepository, 'append'>;
}

/** `GET /api/v1/admin/users` row: the user plus its live ban (or null). */
export interface AdminUserRow extends User {
  ban: Ban | null;
}

/** Query of the admin lists (docs/protocol/extensions.md §0.5 paging). */
export interface AdminListQuery {
  q?: string;
  role?: string;
  banned?: boolean;
  cursor?: string;
  limit?: number;
}

/** Users and rooms for system moderators (read) and admins (delete). */
export interface AdminManagement {
  /** Moderator+. @throws `permission_denied` | `validation_failed` */
  listUsers(
    actorId: Uuid,
    query: AdminListQuery,
  ): Promise<{ users: AdminUserRow[]; next_cursor: string | null }>;
  /**
   * Admin. Removes the profile, sessions and memberships (owned rooms keep their other owners);
   * messages stay. Closes the user's sockets like a ban. Not the last admin, not oneself.
   * @throws `permission_denied` | `user_not_found` | `last_admin`
   */
  deleteUser(actorId: Uuid, userId: Uuid, ctx?: AuditContext): Promise<void>;
  /** Moderator+. */
  listRooms(
    actorId: Uuid,
    query: AdminListQuery,
  ): Promise<{ rooms: RoomRecord[]; next_cursor: string | null }>;
  /** Moderator+. @throws `room_not_found` */
  getRoom(
    actorId: Uuid,
    roomId: Uuid,
  ): Promise<{ room: RoomRecord; members: { user_id: Uuid; role: string }[] }>;
  /** Admin; emits `room_deleted` to its members. @throws `permission_denied` | `room_not_found` */
  deleteRoom(actorId: Uuid, roomId: Uuid, ctx?: AuditContext): Promise<void>;
}

/** Offset cursor: base64url of the next index (a list re-check happens on every page). */
const encodeOffset = (n: number): string => Buffer.from(String(n), 'utf8').toString('base64url');
function decodeOffset(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const n = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isInteger(n) || n < 0)
    throw new ValidationError('validation_failed', 'Validation failed: cursor - invalid');
  return n;
}
function page<T>(all: T[], query: AdminListQuery): { items: T[]; next_cursor: string | null } {
  const limit = pageLimit(query.limit);
  const start = decodeOffset(query.cursor);
  const items = all.slice(start, start + limit);
  return { items, next_cursor: start + limit < all.length ? encodeOffset(start + limit) : null };
}

/** Builds the management service. */
export function createAdminManagement(deps: AdminManagementDeps): AdminManagement {
  const { users, rooms, memberships, moderation, adminDirectory } = deps;
  return {
    async listUsers(actorId, query) {
      requirePermission(await users.getById(actorId), 'user.list');
      if (query.role !== undefined && !isSystemRole(query.role))
        throw new ValidationError(
          'validation_failed',
          'Validation failed: role - must be admin, moderator, user or guest',
        );
      let all = await adminDirectory.users(query.q);
      if (query.role !== undefined) all = all.filter((u) => u.role === query.role);
      const withBan = (u: User): Promise<AdminUserRow> =>
        moderation.getBan(u.id).then((ban) => ({ ...u, ban }));
      if (query.banned === undefined) {
        const { items, next_cursor } = page(all, query);
        return { users: await Promise.all(items.map(withBan)), next_cursor };
      }
      const rows = (await Promise.all(all.map(withBan))).filter((r) => (r.ban !== null) === query.banned);
      const { items: withBans, next_cursor } = page(rows, query);
      return { users: withBans, next_cursor };
    },

    async deleteUser(actorId, userId, ctx = {}) {
      const actor = requirePermission(await users.getById(actorId), 'user.delete');
      const target = await users.getById(userId);
      if (target === null) throw new DomainError('user_not_found');
      if (target.id === actor.id)
        throw new DomainError('permission_denied', 'Permission denied: cannot delete yourself');
      if (target.role === 'admin')
        throw new ConflictError('last_admin', 'Demote an admin before deleting it');
      const audit = newAuditEntry(
        deps,
        actor,
        {
          action: 'user.delete',
          target_type: 'user',
          target_id: target.id,
          details: { username: target.username },
        },
        ctx,
      );
      const rooms = await memberships.listByUser(target.id);
      await adminDirectory.deleteUser(target, audit);
      for (const m of rooms) {
        try {
          await memberships.remove(m.room_id, target.id);
        } catch {
          // last_owner: the room keeps the deleted owner's row (shown as a deleted user).
        }
      }
      await emit(
        deps,
        { kind: 'users', userIds: [target.id] },
        { type: 'account_banned', user_id: target.id, message: 'Account deleted' },
      );
    },

    async listRooms(actorId, query) {
      requirePermission(await users.getById(actorId), 'room.list');
      const { items, next_cursor } = page(await adminDirectory.rooms(query.q), query);
      return { rooms: items, next_cursor };
    },

    async getRoom(actorId, roomId) {
      requirePermission(await users.getById(actorId), 'room.list');
      const room = await rooms.get(roomId);
      if (room === null) throw new DomainError('room_not_found');
      const members = (await memberships.listByRoom(roomId)).map((m) => ({
        user_id: m.user_id,
        role: m.role,
      }));
      return { room, members };
    },

    async deleteRoom(actorId, roomId, ctx = {}) {
      const actor = requirePermission(await users.getById(actorId), 'room.delete');
      const room = await rooms.get(roomId);
      if (room === null) throw new DomainError('room_not_found');
      const members = await memberships.listByRoom(roomId);
      await rooms.delete(room);
      // rooms.delete is batched (not one transaction), so the entry is appended after it.
      await deps.audit.append(
        newAuditEntry(
          deps,
          actor,
          { action: 'room.delete', target_type: 'room', target_id: roomId, details: { name: room.name } },
          ctx,
        ),
      );
      await emit(
        deps,
        { kind: 'users', userIds: members.map((m) => m.user_id) },
        { type: 'room_deleted', room_id: roomId, room_name: room.name, deleted_by: actor.id },
      );
    },
  };
}
