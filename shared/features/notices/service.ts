// Server notices: create (pushed as upstream `server_notice` to everyone or a room's members, across relays), list active, delete (docs/protocol/extensions.md §9).
import { emit, type EmitDeps } from '../../kernel/events.js';
import { DomainError, ValidationError } from '../../kernel/errors.js';
import { requirePermission } from '../../kernel/permissions.js';
import { parseTimestamp, toTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import { utf8Length } from '../../kernel/validation.js';
import { newAuditEntry, type AuditContext } from '../audit/index.js';
import type { MembershipRepository, RoomRepository } from '../rooms/index.js';
import type { UserRepository } from '../users/index.js';
import { MAX_NOTICE_BYTES, type Notice, type NoticeRepository, type NoticeSeverity } from './model.js';

/** What the NoticeService needs. */
export interface NoticeServiceDeps extends EmitDeps {
  notices: NoticeRepository;
  users: Pick<UserRepository, 'getById'>;
  rooms: Pick<RoomRepository, 'get'>;
  memberships: Pick<MembershipRepository, 'get'>;
}

/** Body of `POST /api/v1/admin/notices`. */
export interface NoticeInput {
  message: string;
  severity?: string;
  room_id?: string | null;
  expires_at?: string | null;
}

/** Server notices (docs/protocol/extensions.md §9). */
export interface NoticeService {
  /**
   * Admin. Stores the notice (with its audit entry, one transaction) and pushes `server_notice`
   * `{message, severity}` to every connection, or to the room's members.
   * @throws `permission_denied` | `validation_failed` (empty or > 4096 bytes, bad severity or expiry) | `room_not_found`
   */
  create(actorId: Uuid, input: NoticeInput, ctx?: AuditContext): Promise<Notice>;
  /** Admin. @throws `permission_denied` | `not_found` */
  delete(actorId: Uuid, noticeId: string, ctx?: AuditContext): Promise<void>;
  /**
   * THE active-notices query (`GET /api/v1/notices`, TCP login, and sync's `notices`): live notices
   * for everyone plus those of rooms `userId` is a member of, newest first.
   */
  listActive(userId: Uuid): Promise<Notice[]>;
  /**
   * Every live notice of any audience, unfiltered, newest first (one Query). The relay's login push
   * (relay/connection/login-notices.ts) caches it per process and filters by the joined rooms it
   * already holds, so a login storm costs no read per login.
   */
  listAllActive(): Promise<Notice[]>;
}

const SEVERITIES: ReadonlySet<string> = new Set(['info', 'warning', 'critical']);
const invalid = (field: string, why: string): ValidationError =>
  new ValidationError('validation_failed', `Validation failed: ${field} - ${why}`);

/** Builds the NoticeService. */
export function createNoticeService(deps: NoticeServiceDeps): NoticeService {
  const { notices, users, rooms, memberships, clock, ids } = deps;
  return {
    async create(actorId, input, ctx = {}) {
      const actor = requirePermission(await users.getById(actorId), 'notice.manage');
      const message = input.message.trim();
      if (message === '') throw invalid('message', 'must not be empty');
      if (utf8Length(message) > MAX_NOTICE_BYTES)
        throw invalid('message', `at most ${MAX_NOTICE_BYTES} bytes`);
      const severity = input.severity ?? 'info';
      if (!SEVERITIES.has(severity)) throw invalid('severity', 'must be info, warning or critical');
      const now = clock.now();
      let expires: string | null = null;
      if (input.expires_at != null) {
        const ms = Date.parse(input.expires_at);
        if (Number.isNaN(ms) || ms <= now) throw invalid('expires_at', 'must be a future RFC 3339 time');
        expires = toTimestamp(ms);
      }
      const roomId = input.room_id ?? null;
      if (roomId !== null && (await rooms.get(roomId)) === null) throw new DomainError('room_not_found');
      const notice: Notice = {
        id: ids.ulid(now),
        message,
        severity: severity as NoticeSeverity,
        room_id: roomId,
        created_by: actor.id,
        created_at: toTimestamp(now),
        expires_at: expires,
      };
      const audit = newAuditEntry(
        deps,
        actor,
        {
          action: 'notice.create',
          target_type: 'notice',
          target_id: notice.id,
          details: { message, severity, room_id: roomId },
        },
        ctx,
      );
      await notices.create(notice, audit);
      await emit(deps, roomId === null ? { kind: 'all' } : { kind: 'room', roomId }, {
        type: 'server_notice',
        message,
        severity: notice.severity,
      });
      return notice;
    },

    async delete(actorId, noticeId, ctx = {}) {
      const actor = requirePermission(await users.getById(actorId), 'notice.manage');
      const audit = newAuditEntry(
        deps,
        actor,
        { action: 'notice.delete', target_type: 'notice', target_id: noticeId },
        ctx,
      );
      if (!(await notices.delete(noticeId, audit))) throw new DomainError('not_found');
    },

    async listActive(userId) {
      const all = await notices.listActive();
      const roomIds = [...new Set(all.flatMap((n) => (n.room_id === null ? [] : [n.room_id])))];
      const member = new Set<string>();
      await Promise.all(
        roomIds.map(async (id) => {
          if ((await memberships.get(id, userId)) !== null) member.add(id);
        }),
      );
      return all.filter((n) => n.room_id === null || member.has(n.room_id));
    },

    listAllActive() {
      return notices.listActive();
    },
  };
}

/** Milliseconds until a notice expires (`Infinity` when it never does). */
export function noticeRemainingMs(n: Notice, nowMs: number): number {
  return n.expires_at === null ? Infinity : parseTimestamp(n.expires_at) - nowMs;
}
