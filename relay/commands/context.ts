// What every command handler receives (caller snapshot, services, logger) and the shared id-parsing helpers.
import type { ClientOrigin, SessionInfo, SessionProtocol } from '../../shared/features/auth/index.js';
import type { User } from '../../shared/features/users/index.js';
import type { Uuid } from '../../shared/kernel/types.js';
import { DomainError, type ErrorCode } from '../../shared/kernel/errors.js';
import { parseUuid } from '../../shared/kernel/validation.js';
import type { Logger } from '../../shared/platform/logger.js';
import type { TokenClaims } from '../../shared/kernel/ports.js';
import type { Services } from '../../shared/features/index.js';
import type { RoomAccess } from '../../shared/features/rooms/index.js';
import type { MessageKey } from '../../shared/kernel/events.js';

/** The caller as captured at authentication (docs/protocol/tcp.md §6, §7.16: `get_current_user` returns this snapshot). */
export interface AuthSnapshot {
  user: User;
  session: SessionInfo;
  /** Verified JWT claims; used to re-validate the session per command (docs/protocol/tcp.md §7). */
  claims: TokenClaims;
}

/** Context of one command on one AUTHENTICATED connection. */
export interface CommandContext {
  services: Services;
  auth: AuthSnapshot;
  /** `tcp` or `websocket`: recorded on sessions created by `login`/`register` (docs/protocol/websocket.md §4). */
  protocol: SessionProtocol;
  logger: Logger;
  /**
   * Re-validates the caller's session in storage (docs/protocol/tcp.md §7).
   * @throws DomainError `session_not_found` | `session_expired`
   */
  requireSession(): Promise<void>;
  /**
   * The relay's room-access policy for `send_message` (docs/adr/005): the session re-check and the
   * membership answered from the connection's lease when it holds, from storage otherwise; a
   * failed session check rejects (its error wins over every other check).
   */
  sendAccess: RoomAccess;
  /** Session re-check through the lease when there is one (DM sends), else a storage read. */
  requireSessionLeased(): Promise<void>;
  /** The room-access policy for `typing`: the relay's room index first, storage otherwise. */
  typingAccess: RoomAccess;
  /** Where a message lives, when this relay delivered its event recently (reactions skip a lookup). */
  locateMessage?: (id: Uuid) => MessageKey | undefined;
}

/** What a connection knew about one room just before a send's storage work (docs/adr/005). */
export interface SendTicket {
  /** Membership is leased: the send may skip the membership read. */
  readonly leased: boolean;
  /** Lease clock (monotonic ms) before the send's storage reads. */
  readonly at: number;
  /** The room index's stamp for (caller, room) at that moment; undefined = not indexed. */
  readonly stamp: number | undefined;
}

/**
 * What the connection may answer from memory on the `send_message` hot path (docs/adr/005).
 * Room ids are the canonical lowercase UUIDs of the room index.
 */
export interface SendLease {
  /**
   * Session re-validation that reads storage only when the lease ran out (docs/protocol/tcp.md §7).
   * @throws DomainError `session_not_found` | `session_expired`
   */
  requireSession(): Promise<void>;
  /** Snapshot before sending to `roomId`: is membership leased, lease clock, index stamp. */
  begin(roomId: Uuid): SendTicket;
  /** The send's storage read (started at `ticket`) confirmed membership of `roomId`. */
  confirmMember(roomId: Uuid, ticket: SendTicket): void;
  /**
   * Storage says the caller is not a member of `roomId`: drop it from the lease, and from the
   * room index unless the index entry changed since `ticket` (a newer join).
   */
  notMember(roomId: Uuid, ticket: SendTicket): void;
}

/** Context of the auth messages (AWAIT_AUTH, plus `logout`). */
export interface AuthContext {
  services: Services;
  protocol: SessionProtocol;
  logger: Logger;
  /** Consumes one password attempt for this peer; false => answer `rate_limited` (docs/protocol/tcp.md §10). */
  allowAttempt?: () => Promise<boolean>;
  /** Peer address and client name, recorded on new sessions and keying the address lockout (docs/protocol/extensions.md §10). */
  origin?: ClientOrigin;
}

