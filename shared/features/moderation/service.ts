// System roles and bans: role changes with last-admin protection, bootstrap grants, bans that revoke every session and close every socket (docs/protocol/extensions.md §9).
import { emit, type EmitDeps } from '../../kernel/events.js';
import { DomainError, ValidationError } from '../../kernel/errors.js';
import { isSystemRole, requirePermission, roleRank, type Permission } from '../../kernel/permissions.js';
import { toTimestamp } from '../../kernel/time.js';
import type { SystemRole, Uuid } from '../../kernel/types.js';
import { newAuditEntry, type AuditContext } from '../audit/index.js';
import { toUser, type User, type UserRecord, type UserRepository } from '../users/index.js';
import { MAX_BAN_MINUTES, MAX_REASON_CHARS, type Ban, type ModerationRepository } from './model.js';

/** What the ModerationService needs. */
export interface ModerationServiceDeps extends EmitDeps {
  users: Pick<UserRepository, 'getById' | 'getByUsername'>;
  moderation: ModerationRepository;
  /** `admin.bootstrap_usernames`: made admin at startup and on registration. */
  bootstrapAdmins?: readonly string[];
}

/** Input of a ban (docs/protocol/extensions.md §9): `duration_minutes` absent/null = until unbanned. */
export interface BanInput {
  reason?: string;
  duration_minutes?: number | null;
}

/** System roles and bans (docs/protocol/extensions.md §9). */
export interface ModerationService {
  /**
   * Bans a user (moderator+, never an admin nor anyone of the actor's rank or above); revokes
   * every session and publishes the `account_banned` relay notice (every socket on every relay
   * gets the error and is closed). @throws `permission_denied` | `user_not_found` | `validation_failed`
   */
  ban(actorId: Uuid, userId: Uuid, input: BanInput, ctx?: AuditContext): Promise<Ban>;
  /** Lifts a ban (moderator+). @throws `permission_denied` | `user_not_found` (no such user or no ban) */
  unban(actorId: Uuid, userId: Uuid, ctx?: AuditContext): Promise<void>;
  /** Live bans, newest first (moderator+). */
  listBans(actorId: Uuid, limit: number): Promise<Ban[]>;
  /**
   * `PUT /api/v1/admin/users/{id}/role` (admin). Audited as `role.grant` (up) or `role.revoke` (down).
   * @throws `permission_denied` | `user_not_found` | `validation_failed` (unknown role) | `last_admin` 409
   */
  setRole(actorId: Uuid, userId: Uuid, role: string, ctx?: AuditContext): Promise<User>;
  /**
   * Out-of-band grant by username: `npm run admin -- grant` and `admin.bootstrap_usernames`
   * (no acting user; audited with actor null and `details.via`). Same role twice is a no-op.
   * @throws `user_not_found` | `validation_failed` | `last_admin`
   */
  grant(username: string, role: string, via: 'cli' | 'bootstrap'): Promise<User>;
  /**
   * Applies `admin.bootstrap_usernames`: every listed user that exists (or just `username`, when
   * given and listed) becomes admin. Idempotent. @returns the usernames granted now
   */
  applyBootstrap(username?: string): Promise<string[]>;
  /**
   * A user by id (UUID form) or username, for commands that take either. With `permission` the
   * actor must hold it first (no existence oracle for those who may not act).
   * @throws `permission_denied` | `user_not_found`
   */
  resolveUser(actorId: Uuid, ref: string, permission?: Permission): Promise<User>;
}

/** @throws ValidationError for an unknown role name */
function parseRole(role: string): SystemRole {
  if (!isSystemRole(role))
    throw new ValidationError(
      'validation_failed',
      'Validation failed: role - must be admin, moderator, user or guest',
    );
  return role;
}

/** @throws ValidationError for a reason over 500 characters or a duration outside 1–525600 minutes */
function validateBan(input: BanInput): { reason: string; minutes: number | null } {
  const reason = (input.reason ?? '').trim();
  if (reason.length > MAX_REASON_CHARS)
    throw new ValidationError(
      'validation_failed',
      `Validation failed: reason - at most ${MAX_REASON_CHARS} characters`,
    );
  const m = input.duration_minutes;
  if (m === undefined || m === null) return { reason, minutes: null };
  if (!Number.isInteger(m) || m < 1 || m > MAX_BAN_MINUTES)
    throw new ValidationError(
      'validation_failed',
      `Validation failed: duration_minutes - must be 1-${MAX_BAN_MINUTES}`,
    );
  return { reason, minutes: m };
}

