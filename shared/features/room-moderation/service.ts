// Room moderation use cases: mute/unmute, room ban/unban, slow mode, and the send gate every send and reaction passes (docs/protocol/extensions.md §9).
import { emit, type EmitDeps } from '../../kernel/events.js';
import { DomainError, ValidationError } from '../../kernel/errors.js';
import { requirePermission } from '../../kernel/permissions.js';
import { toTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import { newAuditEntry, type AuditContext } from '../audit/index.js';
import {
  isModeratorOrAbove,
  toRoom,
  type MembershipRepository,
  type Room,
  type RoomAccess,
  type RoomRepository,
  type RoomRole,
} from '../rooms/index.js';
import type { UserRepository } from '../users/index.js';
import {
  MAX_ROOM_MODERATION_MINUTES,
  MAX_SLOW_MODE_SECONDS,
  type RoomBan,
  type RoomModerationRepository,
  type RoomMute,
} from './model.js';

/**
 * `slow_mode` 429: `retryAfterMs` (ms until the next send can succeed) goes inside `error` as
 * `retry_after_ms` on HTTP and TCP/WS (docs/protocol/extensions.md §0.6).
 */
export class SlowModeError extends DomainError {
  override readonly name = 'SlowModeError';
  constructor(readonly retryAfterMs: number) {
    super('slow_mode');
  }
}

/** What the RoomModerationService needs. */
export interface RoomModerationServiceDeps extends EmitDeps {
  users: Pick<UserRepository, 'getById'>;
  rooms: Pick<RoomRepository, 'get'>;
  memberships: Pick<MembershipRepository, 'get' | 'remove'>;
  roomModeration: RoomModerationRepository;
}

/** Input of a mute or room ban: `duration_minutes` absent/null = until lifted. */
export interface RoomSanctionInput {
  reason?: string | null;
  duration_minutes?: number | null;
}

/** Room moderation (docs/protocol/extensions.md §9); every call needs system role `user`+ ('room.moderate') and room moderator+. */
export interface RoomModerationService {
  /**
   * Mutes a member: they read but cannot send or react (`muted` 403). Moderators mute members,
   * owners mute moderators and members, nobody mutes an owner or themselves. Emits `member_muted`.
   * @throws `permission_denied` | `room_not_found` | `not_room_member` (caller or target) | `validation_failed`
   */
  mute(
    actorId: Uuid,
    roomId: Uuid,
    userId: Uuid,
    input: RoomSanctionInput,
    ctx?: AuditContext,
  ): Promise<RoomMute>;
  /** Lifts a mute. Emits `member_unmuted`. @throws as {@link mute}; `not_found` when not muted */
  unmute(actorId: Uuid, roomId: Uuid, userId: Uuid, ctx?: AuditContext): Promise<void>;
  /**
   * Bans a user from the room (member or not): a member is removed (`user_left_room` reason
   * `banned`), and joins and invitations answer `room_banned` until it expires or is lifted.
   * Same rank rule as {@link mute}. @throws `permission_denied` | `room_not_found` | `not_room_member` (caller) | `user_not_found` | `validation_failed`
   */
  ban(
    actorId: Uuid,
    roomId: Uuid,
    userId: Uuid,
    input: RoomSanctionInput,
    ctx?: AuditContext,
  ): Promise<RoomBan>;
  /** Lifts a room ban. @throws `permission_denied` | `room_not_found` | `not_room_member` | `not_found` (no ban) */
  unban(actorId: Uuid, roomId: Uuid, userId: Uuid, ctx?: AuditContext): Promise<void>;
  /** Live room bans (room moderator+). */
  listBans(actorId: Uuid, roomId: Uuid): Promise<RoomBan[]>;
  /**
   * Sets `settings.slow_mode_seconds` (0–3600, 0 = off; room moderator+). Emits `room_updated`.
   * @throws `validation_failed` | `permission_denied` | `room_not_found` | `not_room_member`
   */
  setSlowMode(actorId: Uuid, roomId: Uuid, seconds: unknown, ctx?: AuditContext): Promise<Room>;
}

/** The check a room send or reaction passes before its write (see {@link createSendGate}). */
export interface SendGate {
  /**
   * @param kind - `send` (mute and slow mode) or `react` (mute only)
   * @throws DomainError `muted` 403; SlowModeError `slow_mode` 429 with `retryAfterMs`
   */
  check(roomId: Uuid, userId: Uuid, access: RoomAccess, kind: 'send' | 'react'): Promise<void>;
}

/**
 * The send gate: the room's moderation state comes from the repository's per-process cache (≤ 1 s
 * old, so a mute set on another process applies within a second); only a slow-mode room costs a
 * membership read (moderators are exempt) and one conditional PutItem claiming the send slot.
 */
export function createSendGate(deps: {
  roomModeration: Pick<RoomModerationRepository, 'roomState' | 'claimSendSlot'>;
  clock: RoomModerationServiceDeps['clock'];
}): SendGate {
  return {
    async check(roomId, userId, access, kind) {
      const state = await deps.roomModeration.roomState(roomId);
      const now = deps.clock.now();
      const mute = state.mutes.get(userId);
      if (mute !== undefined && (mute === null || mute > now)) throw new DomainError('muted');
      if (kind !== 'send' || state.slowModeSeconds <= 0) return;
      const membership = await access.membership(roomId, userId);
      if (membership !== null && isModeratorOrAbove(membership.role)) return;
      const wait = await deps.roomModeration.claimSendSlot(roomId, userId, now, state.slowModeSeconds * 1000);
      if (wait > 0) throw new SlowModeError(wait);
    },
  };
}

/** Who may mute or ban a user whose room role is `target` (the kick rule of docs/protocol/domain.md §7). */
function mayAct(actor: RoomRole, target: RoomRole): boolean {
  if (target === 'owner') return false;
  if (target === 'moderator') return actor === 'owner';
  return isModeratorOrAbove(actor);
}

/** @throws ValidationError for a reason over 500 characters or a duration outside 1–525600 */
function validateSanction(input: RoomSanctionInput): { reason: string; minutes: number | null } {
  const reason = (input.reason ?? '').trim();
  if (reason.length > 500)
    throw new ValidationError('validation_failed', 'Validation failed: reason - at most 500 characters');
  const m = input.duration_minutes;
  if (m === undefined || m === null) return { reason, minutes: null };
  if (!Number.isInteger(m) || m < 1 || m > MAX_ROOM_MODERATION_MINUTES)
    throw new ValidationError(
      'validation_failed',
      `Validation failed: duration_minutes - must be 1-${MAX_ROOM_MODERATION_MINUTES}`,
    );
  return { reason, minutes: m };
}

/**
 * Builds the RoomModerationService. Check order of every call: system permission
 * `room.moderate` (a guest gets `permission_denied`) → input → `room_not_found` → caller
 * membership (`not_room_member`) → caller room moderator+ (`permission_denied`) → target rules.
 */
export function createRoomModerationService(deps: RoomModerationServiceDeps): RoomModerationService {
  const { users, rooms, memberships, roomModeration, clock } = deps;

  /** The acting user and their membership, after every check up to "room moderator+". */
  async function moderator(actorId: Uuid, roomId: Uuid) {
    const actor = requirePermission(await users.getById(actorId), 'room.moderate');
    const room = await rooms.get(roomId);
    if (room === null) throw new DomainError('room_not_found');
    const membership = await memberships.get(roomId, actorId);
    if (membership === null) throw new DomainError('not_room_member');
    if (!isModeratorOrAbove(membership.role)) throw new DomainError('permission_denied');
    return { actor, room, membership };
  }

  const expiresAt = (minutes: number | null): string | null =>
    minutes === null ? null : toTimestamp(clock.now() + minutes * 60_000);

  return {
    async mute(actorId, roomId, userId, input, ctx = {}) {
      const { reason, minutes } = validateSanction(input);
      const { actor, membership } = await moderator(actorId, roomId);
      if (userId === actorId) throw new DomainError('permission_denied');
      const target = await memberships.get(roomId, userId);
      if (target === null) throw new DomainError('not_room_member');
      if (!mayAct(membership.role, target.role)) throw new DomainError('permission_denied');
      const mute: RoomMute = {
        room_id: roomId,
        user_id: userId,
        reason,
        muted_by: actorId,
        created_at: toTimestamp(clock.now()),
        expires_at: expiresAt(minutes),
      };
      const audit = newAuditEntry(
        deps,
        actor,
        {
          action: 'room.mute',
          target_type: 'user',
          target_id: userId,
          details: { room_id: roomId, reason, duration_minutes: minutes, expires_at: mute.expires_at },
        },
        ctx,
      );
      await roomModeration.putMute(mute, audit);
      await emit(deps, { kind: 'room', roomId }, { type: 'member_muted', ...mute });
      return mute;
    },

    async unmute(actorId, roomId, userId, ctx = {}) {
      const { actor, membership } = await moderator(actorId, roomId);
      const target = await memberships.get(roomId, userId);
      if (target !== null && !mayAct(membership.role, target.role))
        throw new DomainError('permission_denied');
      const audit = newAuditEntry(
        deps,
        actor,
        { action: 'room.unmute', target_type: 'user', target_id: userId, details: { room_id: roomId } },
        ctx,
      );
      if (!(await roomModeration.deleteMute(roomId, userId, audit)))
        throw new DomainError('not_found', 'Member is not muted');
      await emit(
        deps,
        { kind: 'room', roomId },
        { type: 'member_unmuted', room_id: roomId, user_id: userId, unmuted_by: actorId },
      );
    },

    async ban(actorId, roomId, userId, input, ctx = {}) {
      const { reason, minutes } = validateSanction(input);
      const { actor, membership } = await moderator(actorId, roomId);
      if (userId === actorId) throw new DomainError('permission_denied');
      const [targetUser, target] = await Promise.all([
        users.getById(userId),
        memberships.get(roomId, userId),
      ]);
      if (targetUser === null) throw new DomainError('user_not_found');
      if (!mayAct(membership.role, target?.role ?? 'member')) throw new DomainError('permission_denied');
      const ban: RoomBan = {
        room_id: roomId,
        user_id: userId,
        reason,
        banned_by: actorId,
        created_at: toTimestamp(clock.now()),
        expires_at: expiresAt(minutes),
      };
      const audit = newAuditEntry(
        deps,
        actor,
        {
          action: 'room.ban',
          target_type: 'user',
          target_id: userId,
          details: {
            room_id: roomId,
            reason,
            username: targetUser.username,
            duration_minutes: minutes,
            expires_at: ban.expires_at,
          },
        },
        ctx,
      );
      // The ban first (joins refuse from now on), then the removal; a repeated ban call finishes a removal that failed.
      await roomModeration.putRoomBan(ban, audit);
      if (target !== null) {
        try {
          await memberships.remove(
            roomId,
            userId,
            {
              userId: actorId,
              rolesFor: (role) =>
                role === 'member' ? ['owner', 'moderator'] : role === 'moderator' ? ['owner'] : [],
            },
            { change: 'banned', at: ban.created_at },
          );
        } catch (e) {
          if (!(e instanceof DomainError && e.code === 'not_room_member')) throw e; // left meanwhile
        }
        await emit(
          deps,
          { kind: 'room', roomId, alsoUserIds: [userId] },
          { type: 'user_left_room', room_id: roomId, user_id: userId, reason: 'banned' },
        );
      }
      return ban;
    },

    async unban(actorId, roomId, userId, ctx = {}) {
      const { actor } = await moderator(actorId, roomId);
      const audit = newAuditEntry(
        deps,
        actor,
        { action: 'room.unban', target_type: 'user', target_id: userId, details: { room_id: roomId } },
        ctx,
      );
      if (!(await roomModeration.deleteRoomBan(roomId, userId, audit)))
        throw new DomainError('not_found', 'User is not banned from this room');
    },

    async listBans(actorId, roomId) {
      await moderator(actorId, roomId);
      return roomModeration.listRoomBans(roomId);
    },

    async setSlowMode(actorId, roomId, seconds, ctx = {}) {
      if (
        typeof seconds !== 'number' ||
        !Number.isInteger(seconds) ||
        seconds < 0 ||
        seconds > MAX_SLOW_MODE_SECONDS
      )
        throw new ValidationError(
          'validation_failed',
          `Validation failed: slow_mode_seconds - must be 0-${MAX_SLOW_MODE_SECONDS}`,
        );
      const { actor, room } = await moderator(actorId, roomId);
      const audit = newAuditEntry(
        deps,
        actor,
        {
          action: 'room.slow_mode',
          target_type: 'room',
          target_id: roomId,
          details: { from: room.slow_mode_seconds, to: seconds },
        },
        ctx,
      );
      await roomModeration.setSlowMode(roomId, seconds, audit);
      const updated = toRoom({ ...room, slow_mode_seconds: seconds });
      await emit(
        deps,
        { kind: 'room', roomId },
        { type: 'room_updated', room: updated, changed_by: actorId },
      );
      return updated;
    },
  };
}
