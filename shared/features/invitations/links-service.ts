// Invite links and invitation templates: create/list/revoke links, join by link, template CRUD, and stats views (docs/protocol/extensions.md §6.2).
import { randomBytes } from 'node:crypto';
import { emit, type EmitDeps } from '../../kernel/events.js';
import { DomainError, ValidationError } from '../../kernel/errors.js';
import { isExpired, toTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import {
  isModeratorOrAbove,
  requireMember,
  toRoom,
  type Room,
  type RoomAccess,
  type RoomMembership,
  type RoomRepository,
} from '../rooms/index.js';
import { toUser, type UserRepository } from '../users/index.js';
import type { DynamoInviteLinkRepository } from './links-store.js';
import {
  MAX_INVITATION_MESSAGE_CHARS,
  TTL_HOURS,
  type InvitationRole,
  type InvitationStats,
  type InvitationTemplate,
  type InviteLink,
} from './model.js';
import type { DynamoInvitationStatsRepository, StatsScope } from './stats-store.js';
import { toStats } from './stats.js';

/** What the InviteLinkService needs. */
export interface InviteLinkServiceDeps extends EmitDeps {
  inviteLinks: Pick<
    DynamoInviteLinkRepository,
    | 'createLink'
    | 'getLink'
    | 'listLinks'
    | 'revokeLink'
    | 'joinByLink'
    | 'putTemplate'
    | 'listTemplates'
    | 'deleteTemplate'
  >;
  invitationStats: Pick<DynamoInvitationStatsRepository, 'get'>;
  rooms: Pick<RoomRepository, 'get'>;
  users: Pick<UserRepository, 'getById'>;
  access: RoomAccess;
}

/** Options of a new link. */
export interface LinkOptions {
  /** 1–1000, or absent for unlimited. */
  maxUses?: number | null;
  /** 1–720 hours, or absent for a link that never expires. */
  ttlHours?: number | null;
  role?: InvitationRole;
}

/** Links, templates and stats (docs/protocol/extensions.md §6.2). */
export interface InviteLinkService {
  /** Room moderator+ (owner for `role: moderator`). @throws `not_room_member` | `permission_denied` | `validation_failed` */
  createLink(actorId: Uuid, roomId: Uuid, opts: LinkOptions): Promise<InviteLink>;
  /** Room moderator+. @throws `not_room_member` | `permission_denied` */
  listLinks(actorId: Uuid, roomId: Uuid): Promise<InviteLink[]>;
  /** Room moderator+. @throws `not_room_member` | `permission_denied` | `invite_link_invalid` */
  revokeLink(actorId: Uuid, roomId: Uuid, code: string): Promise<void>;
  /**
   * Joins the link's room with its role (private rooms too); emits `user_joined_room`.
   * @throws `invite_link_invalid` (unknown, used up, expired, revoked) | `already_member` | `room_full` | `room_not_found`
   */
  joinByLink(actorId: Uuid, code: string): Promise<{ room: Room; membership: RoomMembership }>;
  /** Room moderator+ (owner for `role: moderator`). @throws `not_room_member` | `permission_denied` | `validation_failed` */
  createTemplate(
    actorId: Uuid,
    roomId: Uuid,
    t: { name: string; message?: string | null; role?: InvitationRole; ttl_hours?: number },
  ): Promise<InvitationTemplate>;
  /** Room moderator+. */
  listTemplates(actorId: Uuid, roomId: Uuid): Promise<InvitationTemplate[]>;
  /** Room moderator+. @throws `not_found` */
  deleteTemplate(actorId: Uuid, roomId: Uuid, templateId: Uuid): Promise<void>;
  /**
   * Stats: the caller's own (as inviter) without `roomId`; a room's for its moderator+; everything
   * with `all` for a system admin. @throws `not_room_member` | `permission_denied`
   */
  stats(actorId: Uuid, scope: { roomId?: Uuid; all?: boolean }): Promise<InvitationStats>;
}

const LINK_MAX_USES = 1000;

/** Builds the InviteLinkService. Codes: 10 random bytes, base64url (80 bits; unguessable). */
export function createInviteLinkService(deps: InviteLinkServiceDeps): InviteLinkService {
  const { inviteLinks, rooms, users, access, clock } = deps;

  async function requireModerator(actorId: Uuid, roomId: Uuid, role: InvitationRole = 'member') {
    const m = await requireMember(access, roomId, actorId);
    if (!isModeratorOrAbove(m.role)) throw new DomainError('permission_denied');
    if (role === 'moderator' && m.role !== 'owner') throw new DomainError('permission_denied');
    return m;
  }

  const bad = (field: string, rule: string) =>
    new ValidationError('validation_failed', `Validation failed: ${field} - ${rule}`);
  const ttlOk = (t: number) => Number.isInteger(t) && t >= TTL_HOURS.min && t <= TTL_HOURS.max;

  return {
    async createLink(actorId, roomId, opts) {
      await requireModerator(actorId, roomId, opts.role);
      const maxUses = opts.maxUses ?? null;
      if (maxUses !== null && (!Number.isInteger(maxUses) || maxUses < 1 || maxUses > LINK_MAX_USES)) {
        throw bad('max_uses', `1-${LINK_MAX_USES}`);
      }
      const ttl = opts.ttlHours ?? null;
      if (ttl !== null && !ttlOk(ttl)) throw bad('ttl_hours', `${TTL_HOURS.min}-${TTL_HOURS.max}`);
      const now = clock.now();
      const link: InviteLink = {
        code: randomBytes(10).toString('base64url'),
        room_id: roomId,
        created_by: actorId,
        role: opts.role ?? 'member',
        max_uses: maxUses,
        uses: 0,
        created_at: toTimestamp(now),
        expires_at: ttl === null ? null : toTimestamp(now + ttl * 3600 * 1000),
        revoked: false,
      };
      await inviteLinks.createLink(link);
      return link;
    },

    async listLinks(actorId, roomId) {
      await requireModerator(actorId, roomId);
      return inviteLinks.listLinks(roomId);
    },

    async revokeLink(actorId, roomId, code) {
      await requireModerator(actorId, roomId);
      await inviteLinks.revokeLink(roomId, code);
    },

    async joinByLink(actorId, code) {
      const link = /^[A-Za-z0-9_-]{1,64}$/.test(code) ? await inviteLinks.getLink(code) : null;
      const now = clock.now();
      if (
        link === null ||
        link.revoked ||
        (link.max_uses !== null && link.uses >= link.max_uses) ||
        (link.expires_at !== null && isExpired(link.expires_at, now))
      ) {
        throw new DomainError('invite_link_invalid');
      }
      const room = await rooms.get(link.room_id);
      if (room === null) throw new DomainError('invite_link_invalid');
      const user = await users.getById(actorId);
      if (user === null) throw new DomainError('user_not_found');
      const membership: RoomMembership = {
        room_id: room.id,
        user_id: actorId,
        role: link.role,
        joined_at: toTimestamp(now),
      };
      await inviteLinks.joinByLink(link, membership, now);
      await emit(
        deps,
        { kind: 'room', roomId: room.id },
        { type: 'user_joined_room', room_id: room.id, user: toUser(user), membership },
      );
      return { room: toRoom(room), membership };
    },

    async createTemplate(actorId, roomId, t) {
      await requireModerator(actorId, roomId, t.role);
      const name = t.name.trim();
      if (name === '' || Array.from(name).length > 64) throw bad('name', '1-64 characters');
      const message = t.message ?? null;
      if (message !== null && Array.from(message).length > MAX_INVITATION_MESSAGE_CHARS)
        throw bad('message', 'at most 500 characters');
      const ttl = t.ttl_hours ?? TTL_HOURS.default;
      if (!ttlOk(ttl)) throw bad('ttl_hours', `${TTL_HOURS.min}-${TTL_HOURS.max}`);
      const template: InvitationTemplate = {
        id: deps.ids.uuid(),
        room_id: roomId,
        name,
        message,
        role: t.role ?? 'member',
        ttl_hours: ttl,
        created_by: actorId,
        created_at: toTimestamp(clock.now()),
      };
      await inviteLinks.putTemplate(template);
      return template;
    },

    async listTemplates(actorId, roomId) {
      await requireModerator(actorId, roomId);
      return inviteLinks.listTemplates(roomId);
    },

    async deleteTemplate(actorId, roomId, templateId) {
      await requireModerator(actorId, roomId);
      await inviteLinks.deleteTemplate(roomId, templateId);
    },

    async stats(actorId, scope) {
      let s: StatsScope = { kind: 'user', id: actorId };
      if (scope.all === true) {
        const actor = await users.getById(actorId);
        if (actor?.role !== 'admin') throw new DomainError('permission_denied');
        s = { kind: 'all' };
      } else if (scope.roomId !== undefined) {
        await requireModerator(actorId, scope.roomId);
        s = { kind: 'room', id: scope.roomId };
      }
      return toStats(await deps.invitationStats.get(s));
    },
  };
}
