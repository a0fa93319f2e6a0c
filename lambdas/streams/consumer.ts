// Stream consumer contract: what one feature does with the table's change records (registered in consumers.ts).
import type { Composition } from '../../shared/compose.js';
import type { Logger } from '../../shared/platform/logger.js';

/** One DynamoDB Streams record, unmarshalled (docs/design.md §3; the table's view type is NEW_AND_OLD_IMAGES). */
export interface StreamChange {
  /** What happened to the item; a TTL expiry is a `REMOVE` with `ttl: true`. */
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  /**
   * True when DynamoDB's TTL process removed the item: on AWS a `REMOVE` by the service principal
   * `dynamodb.amazonaws.com`; DynamoDB Local reports `eventName: "UNKNOWN_TO_SDK_VERSION"` instead.
   */
  ttl: boolean;
  /** The record's `eventID` (unique per shard; use it in logs). */
  eventId: string;
  /** The item before the change (MODIFY, REMOVE). */
  oldImage?: Record<string, unknown>;
  /** The item after the change (INSERT, MODIFY). */
  newImage?: Record<string, unknown>;
  /** The `entity` tag of the new image, else of the old one (shared/features/index.ts `ENTITY`). */
  entity: string | undefined;
}

/** Counters of one handler instance (cumulative across invocations). */
export interface StreamStats {
  /** Pending invitations removed by TTL (i.e. expired unanswered). */
  invitationsExpired: number;
  /** TTL removals no consumer acted on. */
  ttlRemovalsIgnored: number;
  /** Records that were not TTL removals and that no consumer acted on. */
  recordsIgnored: number;
  /** Further counters, named by the consumers that keep them. */
  [counter: string]: number;
}

/** What a consumer gets besides the change. */
export interface StreamContext {
  logger: Logger;
  /**
   * Services and repositories over the same table, built once per handler on first use. Absent when
   * the handler was built without them (unit tests of logging-only consumers).
   */
  deps?: () => Promise<Composition>;
  /** Increments `stats[counter]` by `by` (default 1). */
  count(counter: string, by?: number): void;
}

/**
 * One feature's stream work. `handle` returns true when it acted on the change (for the ignored
 * counters). It must be idempotent: Lambda delivers a record at least once (AWS "DynamoDB Streams
 * and AWS Lambda triggers"), and the local poller re-reads a batch whose handler threw.
 * Errors thrown are logged per consumer and never block the other consumers or the shard.
 */
export interface StreamConsumer {
  readonly name: string;
  handle(change: StreamChange, ctx: StreamContext): Promise<boolean>;
}
