// Room use cases: create, list, read, update, delete, join, leave, members, role change, kick (docs/protocol/http.md §7–8).
import { emit, type EmitDeps } from '../../kernel/events.js';
import {
  ConflictError,
  DomainError,
  ValidationError,
  VersionConflictError,
  isDomainError,
} from '../../kernel/errors.js';
import { isExpired, toTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import { normalizeSearch, PAGE, validateRoomName } from '../../kernel/validation.js';
import { visibleOnline, type OnlineVisibility, type PresenceRepository } from '../presence/index.js';
import { toUser, type UserRepository } from '../users/index.js';
import { requirePermission } from '../../kernel/permissions.js';
import { requireMember } from './access.js';
import {
  isModeratorOrAbove,
  parseRoomRole,
  toRoom,
  type MembershipRepository,
  type PendingInvitationLookup,
  type Room,
  type RoomAccess,
  type RoomListItem,
  type RoomMember,
  type RoomMembership,
  type RoomPatch,
  type RoomRecord,
  type RoomRepository,
  type RoomRole,
} from './model.js';

/** What the RoomService needs. */
export interface RoomServiceDeps extends EmitDeps {
  rooms: RoomRepository;
  memberships: MembershipRepository;
  users: Pick<UserRepository, 'getById' | 'getMany'>;
  presence: Pick<PresenceRepository, 'countConnections' | 'listOnlineUserIds'>;
  invitations: PendingInvitationLookup;
  access: RoomAccess;
  /** Members with `show_online: false` read `is_online: false` (extensions.md §8); absent ⇒ nobody hidden. */
  preferences?: OnlineVisibility;
}

/**
 * `settings.retention_days`: an integer 1–3650 or null (docs/protocol/extensions.md §5).
 * @throws ValidationError `validation_failed` otherwise (0, 4000, 1.5)
 */
function validateRetentionDays(days: number | null): number | null {
  if (days === null) return null;
  if (!Number.isInteger(days) || days < 1 || days > 3650)
    throw new ValidationError(
      'validation_failed',
      'Validation failed: retention_days - must be 1 to 3650 or null',
    );
  return days;
}

/** Input of room creation (docs/protocol/http.md §7.1, docs/protocol/tcp.md §7.5). */
export interface CreateRoomInput {
  name: string;
  description?: string | null;
  settings?: { public?: boolean | null; max_members?: number | null; retention_days?: number | null } | null;
}

/** Input of a room update (docs/protocol/http.md §7.4): `settings`, when present, replaces privacy and capacity. */
export interface UpdateRoomInput {
  name?: string | null;
  description?: string | null;
  settings?: { public?: boolean | null; max_members?: number | null; retention_days?: number | null } | null;
}

/** Room list filters (HTTP `search`/`public_only`, TCP `list_rooms.filter`; issue 17 finding 5). */
export interface RoomListFilter {
  /** Raw search term: trimmed and lowercased here; blank = no filter. */
  search?: string | null;
  /** Joined list only: drop private rooms (the public list is public-only anyway). */
  publicOnly?: boolean | null;
}

/** Rooms and memberships (docs/protocol/http.md §7–8, docs/protocol/tcp.md §7.5–7.9, permission matrix docs/protocol/domain.md §7). */
export interface RoomService {
  /** The default room-access policy (membership reads) the other services share; adapters wrap it (docs/adr/005). */
  readonly access: RoomAccess;
  /** Creates a room; the caller becomes `owner`. No event. @throws `room_name_invalid` | `room_name_taken` */
  create(actorId: Uuid, input: CreateRoomInput): Promise<Room>;
  /**
   * Public rooms by name with `is_member` for `viewerId` (null = false everywhere); `filter.search`
   * keeps names containing it, case-insensitively (issue 17 finding 5).
   */
  listPublic(
    viewerId: Uuid | null,
    limit: number,
    offset: number,
    filter?: RoomListFilter,
  ): Promise<RoomListItem[]>;
  /**
   * The caller's rooms (public and private) by name, `is_member: true`; `filter.search` as above,
   * `filter.publicOnly` drops private rooms.
   */
  listJoined(actorId: Uuid, limit: number, offset: number, filter?: RoomListFilter): Promise<RoomListItem[]>;
  /** Any authenticated user may read any room. @throws `room_not_found` */
  get(
    actorId: Uuid,
    roomId: Uuid,
  ): Promise<{ room: Room; membership: RoomMembership | null; member_count: number }>;
  /** @throws `room_not_found` | `not_room_member` | `permission_denied` | `room_name_invalid` | `room_name_taken` */
  update(actorId: Uuid, roomId: Uuid, input: UpdateRoomInput): Promise<Room>;
  /** Emits `room_deleted` to the members captured before deletion. @throws `room_not_found` | `permission_denied` */
  delete(actorId: Uuid, roomId: Uuid): Promise<void>;
  /**
   * Joins (private rooms need a pending unexpired invitation, which becomes `accepted`).
   * Emits `user_joined_room`. @throws `room_not_found` | `room_private` | `already_member` | `room_full`
   */
  join(actorId: Uuid, roomId: Uuid): Promise<{ room: Room; membership: RoomMembership }>;
  /** Emits `user_left_room` reason `left`. @throws `room_not_found` | `not_room_member` | `last_owner` */
  leave(actorId: Uuid, roomId: Uuid): Promise<void>;
  /** Members by join time. @throws `room_not_found` | `not_room_member` */
  members(actorId: Uuid, roomId: Uuid): Promise<RoomMember[]>;
  /**
   * Owner-only role change; `role` parsed case-insensitively (owner; moderator|admin; else member).
   * Emits `member_role_changed` (even when unchanged).
   * @throws `not_room_member` | `permission_denied` | `last_owner`
   */
  changeRole(actorId: Uuid, roomId: Uuid, userId: Uuid, role: string): Promise<RoomMember>;
  /**
   * Kick per docs/protocol/domain.md §7. Emits `user_left_room` reason `kicked` to the room and the kicked user.
   * @throws `permission_denied` (self first) | `not_room_member` | `last_owner`
   */
  kick(actorId: Uuid, roomId: Uuid, userId: Uuid): Promise<void>;
}

/** Optimistic-lock attempts for PATCH (first try + retries after VersionConflictError). */
const UPDATE_ATTEMPTS = 3;

/**
 * Builds the RoomService. Every row of the permission matrix (docs/protocol/domain.md §7) that concerns rooms
 * and memberships is enforced here, in the check orders of docs/protocol/http.md §7–8:
 * - update: room_not_found → not_room_member → permission_denied → room_name_invalid → room_name_taken
 * - delete: room_not_found → permission_denied (owner member, or the user recorded as `room.owner`)
 * - join: room_not_found → already_member → room_private → room_full
 * - changeRole: not_room_member (caller; also unknown room) → permission_denied (caller not owner)
 *   → not_room_member (target) → last_owner
 * - kick: permission_denied (self) → not_room_member (caller) → permission_denied (caller below
 *   moderator) → not_room_member (target) → permission_denied (moderator vs non-member role) → last_owner
 */
export function createRoomService(deps: RoomServiceDeps): RoomService {
  const { rooms, memberships, users, presence, invitations, clock, access } = deps;

  async function requireRoom(roomId: Uuid): Promise<RoomRecord> {
    const room = await rooms.get(roomId);
    if (room === null) throw new DomainError('room_not_found');
    return room;
  }

  async function requireUser(userId: Uuid) {
    const user = await users.getById(userId);
    if (user === null) throw new DomainError('user_not_found');
    return user;
  }

  /** One enriched member row (docs/protocol/domain.md §4.4). */
  async function memberRow(m: RoomMembership): Promise<RoomMember> {
    const [user, connections] = await Promise.all([
      users.getById(m.user_id),
      presence.countConnections(m.user_id),
    ]);
    const shown = connections > 0 && (await visibleOnline(deps.preferences, [m.user_id])).length > 0;
    return {
      user_id: m.user_id,
      username: user?.username ?? m.user_id,
      role: m.role,
      joined_at: m.joined_at,
      is_online: shown,
    };
  }

  /**
   * Builds the PATCH of docs/protocol/http.md §7.4 against the current record (null/absent fields unchanged).
   * @throws `room_name_invalid`; `room_name_taken` for a case variant of its own name
   */
  function buildPatch(room: RoomRecord, input: UpdateRoomInput): RoomPatch {
    const patch: RoomPatch = {};
    if (input.name !== undefined && input.name !== null) {
      const name = validateRoomName(input.name);
      if (name !== room.name) {
        // A case variant of its own name collides with its own sentinel (case-insensitive uniqueness).
        if (name.toLowerCase() === room.name.toLowerCase()) throw new ConflictError('room_name_taken');
        patch.name = name;
      }
    }
    if (input.description !== undefined && input.description !== null) patch.description = input.description;
    if (input.settings !== undefined && input.settings !== null) {
      const s = input.settings;
      // `{"settings":{"retention_days":…}}` alone changes only retention (docs/protocol-extensions.md "Retention").
      const onlyRetention =
        s.retention_days !== undefined && s.public === undefined && s.max_members === undefined;
      if (!onlyRetention) {
        patch.is_private = !(s.public ?? true);
        patch.max_members = s.max_members ?? null;
      }
      if (s.retention_days !== undefined) patch.retention_days = validateRetentionDays(s.retention_days);
    }
    return patch;
  }

  return {
    access,

    async create(actorId, input) {
      requirePermission(await users.getById(actorId), 'room.create');
      const name = validateRoomName(input.name);
      const now = toTimestamp(clock.now());
      const room: Room = {
        id: deps.ids.uuid(),
        name,
        owner: actorId,
        settings: {
          description: input.description ?? null,
          is_private: !(input.settings?.public ?? true),
          max_members: input.settings?.max_members ?? null,
          retention_days:
            input.settings?.retention_days == null
              ? null
              : validateRetentionDays(input.settings.retention_days),
        },
        created_at: now,
      };
      const owner: RoomMembership = { room_id: room.id, user_id: actorId, role: 'owner', joined_at: now };
      return toRoom(await rooms.create(room, owner));
    },

    async listPublic(viewerId, limit, offset, filter = {}) {
      if (limit <= 0 || offset > PAGE.maxOffset) return [];
      const [page, mine] = await Promise.all([
        rooms.listPublic(limit, offset, normalizeSearch(filter.search)),
        viewerId === null ? Promise.resolve([]) : memberships.listByUser(viewerId),
      ]);
      const joined = new Set(mine.map((m) => m.room_id));
      return page.map((r) => ({
        room: toRoom(r),
        member_count: r.member_count,
        is_member: joined.has(r.id),
      }));
    },

    async listJoined(actorId, limit, offset, filter = {}) {
      if (limit <= 0) return [];
      const mine = await memberships.listByUser(actorId);
      const found = await rooms.getMany(mine.map((m) => m.room_id));
      const term = normalizeSearch(filter.search);
      const kept = [...found.values()].filter(
        (r) =>
          (term === null || r.name.toLowerCase().includes(term)) &&
          !(filter.publicOnly === true && r.settings.is_private),
      );
      const sorted = kept.sort((a, b) => {
        const [x, y] = [a.name.toLowerCase(), b.name.toLowerCase()];
        return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : 1;
      });
      return sorted
        .slice(offset, offset + limit)
        .map((r) => ({ room: toRoom(r), member_count: r.member_count, is_member: true }));
    },

    async get(actorId, roomId) {
      const room = await requireRoom(roomId);
      const membership = await access.membership(roomId, actorId);
      return { room: toRoom(room), membership, member_count: room.member_count };
    },

    async update(actorId, roomId, input) {
      for (let attempt = 1; ; attempt++) {
        const room = await requireRoom(roomId);
        const membership = await requireMember(access, roomId, actorId);
        if (!isModeratorOrAbove(membership.role)) throw new DomainError('permission_denied');
        const patch = buildPatch(room, input);
        // Retention is the owner's (docs/protocol/extensions.md §5).
        if (patch.retention_days !== undefined && membership.role !== 'owner')
          throw new DomainError('permission_denied');
        if (Object.keys(patch).length === 0) return toRoom(room);
        try {
          return toRoom(await rooms.update(roomId, patch, room.version));
        } catch (e) {
          if (!(e instanceof VersionConflictError) || attempt >= UPDATE_ATTEMPTS) throw e;
        }
      }
    },

    async delete(actorId, roomId) {
      const room = await requireRoom(roomId);
      const membership = await access.membership(roomId, actorId);
      if (membership?.role !== 'owner' && room.owner !== actorId) throw new DomainError('permission_denied');
      // Resolve the audience before the memberships disappear (docs/protocol/tcp.md §8 notes).
      const members = await memberships.listByRoom(roomId);
      await rooms.delete(room);
      await emit(
        deps,
        { kind: 'users', userIds: members.map((m) => m.user_id) },
        { type: 'room_deleted', room_id: roomId, room_name: room.name, deleted_by: actorId },
      );
    },

    async join(actorId, roomId) {
      const room = await requireRoom(roomId);
      if ((await access.membership(roomId, actorId)) !== null) throw new ConflictError('already_member');
      const now = clock.now();
      const pending = await invitations.getPending(roomId, actorId);
      const invitation =
        pending !== null && pending.status === 'pending' && !isExpired(pending.expires_at, now)
          ? pending
          : null;
      if (room.settings.is_private && invitation === null) throw new ConflictError('room_private');
      const user = await requireUser(actorId);
      const membership: RoomMembership = {
        room_id: roomId,
        user_id: actorId,
        role: 'member',
        joined_at: toTimestamp(now),
      };
      try {
        await memberships.add(
          membership,
          invitation === null
            ? undefined
            : { acceptInvitation: { invitationId: invitation.id, respondedAt: membership.joined_at } },
        );
      } catch (e) {
        // The invitation was answered concurrently: private rooms now refuse, public ones just join.
        if (!isDomainError(e, 'invitation_expired')) throw e;
        if (room.settings.is_private) throw new ConflictError('room_private');
        await memberships.add(membership);
      }
      await emit(
        deps,
        { kind: 'room', roomId },
        { type: 'user_joined_room', room_id: roomId, user: toUser(user), membership },
      );
      return { room: toRoom(room), membership };
    },

    async leave(actorId, roomId) {
      await requireRoom(roomId);
      await memberships.remove(roomId, actorId, undefined, { change: 'left', at: toTimestamp(clock.now()) }); // not_room_member | last_owner
      await emit(
        deps,
        { kind: 'room', roomId, alsoUserIds: [actorId] },
        { type: 'user_left_room', room_id: roomId, user_id: actorId, reason: 'left' },
      );
    },

    async members(actorId, roomId) {
      await requireRoom(roomId);
      await requireMember(access, roomId, actorId);
      const list = await memberships.listByRoom(roomId);
      const [found, online] = await Promise.all([
        users.getMany(list.map((m) => m.user_id)),
        presence.listOnlineUserIds(),
      ]);
      const live = new Set(online);
      const onlineIds = new Set(
        await visibleOnline(
          deps.preferences,
          list.map((m) => m.user_id).filter((id) => live.has(id)),
          actorId,
        ),
      );
      return list.map((m) => ({
        user_id: m.user_id,
        username: found.get(m.user_id)?.username ?? m.user_id,
        role: m.role,
        joined_at: m.joined_at,
        is_online: onlineIds.has(m.user_id),
      }));
    },

    async changeRole(actorId, roomId, userId, role) {
      const actor = await requireMember(access, roomId, actorId);
      if (actor.role !== 'owner') throw new DomainError('permission_denied');
      await requireMember(access, roomId, userId);
      // The actor must still be an owner when the write happens, not only when it was read.
      const { before, after } = await memberships.setRole(roomId, userId, parseRoomRole(role), {
        userId: actorId,
        rolesFor: () => OWNER_ONLY,
      }); // last_owner | permission_denied
      const row = await memberRow(after);
      await emit(
        deps,
        { kind: 'room', roomId },
        {
          type: 'member_role_changed',
          room_id: roomId,
          user_id: userId,
          username: row.username,
          old_role: before.role,
          new_role: after.role,
          changed_by: actorId,
        },
      );
      return row;
    },

    async kick(actorId, roomId, userId) {
      if (actorId === userId) throw new DomainError('permission_denied');
      const actor = await requireMember(access, roomId, actorId);
      if (!isModeratorOrAbove(actor.role)) throw new DomainError('permission_denied');
      const target = await requireMember(access, roomId, userId);
      if (actor.role !== 'owner' && target.role !== 'member') throw new DomainError('permission_denied');
      // Same rule re-checked inside the transaction against the roles current at the write.
      await memberships.remove(
        roomId,
        userId,
        { userId: actorId, rolesFor: kickerRoles },
        { change: 'kicked', at: toTimestamp(clock.now()) },
      ); // last_owner | permission_denied
      await emit(
        deps,
        { kind: 'room', roomId, alsoUserIds: [userId] },
        { type: 'user_left_room', room_id: roomId, user_id: userId, reason: 'kicked' },
      );
    },
  };
}

const OWNER_ONLY: readonly RoomRole[] = ['owner'];
const MODERATOR_OR_ABOVE: readonly RoomRole[] = ['owner', 'moderator'];

/** Who may kick a member with `targetRole` (docs/protocol/domain.md §7): moderators kick members; owners anyone. */
function kickerRoles(targetRole: RoomRole): readonly RoomRole[] {
  return targetRole === 'member' ? MODERATOR_OR_ABOVE : OWNER_ONLY;
}
