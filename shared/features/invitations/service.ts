// Invitation use cases: invite (one or bulk), view, lists, accept (one or all), decline, revoke, system expiry and reminders (docs/protocol/http.md §10, docs/protocol/extensions.md §6).
import { emit, type EmitDeps } from '../../kernel/events.js';
import {
  ConflictError,
  DomainError,
  ValidationError,
  isDomainError,
  type ErrorCode,
} from '../../kernel/errors.js';
import { requirePermission } from '../../kernel/permissions.js';
import type { BanCheck } from '../../kernel/ports.js';
import { isExpired, toTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import { parseUuid } from '../../kernel/validation.js';
import {
  isModeratorOrAbove,
  toRoom,
  type Room,
  type RoomAccess,
  type RoomMembership,
  type RoomRecord,
  type RoomRepository,
} from '../rooms/index.js';
import { requireNotBlocked, type BlockRepository } from '../social/index.js';
import { toUser, type UserRecord, type UserRepository } from '../users/index.js';
import { toInvitation } from './items.js';
import type { RoomModerationRepository } from '../room-moderation/index.js';
import {
  MAX_BULK_INVITEES,
  MAX_INVITATION_MESSAGE_CHARS,
  REMINDER_LEAD_MS,
  TTL_HOURS,
  type CancelReason,
  type Invitation,
  type InvitationListQuery,
  type InvitationPage,
  type InvitationRepository,
  type InvitationRole,
  type InvitationTemplate,
} from './model.js';

/** What the InvitationService needs. */
export interface InvitationServiceDeps extends EmitDeps {
  invitations: InvitationRepository;
  inviteLinks: { getTemplate(roomId: Uuid, id: Uuid): Promise<InvitationTemplate | null> };
  rooms: Pick<RoomRepository, 'get'>;
  users: Pick<UserRepository, 'getById' | 'getMany' | 'getByUsername' | 'getManyByUsername'>;
  access: RoomAccess;
  /** Room bans (docs/protocol/extensions.md §9): a room-banned user cannot be invited. */
  roomModeration: Pick<RoomModerationRepository, 'getRoomBan' | 'roomBannedAmong'>;
  /**
   * System bans (the moderation store): a banned invitee is refused with `account_banned`
   * (docs/protocol-extensions.md §6). Absent ⇒ no ban check (unit compositions without moderation).
   */
  moderation?: InviteeBans;
  /** A block either way refuses an invitation (`recipient_unavailable`, extensions.md §7.3). */
  blocks: Pick<BlockRepository, 'isBlocked' | 'blockedEitherWay'>;
}

/** The two ban reads invites need (moderation's store implements them). */
export interface InviteeBans extends BanCheck {
  bannedAmong(userIds: Uuid[]): Promise<Set<Uuid>>;
}

/** Extension fields of an invite (docs/protocol/extensions.md §6.1–6.2); all optional. */
export interface InviteOptions {
  /** HTTP requires moderator-or-above; TCP/WS any member (upstream). */
  requireModerator: boolean;
  message?: string | null;
  role?: InvitationRole;
  /** 1–720 hours; default 168 (or the template's). */
  ttlHours?: number;
  templateId?: Uuid;
}

/** One row of a bulk invite's results (docs/protocol/extensions.md §6.2). */
export type BulkResult =
  | { user_id: string; invitation: Invitation }
  | { user_id: string; error: { code: ErrorCode; message: string } };

/** One row of accept-all's results. */
export type AcceptAllResult =
  | { invitation_id: Uuid; membership: RoomMembership }
  | { invitation_id: Uuid; error: { code: ErrorCode; message: string } };

/** What a user sees on login: pending invitations and those expiring within 24 h (docs/protocol/extensions.md §6.3). */
export interface InvitationSummary {
  pending: Invitation[];
  expiring_soon: Invitation[];
}

/** Invitations (docs/protocol/http.md §10, docs/protocol/tcp.md §7.10–7.13, docs/protocol/extensions.md §6). */
export interface InvitationService {
  /**
   * Invites `inviteeId`. Emits `invitation_received` to the invitee.
   * @throws `not_room_member` | `permission_denied` | `user_not_found` | `already_member` |
   *   `already_invited` | `room_not_found` | `room_full` | `room_banned` | `validation_failed` | `not_found` (template)
   */
  create(actorId: Uuid, roomId: Uuid, inviteeId: Uuid, opts: InviteOptions): Promise<Invitation>;
  /**
   * Invites up to 50 users by id or username; one failure never blocks the others. Per-user rows:
   * `user_not_found` | `account_banned` | `already_member` | `recipient_unavailable` |
   * `room_banned` | `already_invited`. Cost: one parallel round of reads (3 GetItem + 5
   * BatchGetItem, nothing per invitee; usernames add two BatchGets and one round) and ⌈n / 33⌉ parallel
   * TransactWriteItems (docs/adr/024).
   * @throws (for the whole call) `validation_failed` (0 or > 50 users, bad options) and the
   *   caller/room checks of {@link create}
   */
  createBulk(
    actorId: Uuid,
    roomId: Uuid,
    targets: { userIds?: string[]; usernames?: string[] },
    opts: InviteOptions,
  ): Promise<{ results: BulkResult[]; created: number; failed: number }>;
  /** Caller's pending unexpired invitations, newest first (upstream list). */
  listPending(actorId: Uuid): Promise<Invitation[]>;
  /** One page of the caller's received or sent invitations. @throws `validation_failed` (cursor) */
  list(actorId: Uuid, query: InvitationListQuery): Promise<InvitationPage>;
  /** Inviter, invitee or room moderator+. @throws `invitation_not_found` */
  get(actorId: Uuid, invitationId: Uuid): Promise<Invitation>;
  /**
   * Accepts and joins with the invitation's role. Emits `user_joined_room` (room) and
   * `invitation_status_changed` (inviter).
   * @throws `invitation_not_found` | `not_invitee` | `invitation_expired` | `already_member` | `room_full` | `room_not_found`
   *   | `permission_denied` (a guest and a private room: docs/protocol/extensions.md §9)
   */
  accept(actorId: Uuid, invitationId: Uuid): Promise<{ membership: RoomMembership; room: Room }>;
  /** Accepts every pending invitation of the caller, each on its own. */
  acceptAll(actorId: Uuid): Promise<{ results: AcceptAllResult[] }>;
  /** Emits `invitation_status_changed` (inviter). @throws `invitation_not_found` | `not_invitee` | `invitation_expired` */
  decline(actorId: Uuid, invitationId: Uuid): Promise<void>;
  /**
   * Inviter or room moderator+ cancels a pending invitation. Emits `invitation_cancelled`
   * (`cancelled_by_inviter`, invitee) and `invitation_status_changed` (inviter).
   * @throws `invitation_not_found` | `permission_denied` | `invitation_not_pending`
   */
  revoke(actorId: Uuid, invitationId: Uuid): Promise<Invitation>;
  /** Pending + expiring within 24 h, for the login summary. */
  summary(actorId: Uuid): Promise<InvitationSummary>;
  /**
   * System transition of a pending invitation (expiry sweep, TTL stream, room deletion): marks it
   * `expired` or `cancelled`, notifies invitee (`invitation_cancelled`) and inviter
   * (`invitation_status_changed`). Idempotent: false when it was no longer pending.
   */
  closeBySystem(invitationId: Uuid, reason: Exclude<CancelReason, 'cancelled_by_inviter'>): Promise<boolean>;
  /**
   * Finishes an accept made by upstream's `join_room` on a private room (rooms' membership
   * transaction marked only the slot `accepted`): the record becomes `accepted` and the inviter
   * is told. Idempotent: false when the record was no longer pending.
   */
  completeAccepted(invitationId: Uuid, at: string): Promise<boolean>;
  /** Sends `invitation_reminder` to the invitee of a pending invitation (the sweep decides when). */
  remind(invitationId: Uuid): Promise<boolean>;
  /**
   * The reminder/expiry sweep (docs/protocol/extensions.md §6.3): expires pending invitations past
   * `expires_at` (TTL may lag hours) and reminds those expiring within 24 h, once each.
   * @returns counts of this run
   */
  sweep(): Promise<{ reminded: number; expired: number }>;
}

/** Validates `ttl_hours` (integer 1–720). @throws ValidationError `validation_failed` */
function checkTtl(ttl: number): number {
  if (!Number.isInteger(ttl) || ttl < TTL_HOURS.min || ttl > TTL_HOURS.max) {
    throw new ValidationError(
      'validation_failed',
      `Validation failed: ttl_hours - must be ${TTL_HOURS.min}-${TTL_HOURS.max}`,
    );
  }
  return ttl;
}

/** Validates `message` (≤ 500 characters; empty ⇒ null). @throws ValidationError `validation_failed` */
function checkMessage(message: string | null | undefined): string | null {
  if (message === null || message === undefined || message.trim() === '') return null;
  if (Array.from(message).length > MAX_INVITATION_MESSAGE_CHARS) {
    throw new ValidationError('validation_failed', 'Validation failed: message - at most 500 characters');
  }
  return message;
}

/** Message of `account_banned` when the *invitee* is the banned one (the row's text speaks of the caller). */
const BANNED_INVITEE = 'User is banned';

/** Error row of a DomainError for per-item results. */
const errorOf = (e: DomainError) => ({ code: e.code, message: e.message });

/** The per-invitee facts a bulk invite reads in batches (ids in each set). */
interface BulkChecks {
  banned: Set<Uuid>;
  blocked: Set<Uuid>;
  roomBanned: Set<Uuid>;
  members: Set<Uuid>;
  pending: Set<Uuid>;
}

const emptyChecks = (): BulkChecks => ({
  banned: new Set(),
  blocked: new Set(),
  roomBanned: new Set(),
  members: new Set(),
  pending: new Set(),
});

/** Union of two check results. */
function mergeChecks(a: BulkChecks, b: BulkChecks): BulkChecks {
  const u = (x: Set<Uuid>, y: Set<Uuid>) => (y.size === 0 ? x : new Set([...x, ...y]));
  return {
    banned: u(a.banned, b.banned),
    blocked: u(a.blocked, b.blocked),
    roomBanned: u(a.roomBanned, b.roomBanned),
    members: u(a.members, b.members),
    pending: u(a.pending, b.pending),
  };
}

/** A pending record past `expires_at` reads as `expired` (docs/protocol/extensions.md §6.3). */
export function effective(inv: Invitation, nowMs: number): Invitation {
  return inv.status === 'pending' && isExpired(inv.expires_at, nowMs) ? { ...inv, status: 'expired' } : inv;
}

/**
 * Builds the InvitationService (lifecycle docs/protocol/domain.md §8.2, docs/protocol/extensions.md §6).
 *
 * create, check order:
 * - HTTP (`requireModerator: true`): not_room_member (caller; also unknown room) → permission_denied
 *   (plain member; or `role: moderator` from a non-owner) → validation_failed (ttl, message) →
 *   user_not_found (invitee) → account_banned (invitee system-banned) → already_member → room_full → room_banned → already_invited.
 * - TCP/WS (`requireModerator: false`): room_not_found first, then the same.
 * Options: `template_id` fills `message`/`role`/`ttl_hours` not given; an explicit field wins.
 */
export function createInvitationService(deps: InvitationServiceDeps): InvitationService {
  const { invitations, rooms, users, clock, ids, access } = deps;

  /** The audience of one user. */
  const to = (userId: Uuid) => ({ kind: 'users' as const, userIds: [userId] });

  /** Caller/room checks shared by single and bulk invites; returns what both need. */
  /**
   * Reads room, caller membership, template and inviter in parallel (one round trip), then
   * applies the checks in the documented order.
   */
  async function prepare(actorId: Uuid, roomId: Uuid, opts: InviteOptions) {
    const [room, membership, template, inviter] = await Promise.all([
      rooms.get(roomId),
      access.membership(roomId, actorId),
      opts.templateId !== undefined
        ? deps.inviteLinks.getTemplate(roomId, opts.templateId)
        : Promise.resolve(null),
      users.getById(actorId),
    ]);
    requirePermission(inviter, 'invitation.send'); // guests send none (extensions.md §9)
    if (!opts.requireModerator && room === null) throw new DomainError('room_not_found');
    if (membership === null) throw new DomainError('not_room_member');
    if (opts.requireModerator && !isModeratorOrAbove(membership.role))
      throw new DomainError('permission_denied');
    if (room === null) throw new DomainError('room_not_found');
    if (opts.templateId !== undefined && template === null)
      throw new DomainError('not_found', 'Template not found');
    const role = opts.role ?? template?.role ?? 'member';
    if (role === 'moderator' && membership.role !== 'owner') throw new DomainError('permission_denied');
    const ttlHours = checkTtl(opts.ttlHours ?? template?.ttl_hours ?? TTL_HOURS.default);
    const message = checkMessage(opts.message !== undefined ? opts.message : template?.message);
    return { room, role, ttlHours, message, inviterName: inviter?.username ?? actorId };
  }

  type Prepared = Awaited<ReturnType<typeof prepare>>;

  /** Room capacity at invite time (issue 17 finding 6): a full room refuses the invite. */
  function checkCapacity(room: RoomRecord): void {
    const max = room.settings.max_members;
    if (max !== null && room.member_count >= max) throw new ConflictError('room_full');
  }

  /** The new pending invitation of `invitee` (ids, times from `now` epoch ms, options from `p`). */
  function newInvitation(actorId: Uuid, p: Prepared, invitee: UserRecord, now: number): Invitation {
    return {
      id: ids.uuid(),
      room_id: p.room.id,
      room_name: p.room.name,
      inviter_id: actorId,
      inviter_name: p.inviterName,
      invitee_id: invitee.id,
      invitee_name: invitee.username,
      status: 'pending',
      message: p.message,
      created_at: toTimestamp(now),
      expires_at: toTimestamp(now + p.ttlHours * 3600 * 1000),
      responded_at: null,
      role: p.role,
      cancelled_at: null,
      cancelled_by: null,
    };
  }

  async function inviteOne(actorId: Uuid, p: Prepared, invitee: UserRecord): Promise<Invitation> {
    if (invitee.id === actorId) throw new ConflictError('already_member');
    await requireNotBlocked(deps, actorId, invitee.id);
    checkCapacity(p.room);
    if ((await deps.roomModeration.getRoomBan(p.room.id, invitee.id)) !== null)
      throw new DomainError('room_banned');
    const invitation = newInvitation(actorId, p, invitee, clock.now());
    await invitations.create(invitation); // room_not_found | already_member | already_invited
    await emit(deps, to(invitee.id), { type: 'invitation_received', invitation });
    return invitation;
  }

  async function requireAnswerable(actorId: Uuid, invitationId: Uuid): Promise<Invitation> {
    const invitation = await invitations.getById(invitationId);
    if (invitation === null) throw new DomainError('invitation_not_found');
    if (invitation.invitee_id !== actorId) throw new ConflictError('not_invitee');
    if (invitation.status !== 'pending' || isExpired(invitation.expires_at, clock.now())) {
      throw new ConflictError('invitation_expired');
    }
    return toInvitation(invitation);
  }

  async function statusChanged(invitation: Invitation): Promise<void> {
    await emit(deps, to(invitation.inviter_id), { type: 'invitation_status_changed', invitation });
  }

  async function accept(actorId: Uuid, invitationId: Uuid) {
    const invitation = await requireAnswerable(actorId, invitationId);
    const room = await rooms.get(invitation.room_id);
    if (room === null) throw new DomainError('room_not_found');
    const user = await users.getById(actorId);
    if (user === null) throw new DomainError('user_not_found');
    if (room.settings.is_private) requirePermission(user, 'private_room.join'); // guests: public rooms only (§9)
    const joinedAt = toTimestamp(clock.now());
    const accepted = toInvitation(await invitations.accept(invitation, joinedAt));
    const membership: RoomMembership = {
      room_id: room.id,
      user_id: actorId,
      role: invitation.role,
      joined_at: joinedAt,
    };
    await emit(
      deps,
      { kind: 'room', roomId: room.id },
      {
        type: 'user_joined_room',
        room_id: room.id,
        user: toUser(user),
        membership,
      },
    );
    await statusChanged(accepted);
    return { membership, room: toRoom(room) };
  }

  /**
   * Every per-invitee check of a bulk invite for `ids`, each one BatchGetItem (≤ 100 keys), all in
   * parallel: system bans, blocks either way, memberships + pending slots, room bans.
   */
  async function bulkChecks(actorId: Uuid, roomId: Uuid, ids: Uuid[], nowMs: number): Promise<BulkChecks> {
    if (ids.length === 0) return emptyChecks();
    const [banned, blocked, states, roomBanned] = await Promise.all([
      deps.moderation?.bannedAmong(ids) ?? new Set<Uuid>(),
      deps.blocks.blockedEitherWay(actorId, ids),
      invitations.inviteeStates(roomId, ids, nowMs),
      deps.roomModeration.roomBannedAmong(roomId, ids),
    ]);
    return { banned, blocked, roomBanned, members: states.members, pending: states.pending };
  }

  const service: InvitationService = {
    async create(actorId, roomId, inviteeId, opts) {
      const p = await prepare(actorId, roomId, opts);
      const [invitee, ban, member] = await Promise.all([
        users.getById(inviteeId),
        deps.moderation?.activeBan(inviteeId) ?? null,
        access.membership(roomId, inviteeId),
      ]);
      if (invitee === null) throw new DomainError('user_not_found');
      if (ban !== null) throw new DomainError('account_banned', BANNED_INVITEE);
      if (member !== null) throw new ConflictError('already_member');
      return inviteOne(actorId, p, invitee);
    },

    async createBulk(actorId, roomId, targets, opts) {
      const keys = [...(targets.userIds ?? []), ...(targets.usernames ?? [])];
      if (keys.length === 0 || keys.length > MAX_BULK_INVITEES) {
        throw new ValidationError(
          'validation_failed',
          `Validation failed: users - 1 to ${MAX_BULK_INVITEES}`,
        );
      }
      const parsed = (targets.userIds ?? []).map((id) => parseUuid(id));
      const validIds = [...new Set(parsed.filter((id): id is string => id !== null))];
      const now = clock.now();
      // Round 1, all in parallel: caller/room checks, users by id and every per-invitee check of
      // those ids (one BatchGetItem each), usernames resolved in two BatchGets (docs/protocol/extensions.md §6.2).
      const [p, byId, idChecks, byName] = await Promise.all([
        prepare(actorId, roomId, opts),
        users.getMany(validIds),
        bulkChecks(actorId, roomId, validIds, now),
        (targets.usernames ?? []).length === 0
          ? Promise.resolve([])
          : users.getManyByUsername(targets.usernames ?? []),
      ]);
      checkCapacity(p.room);
      // Round 2, only for invitees named by username (their ids were unknown in round 1).
      const namedIds = [...new Set(byName.flatMap((u) => (u === null || byId.has(u.id) ? [] : [u.id])))];
      const checks = mergeChecks(idChecks, await bulkChecks(actorId, roomId, namedIds, now));
      const found: (UserRecord | null)[] = [
        ...parsed.map((id) => (id !== null ? byId.get(id) : undefined) ?? null),
        ...byName,
      ];
      const seen = new Set<string>();
      const results: BulkResult[] = [];
      const toCreate: { at: number; invitation: Invitation }[] = [];
      /** The early refusal of one invitee, same order as a single invite (create's docstring). */
      const refusal = (invitee: UserRecord): DomainError | null => {
        if (checks.banned.has(invitee.id)) return new DomainError('account_banned', BANNED_INVITEE);
        if (invitee.id === actorId || checks.members.has(invitee.id))
          return new ConflictError('already_member');
        if (checks.blocked.has(invitee.id)) return new DomainError('recipient_unavailable');
        if (checks.roomBanned.has(invitee.id)) return new DomainError('room_banned');
        // the same user twice in one request, or a live pending invitation
        if (seen.has(invitee.id) || checks.pending.has(invitee.id))
          return new ConflictError('already_invited');
        return null;
      };
      found.forEach((invitee, i) => {
        const refused = invitee === null ? new DomainError('user_not_found') : refusal(invitee);
        if (invitee === null || refused !== null) {
          results[i] = {
            user_id: invitee?.id ?? keys[i] ?? '',
            error: errorOf(refused ?? new DomainError('user_not_found')),
          };
          return;
        }
        seen.add(invitee.id);
        toCreate.push({ at: i, invitation: newInvitation(actorId, p, invitee, now) });
      });
      // The transactions stay the rule (membership, one pending slot); refusals come back per invitee.
      const outcomes = await invitations.createMany(toCreate.map((c) => c.invitation));
      await Promise.all(
        toCreate.map(async ({ at, invitation }, k) => {
          const code = outcomes[k] ?? null;
          if (code !== null) {
            results[at] = { user_id: invitation.invitee_id, error: errorOf(new DomainError(code)) };
            return;
          }
          results[at] = { user_id: invitation.invitee_id, invitation };
          await emit(deps, to(invitation.invitee_id), { type: 'invitation_received', invitation });
        }),
      );
      const created = results.filter((r) => 'invitation' in r).length;
      return { results, created, failed: results.length - created };
    },

    listPending: (actorId) => invitations.listPendingForUser(actorId, clock.now()),

    async list(actorId, query) {
      const now = clock.now();
      const page = await invitations.list(actorId, query, now);
      return { ...page, invitations: page.invitations.map((i) => effective(i, now)) };
    },

    async get(actorId, invitationId) {
      const rec = await invitations.getById(invitationId);
      if (rec === null) throw new DomainError('invitation_not_found');
      if (rec.inviter_id !== actorId && rec.invitee_id !== actorId) {
        const m = await access.membership(rec.room_id, actorId);
        if (m === null || !isModeratorOrAbove(m.role)) throw new DomainError('invitation_not_found');
      }
      return effective(toInvitation(rec), clock.now());
    },

    accept,

    async acceptAll(actorId) {
      const pending = await invitations.listPendingForUser(actorId, clock.now());
      const results: AcceptAllResult[] = [];
      for (const inv of pending) {
        try {
          const { membership } = await accept(actorId, inv.id);
          results.push({ invitation_id: inv.id, membership });
        } catch (e) {
          if (!isDomainError(e)) throw e;
          results.push({ invitation_id: inv.id, error: errorOf(e) });
        }
      }
      return { results };
    },

    async decline(actorId, invitationId) {
      const invitation = await requireAnswerable(actorId, invitationId);
      let after: Invitation;
      try {
        after = await invitations.transition(invitation, {
          status: 'declined',
          at: toTimestamp(clock.now()),
          by: actorId,
        });
      } catch (e) {
        if (isDomainError(e, 'invitation_not_pending')) throw new ConflictError('invitation_expired');
        throw e;
      }
      await statusChanged(toInvitation(after));
    },

    async revoke(actorId, invitationId) {
      const rec = await invitations.getById(invitationId);
      if (rec === null) throw new DomainError('invitation_not_found');
      if (rec.inviter_id !== actorId) {
        const m = await access.membership(rec.room_id, actorId);
        const visible = rec.invitee_id === actorId || m !== null;
        if (!visible) throw new DomainError('invitation_not_found');
        if (m === null || !isModeratorOrAbove(m.role)) throw new DomainError('permission_denied');
      }
      if (effective(rec, clock.now()).status !== 'pending') throw new ConflictError('invitation_not_pending');
      const after = toInvitation(
        await invitations.transition(rec, { status: 'cancelled', at: toTimestamp(clock.now()), by: actorId }),
      );
      await emit(deps, to(after.invitee_id), {
        type: 'invitation_cancelled',
        invitation_id: after.id,
        invitee: after.invitee_id,
        reason: 'cancelled_by_inviter',
      });
      await statusChanged(after);
      return after;
    },

    async summary(actorId) {
      const now = clock.now();
      const pending = await invitations.listPendingForUser(actorId, now);
      return {
        pending,
        expiring_soon: pending.filter((i) => isExpired(i.expires_at, now + REMINDER_LEAD_MS)),
      };
    },

    async closeBySystem(invitationId, reason) {
      const rec = await invitations.getById(invitationId);
      if (rec?.status !== 'pending') return false;
      let after: Invitation;
      try {
        after = toInvitation(
          await invitations.transition(rec, {
            status: reason === 'expired' ? 'expired' : 'cancelled',
            at: toTimestamp(clock.now()),
            by: null,
          }),
        );
      } catch (e) {
        if (isDomainError(e, 'invitation_not_pending')) return false;
        throw e;
      }
      await emit(deps, to(after.invitee_id), {
        type: 'invitation_cancelled',
        invitation_id: after.id,
        invitee: after.invitee_id,
        reason,
      });
      await statusChanged(after);
      return true;
    },

    async completeAccepted(invitationId, at) {
      const rec = await invitations.getById(invitationId, { asStored: true });
      if (rec?.status !== 'pending') return false;
      try {
        const after = await invitations.transition(rec, { status: 'accepted', at, by: rec.invitee_id });
        await statusChanged(toInvitation(after));
        return true;
      } catch (e) {
        if (isDomainError(e, 'invitation_not_pending')) return false;
        throw e;
      }
    },

    async remind(invitationId) {
      const rec = await invitations.getById(invitationId);
      if (rec === null || effective(rec, clock.now()).status !== 'pending') return false;
      await emit(deps, to(rec.invitee_id), { type: 'invitation_reminder', invitation: toInvitation(rec) });
      return true;
    },

    async sweep() {
      const now = clock.now();
      let reminded = 0;
      let expired = 0;
      const due = await invitations.listDueSlots(now + REMINDER_LEAD_MS, 500);
      for (const slot of due) {
        if (isExpired(slot.expiresAt, now)) {
          if (await service.closeBySystem(slot.invitationId, 'expired')) expired++;
        } else if (!slot.reminded && (await invitations.markReminded(slot))) {
          if (await service.remind(slot.invitationId)) reminded++;
        }
      }
      return { reminded, expired };
    },
  };
  return service;
}
