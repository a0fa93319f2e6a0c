// Per-connection authorization lease for send_message: how long a storage-confirmed session and room membership are trusted, and the SendLease built on it (docs/adr/005).
import { performance } from 'node:perf_hooks';
import type { Uuid } from '../../shared/kernel/types.js';
import { DomainError } from '../../shared/kernel/errors.js';
import type { SendLease, SendTicket } from '../commands/context.js';
import type { DeliveryRegistry } from '../delivery/registry.js';

/** Default lease, ms: a confirmed session/membership is trusted this long without a storage read. */
export const DEFAULT_AUTH_LEASE_MS = 30_000;

/** Rooms remembered per connection; the oldest confirmation is forgotten beyond this. */
const MAX_LEASED_ROOMS = 256;

/**
 * Clocks of a lease, ms: `monotonic` ages leases (immune to wall-clock steps), `wall` (epoch ms)
 * is compared with the session's `expires_at`.
 */
export interface LeaseClock {
  monotonic(): number;
  wall(): number;
}

const SYSTEM_CLOCK: LeaseClock = { monotonic: () => performance.now(), wall: () => Date.now() };

/**
 * What `send_message` may take from memory instead of storage (docs/adr/005):
 * - the session: confirmed by authentication and by every storage re-check; trusted for `leaseMs`
 *   unless revoked (`session_revoked` notice) or past its `expires_at`, in which case the caller must
 *   re-check storage (which then answers `session_not_found` / `session_expired`, docs/protocol/tcp.md §7);
 * - a room membership: confirmed by a storage read and bound to the relay room index's **stamp**
 *   for (user, room) at the time of that read. It is trusted for `leaseMs` only while the index
 *   still holds the same stamp, so a delivered `user_left_room` (leave, kick), `room_deleted`, or a
 *   leave-then-re-add ends it at once; a membership read while the room was not indexed is never
 *   leased.
 *
 * `leaseMs = 0` disables both (every send re-reads storage, upstream behaviour).
 */
export class AuthLease {
  private sessionConfirmedAt: number;
  private revoked = false;
  /** Created on the first confirmation (most connections never send: no Map for them). */
  private rooms: Map<Uuid, { at: number; stamp: number }> | undefined;

  /**
   * @param leaseMs - lease length, ms (0 = off)
   * @param sessionExpiresAtMs - the session's `expires_at`, epoch ms
   * @param sessionReadAt - `clock.monotonic()` taken **before** the authentication read the session
   *   (default now)
   */
  constructor(
    private readonly leaseMs: number,
    private readonly sessionExpiresAtMs: number,
    sessionReadAt?: number,
    private readonly clock: LeaseClock = SYSTEM_CLOCK,
  ) {
    this.sessionConfirmedAt = sessionReadAt ?? clock.monotonic();
  }

  /** The lease clock now, ms (monotonic): take it before a storage read, pass it to {@link confirmMember}. */
  now(): number {
    return this.clock.monotonic();
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
    const started = this.clock.monotonic();
    if (this.fresh(this.sessionConfirmedAt, started) && this.clock.wall() < this.sessionExpiresAtMs) return;
    await recheck();
    if (!this.revoked) this.sessionConfirmedAt = started;
  }

  /**
   * True when membership of `roomId` was confirmed within the lease under index stamp `stamp`
   * (the relay index's current stamp for this user and room; undefined = not indexed).
   */
  isMember(roomId: Uuid, stamp: number | undefined): boolean {
    const entry = this.rooms?.get(roomId);
    if (entry === undefined) return false;
    if (!this.revoked && stamp === entry.stamp && this.fresh(entry.at, this.clock.monotonic())) return true;
    this.rooms?.delete(roomId);
    return false;
  }

  /**
   * Records a membership confirmed by a storage read that started at `readStartedAt` ({@link now})
   * while the index held `stamp` for the room; nothing is leased when `stamp` is undefined.
   */
  confirmMember(roomId: Uuid, readStartedAt: number, stamp: number | undefined): void {
    if (this.leaseMs <= 0 || this.revoked || stamp === undefined) return;
    const rooms = (this.rooms ??= new Map());
    rooms.delete(roomId); // re-insert: Map order = confirmation order
    rooms.set(roomId, { at: readStartedAt, stamp });
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

/**
 * The {@link SendLease} a connection hands its commands (docs/adr/005): the session re-check through
 * `lease`, and room membership from `lease` bound to the registry's room-index stamps, so a leave
 * or kick (which changes the stamp) ends the lease for that room at once.
 * @param readSession - the storage re-check run when the lease has run out
 */
export function sendLeaseOf(
  lease: AuthLease,
  registry: Pick<DeliveryRegistry, 'indexStamp' | 'forgetMembership'>,
  readSession: () => Promise<void>,
): (userId: Uuid) => SendLease {
  return (userId) => new ConnectionSendLease(lease, registry, readSession, userId);
}

/** {@link sendLeaseOf}'s lease: methods on the prototype, not four closures per connection (issue 16, memory). */
class ConnectionSendLease implements SendLease {
  constructor(
    private readonly lease: AuthLease,
    private readonly registry: Pick<DeliveryRegistry, 'indexStamp' | 'forgetMembership'>,
    private readonly readSession: () => Promise<void>,
    private readonly userId: Uuid,
  ) {}

  requireSession(): Promise<void> {
    return this.lease.requireSession(this.readSession);
  }

  begin(roomId: Uuid): SendTicket {
    const stamp = this.registry.indexStamp(this.userId, roomId);
    return { leased: this.lease.isMember(roomId, stamp), at: this.lease.now(), stamp };
  }

  confirmMember(roomId: Uuid, ticket: SendTicket): void {
    this.lease.confirmMember(roomId, ticket.at, ticket.stamp);
  }

  notMember(roomId: Uuid, ticket: SendTicket): void {
    this.lease.forgetRoom(roomId);
    this.registry.forgetMembership(this.userId, roomId, ticket.stamp);
  }
}
