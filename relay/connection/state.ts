// Connection states (docs/protocol/tcp.md §3), their unauthorized texts and timeouts, and the relay-wide connection environment.
import type { Logger } from '../../shared/platform/logger.js';
import type { Services } from '../../shared/features/index.js';
import type { DeliveryRegistry, RoomLoader } from '../delivery/registry.js';
import type { ConnectionTimeouts } from './inactivity.js';
import type { AdmissionGate } from './admission.js';
import type { MessageThrottle } from './message-throttle.js';
import type { PresenceHeartbeat } from './presence-link.js';
import type { DeadlineBuckets } from './deadline-buckets.js';

/** States of docs/protocol/tcp.md §3 (`CLOSED` once the connection ends; WebSocket never uses AWAIT_KEY). */
export type ConnectionState = 'AWAIT_HELLO' | 'AWAIT_KEY' | 'AWAIT_AUTH' | 'AUTHENTICATED' | 'CLOSED';

/** Texts of the per-state `unauthorized` error (docs/protocol/tcp.md §3). */
export const UNAUTHORIZED_TEXT = {
  AWAIT_HELLO: 'Must complete handshake first',
  AWAIT_KEY: 'Must complete key exchange first',
  AWAIT_AUTH: 'Must authenticate first',
} as const;

/** Inactivity limit of a state, ms (docs/protocol/tcp.md §3: 30 s pre-auth handshake, 60 s AWAIT_AUTH, 90 s AUTHENTICATED). */
export function timeoutFor(state: ConnectionState, t: ConnectionTimeouts): number {
  if (state === 'AUTHENTICATED') return t.idleMs;
  if (state === 'AWAIT_AUTH') return t.authMs;
  return t.handshakeMs;
}

/** Relay-wide dependencies shared by every connection. */
export interface ConnectionEnv<C = unknown> {
  services: Services;
  registry: DeliveryRegistry;
  /** Room ids of a user, read at its first authentication on this relay. */
  loadRooms: RoomLoader;
  relayId: string;
  logger: Logger;
  timeouts: ConnectionTimeouts;
  /** The relay-wide presence heartbeat (carries the item lifetime and refresh period). */
  presence: PresenceHeartbeat;
  /**
   * Per-client throttle of password attempts (`login`/`register`): resolves false when the peer
   * address is over its budget (docs/protocol/tcp.md §10 allows `rate_limited` in the command's own response).
   * Absent = unlimited (upstream behaviour).
   */
  allowAuthAttempt?: (remoteAddress: string) => Promise<boolean>;
  /** Bounds concurrent authentications (relay/connection/admission.ts); absent = unbounded. */
  admission?: AdmissionGate;
  /** send_message / typing throttle (issue 17 finding 4); absent = unlimited (upstream behaviour). */
  messageThrottle?: MessageThrottle;
  /** Called once when a connection has fully closed (after presence cleanup). */
  onClosed?: (conn: C) => void;
  /**
   * How long `send_message` trusts a storage-confirmed session and room membership, ms
   * (docs/adr/005). 0 = re-read both on every send (upstream behaviour).
   */
  authLeaseMs: number;
  /** How long before a session's `expires_at` its connections get `session_expiring`, ms (docs/protocol/extensions.md §10: 5 min). */
  sessionExpiringLeadMs?: number;
  /** Schedule of far per-connection deadlines (`session_expiring`); absent = the relay-wide shared one. */
  deadlines?: DeadlineBuckets;
}