/**
 * Builds the context of commands on one AUTHENTICATED connection; `requireSession` re-reads the
 * session of `auth.claims` in storage (docs/protocol/tcp.md §7); `lease` (optional) is the connection's
 * send lease and `inRoomIndex` its room index, from which the leased room-access policies are built.
 */
export function commandContext(
  services: Services,
  auth: AuthSnapshot,
  protocol: SessionProtocol,
  logger: Logger,
  lease?: SendLease,
  inRoomIndex?: (roomId: Uuid) => boolean,
  locateMessage?: (id: Uuid) => MessageKey | undefined,
): CommandContext {
  const requireSession = async (): Promise<void> => {
    await services.auth.requireSession(auth.claims);
  };
  const base = services.rooms.access;
  const requireSessionLeased = lease ? () => lease.requireSession() : requireSession;
  return {
    services,
    auth,
    protocol,
    logger,
    requireSession,
    requireSessionLeased,
    sendAccess: leasedAccess(base, lease, requireSessionLeased),
    ...(locateMessage ? { locateMessage } : {}),
    typingAccess: {
      isMember: (roomId, userId) =>
        inRoomIndex?.(roomId) === true ? Promise.resolve(true) : base.isMember(roomId, userId),
      membership: (roomId, userId) => base.membership(roomId, userId),
    },
  };
}

/**
 * The send-path {@link RoomAccess} (docs/adr/005): the session re-check runs alongside the
 * membership question; a leased membership needs no read; a storage answer updates the lease
 * (confirmed) or drops the room from lease and index (not a member).
 */
function leasedAccess(
  base: RoomAccess,
  lease: SendLease | undefined,
  requireSession: () => Promise<void>,
): RoomAccess {
  return {
    async isMember(roomId, userId) {
      const ticket = lease?.begin(roomId);
      const leased = ticket?.leased === true;
      const [session, member] = await Promise.allSettled([
        requireSession(),
        leased ? Promise.resolve(true) : base.isMember(roomId, userId),
      ]);
      if (session.status === 'rejected') throw session.reason;
      if (member.status === 'rejected') throw member.reason;
      if (lease !== undefined && ticket !== undefined && !leased) {
        if (member.value) lease.confirmMember(roomId, ticket);
        else lease.notMember(roomId, ticket);
      }
      return member.value;
    },
    membership: (roomId, userId) => base.membership(roomId, userId),
  };
}

/**
 * Parses a plain-string id field the way the upstream command adapter does (docs/protocol/tcp.md §7 "ID handling").
 * @returns the canonical lowercase hyphenated UUID
 * @throws DomainError `code` with `text`, e.g. (`invalid_id`, "Invalid message ID") or
 *   (`validation_failed`, "Invalid room ID") (docs/protocol/tcp.md §9.3 adapter-level codes)
 */
export function requireId(raw: string, code: ErrorCode, text: string): Uuid {
  const id = parseUuid(raw);
  if (id === null) throw new DomainError(code, text);
  return id;
}

/** Parses `message_id`. @throws `invalid_id` "Invalid message ID" */
export const messageId = (raw: string): Uuid => requireId(raw, 'invalid_id', 'Invalid message ID');
/** Parses `room_id`. @throws `validation_failed` "Invalid room ID" */
export const roomId = (raw: string): Uuid => requireId(raw, 'validation_failed', 'Invalid room ID');
/** Parses `user_id`. @throws `validation_failed` "Invalid user ID" */
export const userId = (raw: string): Uuid => requireId(raw, 'validation_failed', 'Invalid user ID');
/** Parses `invitation_id`. @throws `validation_failed` "Invalid invitation ID" */
export const invitationId = (raw: string): Uuid =>
  requireId(raw, 'validation_failed', 'Invalid invitation ID');

/**
 * Runs `fn`, turning a DomainError with code `from` into `to`/`text` (e.g. `room_not_found` ->
 * `not_found` "Room not found" for `get_room`, docs/protocol/tcp.md §7.6).
 */
export async function renameError<T>(
  fn: () => Promise<T>,
  from: ErrorCode,
  to: ErrorCode,
  text: string,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DomainError && err.code === from) throw new DomainError(to, text, { cause: err });
    throw err;
  }
}
