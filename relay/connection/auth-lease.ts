// Per-connection authorization lease for send_message: how long a storage-confirmed session and room membership are trusted (docs/adr/005).
import type { Uuid } from '../../shared/domain/entities.js';
import { DomainError } from '../../shared/domain/errors.js';

/** Default lease, ms: a confirmed session/membership is trusted this long without a storage read. */
export const DEFAULT_AUTH_LEASE_MS = 30_000;

/** Rooms remembered per connection; the oldest confirmation is forgotten beyond this. */
const MAX_LEASED_ROOMS = 256;

/**
 * What `send_message` may take from memory instead of storage (docs/adr/005):
 * - the session: confirmed at authentication and by every storage re-check; trusted for `leaseMs`
 *   unless revoked (`session_revoked` notice) or past its `expires_at`, in which case the caller must
 *   re-check storage (which then answers `session_not_found` / `session_expired`, tcp.md §7);
 * - a room membership: confirmed by a storage read (a successful send without the lease) and trusted
 *   for `leaseMs` **only while the relay's room index still lists the room** for the user, so a
 *   delivered `user_left_room` (leave, kick) or `room_deleted` ends it at once.
 *
 * `leaseMs = 0` disables both (every send re-reads storage, upstream behaviour). Times are epoch ms
 * from the injected `now`.
 */
export class AuthLease {
  private sessionConfirmedAt: number;
  private revoked = false;
  /** Created on the first confirmation (most connections never send: no Map for them). */
  private rooms: Map<Uuid, number> | undefined;

  /**
   * @param leaseMs - lease length, ms (0 = off)
   * @param sessionExpiresAtMs - the session's `expires_at`, epoch ms
   * @param now - clock, epoch ms
   */
  constructor(
    private readonly leaseMs: number,
    private readonly sessionExpiresAtMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.sessionConfirmedAt = now(); // authentication has just read the session
  }

  /** The session was deleted: every later check fails without a storage read. */
  revoke(): void {
    this.revoked = true;
    this.rooms = undefined;
  }

  /**
   * Runs `recheck` (the storage re-validation) unless the session lease is still valid.
   * @throws DomainError `session_not_found` once revoked; whatever `recheck` throws
   */
  async requireSession(recheck: () => Promise<void>): Promise<void> {
    if (this.revoked) throw new DomainError('session_not_found');
    const started = this.now();
    if (this.fresh(this.sessionConfirmedAt, started) && started < this.sessionExpiresAtMs) return;
    await recheck();
    if (!this.revoked) this.sessionConfirmedAt = started;
  }

  /**
   * True when membership of `roomId` was confirmed within the lease and `stillIndexed` (the relay's
   * room index lists the room for this user right now).
   */
  isMember(roomId: Uuid, stillIndexed: boolean): boolean {
    const at = this.rooms?.get(roomId);
    if (at === undefined) return false;
    if (stillIndexed && !this.revoked && this.fresh(at, this.now())) return true;
    this.rooms?.delete(roomId);
    return false;
  }

  /** Records a membership confirmed by a storage read that started at `readStartedAt` (epoch ms). */
  confirmMember(roomId: Uuid, readStartedAt: number): void {
    if (this.leaseMs <= 0 || this.revoked) return;
    const rooms = (this.rooms ??= new Map());
    rooms.delete(roomId); // re-insert: Map order = confirmation order
    rooms.set(roomId, readStartedAt);
    if (rooms.size > MAX_LEASED_ROOMS) {
      const oldest = rooms.keys().next();
      if (oldest.done !== true) rooms.delete(oldest.value);
    }
  }

  /** Forgets a room (a send found the user is not a member after all). */
  forgetRoom(roomId: Uuid): void {
    this.rooms?.delete(roomId);
  }

  private fresh(confirmedAt: number, now: number): boolean {
    return this.leaseMs > 0 && now - confirmedAt < this.leaseMs;
  }
}
