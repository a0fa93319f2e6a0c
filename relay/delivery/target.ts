// Shapes the delivery registry works with: a delivery target (one connection), room loaders, per-user index entries and the registry options.
import type { FeatureSet } from '../../shared/kernel/extensions.js';
import type { Uuid } from '../../shared/kernel/types.js';
import type { Logger } from '../../shared/platform/logger.js';
import type { OutgoingMessage } from '../protocol/outgoing.js';

/** One authenticated connection as the registry sees it. */
export interface DeliveryTarget {
  /** Connection id, unique across relays (used by `Audience.exceptConnectionId`). */
  readonly id: string;
  /** The authenticated user. */
  readonly userId: Uuid;
  /** The session the connection authenticated with (matched by `session_revoked`). */
  readonly sessionId: Uuid;
  /** Extensions the connection requested (docs/protocol/extensions.md §0): gates extension events. */
  readonly features: FeatureSet;
  /**
   * Queues one serialized event (compact UTF-8 JSON, docs/protocol/tcp.md §8); `shared` is the same
   * bytes with their wire form built once for every recipient. Must not throw and must not
   * block: a slow connection drops itself (docs/protocol/tcp.md §3 flush rules, backpressure in connection/).
   */
  deliver(json: Buffer, shared?: OutgoingMessage): void;
  /**
   * The connection's session was deleted (`session_revoked`, docs/adr/005): its commands must fail
   * with `session_not_found` from now on (docs/protocol/tcp.md §7). Called right before the registry detaches it.
   */
  sessionRevoked(): void;
  /**
   * The account was banned (docs/protocol/extensions.md §9): send the top-level error
   * `account_banned` with `message` and close. Called right before the registry detaches it.
   */
  accountBanned?(message: string): void;
}

/** Loads the ids of every room `userId` is currently a member of (storage read). */
export type RoomLoader = (userId: Uuid) => Promise<Uuid[]>;

/** Loads the user ids of every current member of `roomId` (storage read). */
export type RoomMemberLoader = (roomId: Uuid) => Promise<Uuid[]>;

/** Room membership changes seen while a user's rooms were still loading from storage. */
export interface Overlay {
  joined: Set<Uuid>;
  left: Set<Uuid>;
}

export interface UserEntry {
  conns: Set<DeliveryTarget>;
  /** Indexed rooms -> the change stamp of the moment each was (re-)indexed. */
  rooms: Map<Uuid, number>;
  loaded: boolean;
  /** Change stamp of the moment the auth-time load completed (0 while loading). */
  loadedAt: number;
  loading: Promise<void> | undefined;
  overlay: Overlay | undefined;
}

/** Options of {@link DeliveryRegistry}. */
export interface RegistryOptions {
  logger: Logger;
  /**
   * Member lookup used the first time a room-audience event for a room is seen, so members whose
   * membership produced no event (a room's creator: `create_room` emits nothing, docs/protocol/tcp.md §7.5) are
   * indexed too. Without it only auth-time loads and events maintain the index.
   */
  loadRoomMembers?: RoomMemberLoader;
  /**
   * Loads whom a user blocked, with the user's first connection here (docs/protocol/extensions.md
   * §7.3): their messages, mentions and typing are then never delivered to that user's sockets.
   * Without it nothing is filtered.
   */
  loadBlocks?: (userId: Uuid) => Promise<Uuid[]>;
  /** Event ids remembered for de-duplication (default 10 000). */
  dedupeCapacity?: number;
  /** Room ids remembered as verified against storage (default 100 000; evicted ones are re-read). */
  verifiedRoomCapacity?: number;
  /** Revoked session ids remembered for connections still authenticating (default 10 000). */
  revokedSessionCapacity?: number;
}
