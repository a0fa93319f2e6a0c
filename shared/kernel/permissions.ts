// THE system-permission table (docs/protocol/extensions.md §9): every admin/moderation route and command asks it through `requirePermission`.
import { DomainError } from './errors.js';
import type { SystemRole } from './types.js';

/** System roles, lowest first: guest < user < moderator < admin (docs/protocol/extensions.md §9). */
export const SYSTEM_ROLES: readonly SystemRole[] = ['guest', 'user', 'moderator', 'admin'];

/** Rank of a role (guest 0 … admin 3); an unknown stored value ranks as `user`. */
export function roleRank(role: string): number {
  const i = SYSTEM_ROLES.indexOf(role as SystemRole);
  return i < 0 ? 1 : i;
}

/** True when `role` is a known system role name. */
export function isSystemRole(role: unknown): role is SystemRole {
  return typeof role === 'string' && (SYSTEM_ROLES as readonly string[]).includes(role);
}

/**
 * One row per permission: the lowest system role that holds it, and every HTTP route key
 * (`'<METHOD> <path template>'`) and TCP/WS command type that requires it. The authorization
 * matrix test (test/integration/http/moderation-matrix.test.ts) is generated from these rows,
 * and a registry test fails when an `admin` route or a moderation command is missing here.
 */
export const PERMISSIONS = {
  'stats.read': {
    min: 'admin',
    http: ['GET /api/v1/admin/stats', 'GET /api/v1/admin/stats/live', 'GET /api/v1/admin/stats/usage'],
    tcp: [],
  },
  'message.hard_delete': { min: 'moderator', http: ['DELETE /api/v1/admin/messages/{message_id}'], tcp: [] },
  'user.role': { min: 'admin', http: ['PUT /api/v1/admin/users/{user_id}/role'], tcp: ['set_user_role'] },
  'user.ban': {
    min: 'moderator',
    http: [
      'POST /api/v1/admin/users/{user_id}/ban',
      'DELETE /api/v1/admin/users/{user_id}/ban',
      'GET /api/v1/admin/bans',
    ],
    tcp: ['ban_user', 'unban_user'],
  },
  'user.list': { min: 'moderator', http: ['GET /api/v1/admin/users'], tcp: [] },
  'user.delete': { min: 'admin', http: ['DELETE /api/v1/admin/users/{user_id}'], tcp: [] },
  'room.list': {
    min: 'moderator',
    http: ['GET /api/v1/admin/rooms', 'GET /api/v1/admin/rooms/{room_id}'],
    tcp: [],
  },
  'room.delete': { min: 'admin', http: ['DELETE /api/v1/admin/rooms/{room_id}'], tcp: [] },
  'audit.read': {
    min: 'moderator',
    http: ['GET /api/v1/admin/audit', 'GET /api/v1/admin/audit/export'],
    tcp: ['get_audit_log'],
  },
  'notice.manage': {
    min: 'admin',
    http: ['POST /api/v1/admin/notices', 'DELETE /api/v1/admin/notices/{notice_id}'],
    tcp: ['send_server_notice'],
  },
  'account.unlock': { min: 'admin', http: ['POST /api/v1/admin/users/{user_id}/unlock'], tcp: [] },
  'search.all': { min: 'moderator', http: ['GET /api/v1/admin/search/messages'], tcp: [] },
  'config.reload': { min: 'admin', http: ['POST /api/v1/admin/config/reload'], tcp: [] },
  /** Room moderation: the system role needed before the room role (moderator+) is asked (a guest never moderates). */
  'room.moderate': {
    min: 'user',
    http: [
      'POST /api/v1/rooms/{room_id}/members/{user_id}/mute',
      'DELETE /api/v1/rooms/{room_id}/members/{user_id}/mute',
      'POST /api/v1/rooms/{room_id}/bans/{user_id}',
      'DELETE /api/v1/rooms/{room_id}/bans/{user_id}',
      'GET /api/v1/rooms/{room_id}/bans',
    ],
    tcp: [
      'mute_member',
      'unmute_member',
      'ban_from_room',
      'unban_from_room',
      'list_room_bans',
      'set_slow_mode',
    ],
  },
  /** What a guest may not do (§9: guests read and send in joined public rooms only); services ask these. */
  'room.create': { min: 'user', http: ['POST /api/v1/rooms'], tcp: ['create_room'] },
  'conversation.create': { min: 'user', http: ['POST /api/v1/conversations'], tcp: ['create_conversation'] },
  'invitation.send': {
    min: 'user',
    http: ['POST /api/v1/invitations', 'POST /api/v1/invitations/bulk'],
    tcp: ['invite_to_room', 'invite_multiple'],
  },
  /** Sending or reading 1:1 DMs (asked by the messages service for every `dm` target). */
  'dm.use': { min: 'user', http: [], tcp: [] },
  /** Joining a private room by accepting an invitation (asked by the invitation service; public rooms stay open to guests). */
  'private_room.join': { min: 'user', http: [], tcp: [] },
} as const satisfies Record<string, { min: SystemRole; http: readonly string[]; tcp: readonly string[] }>;

/** A permission name of {@link PERMISSIONS}. */
export type Permission = keyof typeof PERMISSIONS;

/** True when `role` holds `permission` (rank of `role` ≥ rank of the row's `min`). */
export function allows(role: string, permission: Permission): boolean {
  return roleRank(role) >= roleRank(PERMISSIONS[permission].min);
}

/**
 * THE check: the actor's **stored** role (never the JWT claim, docs/protocol/domain.md §6.1) must
 * hold `permission`. @param actor - the stored user, `null` when it no longer exists
 * @throws DomainError `permission_denied` (403)
 */
export function requirePermission<T extends { role: string }>(
  actor: T | null | undefined,
  permission: Permission,
): T {
  if (actor === null || actor === undefined || !allows(actor.role, permission))
    throw new DomainError('permission_denied');
  return actor;
}