/** Builds the ModerationService. Every actor check reads the actor's stored role (shared/kernel/permissions.ts). */
export function createModerationService(deps: ModerationServiceDeps): ModerationService {
  const { users, moderation, clock } = deps;

  async function requireTarget(userId: Uuid): Promise<UserRecord> {
    const target = await users.getById(userId);
    if (target === null) throw new DomainError('user_not_found');
    return target;
  }

  async function changeRole(
    actor: UserRecord | null,
    target: UserRecord,
    role: SystemRole,
    ctx: AuditContext,
    details: Record<string, unknown> = {},
  ): Promise<User> {
    if (target.role === role) return toUser(target);
    const action = roleRank(role) > roleRank(target.role) ? 'role.grant' : 'role.revoke';
    const audit = newAuditEntry(
      deps,
      actor,
      {
        action,
        target_type: 'user',
        target_id: target.id,
        details: { from: target.role, to: role, ...details },
      },
      ctx,
    );
    await moderation.setRole(target.id, target.role, role, audit);
    return { ...toUser(target), role, updated_at: audit.at };
  }

  return {
    async ban(actorId, userId, input, ctx = {}) {
      // Both reads in one round trip (ban propagation is measured from this call, bench/README.md).
      const [actorRecord, targetRecord] = await Promise.all([users.getById(actorId), users.getById(userId)]);
      const actor = requirePermission(actorRecord, 'user.ban');
      const { reason, minutes } = validateBan(input);
      if (targetRecord === null) throw new DomainError('user_not_found');
      const target = targetRecord;
      if (target.id === actor.id || target.role === 'admin' || roleRank(target.role) >= roleRank(actor.role))
        throw new DomainError('permission_denied', 'Permission denied: cannot ban this user');
      const now = clock.now();
      const ban: Ban = {
        user_id: target.id,
        reason,
        banned_by: actor.id,
        created_at: toTimestamp(now),
        expires_at: minutes === null ? null : toTimestamp(now + minutes * 60_000),
      };
      const audit = newAuditEntry(
        deps,
        actor,
        {
          action: 'user.ban',
          target_type: 'user',
          target_id: target.id,
          details: {
            reason,
            duration_minutes: minutes,
            expires_at: ban.expires_at,
            username: target.username,
          },
        },
        ctx,
      );
      await moderation.putBan(ban, audit);
      // Sockets first (one signed post per relay), then the session sweep (one delete per session):
      // a connection authenticating in between is refused by the ban check in `authenticate`.
      await emit(
        deps,
        { kind: 'users', userIds: [target.id] },
        {
          type: 'account_banned',
          user_id: target.id,
          message: reason === '' ? 'Account banned' : `Account banned: ${reason}`,
        },
      );
      await moderation.revokeSessions(target.id);
      return ban;
    },

    async unban(actorId, userId, ctx = {}) {
      const actor = requirePermission(await users.getById(actorId), 'user.ban');
      const target = await requireTarget(userId);
      const audit = newAuditEntry(
        deps,
        actor,
        {
          action: 'user.unban',
          target_type: 'user',
          target_id: target.id,
          details: { username: target.username },
        },
        ctx,
      );
      if (!(await moderation.deleteBan(target.id, audit)))
        throw new DomainError('user_not_found', 'User not found or not banned');
    },

    async listBans(actorId, limit) {
      requirePermission(await users.getById(actorId), 'user.ban');
      return moderation.listBans(limit);
    },

    async setRole(actorId, userId, role, ctx = {}) {
      const actor = requirePermission(await users.getById(actorId), 'user.role');
      const next = parseRole(role);
      return changeRole(actor, await requireTarget(userId), next, ctx);
    },

    async grant(username, role, via) {
      const next = parseRole(role);
      const target = await users.getByUsername(username);
      if (target === null) throw new DomainError('user_not_found');
      return changeRole(null, target, next, {}, { via });
    },

    async resolveUser(actorId, ref, permission) {
      if (permission !== undefined) requirePermission(await users.getById(actorId), permission);
      const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref)
        ? await users.getById(ref.toLowerCase())
        : null;
      const user = byId ?? (await users.getByUsername(ref));
      if (user === null) throw new DomainError('user_not_found');
      return toUser(user);
    },

    async applyBootstrap(username) {
      const listed = (deps.bootstrapAdmins ?? []).map((u) => u.toLowerCase());
      const wanted = username === undefined ? listed : listed.filter((u) => u === username.toLowerCase());
      const granted: string[] = [];
      for (const name of wanted) {
        const user = await users.getByUsername(name);
        if (user === null || user.role === 'admin') continue;
        await changeRole(null, user, 'admin', {}, { via: 'bootstrap' });
        granted.push(user.username);
      }
      return granted;
    },
  };
}
