// DynamoDB Streams Lambda: recognises invitations removed by TTL and reports them; ignores every other record.
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { createLogger, type Logger } from '../../shared/platform/logger.js';
import { ENTITY } from '../../shared/features/index.js';

/** What is known about an invitation that TTL removed (from the record's OldImage). */
export interface ExpiredInvitation {
  invitationId: string;
  roomId: string;
  roomName: string;
  inviterId: string;
  inviteeId: string;
  /** Status as stored when removed (`pending` means it expired unanswered). */
  status: string;
  /** RFC 3339 expiry as stored. */
  expiresAt: string;
}

/** Counters of one handler instance (cumulative across invocations). */
export interface StreamStats {
  /** Pending invitations removed by TTL (i.e. expired unanswered). */
  invitationsExpired: number;
  /** TTL removals of other items, or of invitations that were already answered. */
  ttlRemovalsIgnored: number;
  /** Records that were not TTL removals (inserts, updates, user deletes). */
  recordsIgnored: number;
}

/** Options of {@link createStreamHandler}. */
export interface StreamHandlerOptions {
  logger: Logger;
  /**
   * Extension point for invitation expiry notices (docs/design.md §4.4, §7). docs/protocol/tcp.md §8 defines no
   * `invitation_expired` event and upstream clients abort on unknown frames, so nothing is
   * published by default; a future opt-in feature (e.g. a `client_hello` feature flag) can
   * deliver a notice from here. Errors thrown here are logged, never retried.
   */
  onInvitationExpired?: (invitation: ExpiredInvitation) => Promise<void>;
}

/** The Lambda entry type, plus its counters. */
export type StreamHandler = ((event: DynamoDBStreamEvent) => Promise<void>) & { readonly stats: StreamStats };

/**
 * True for a record that TTL produced: AWS marks it `REMOVE` with
 * `userIdentity {type: "Service", principalId: "dynamodb.amazonaws.com"}`; DynamoDB Local emits
 * `eventName: "UNKNOWN_TO_SDK_VERSION"` instead (docs/design.md §3).
 */
export function isTtlRemoval(record: DynamoDBRecord): boolean {
  const name = record.eventName as string | undefined;
  if (name === 'UNKNOWN_TO_SDK_VERSION') return true;
  const identity = record.userIdentity as { type?: unknown; principalId?: unknown } | undefined;
  return (
    name === 'REMOVE' && identity?.type === 'Service' && identity.principalId === 'dynamodb.amazonaws.com'
  );
}

/**
 * Builds the stream handler. The same function is the deployed Lambda (`handler` below) and what
 * the local stream poller (local/stream-poller.ts) feeds. It never throws for a bad record (a
 * throwing stream Lambda blocks its shard): problems are logged and the record is skipped.
 */
export function createStreamHandler(opts: StreamHandlerOptions): StreamHandler {
  const stats: StreamStats = { invitationsExpired: 0, ttlRemovalsIgnored: 0, recordsIgnored: 0 };
  const { logger } = opts;

  async function handleRecord(record: DynamoDBRecord): Promise<void> {
    if (!isTtlRemoval(record)) {
      stats.recordsIgnored += 1;
      return;
    }
    const image = record.dynamodb?.OldImage;
    const item = image ? unmarshall(image as Record<string, AttributeValue>) : {};
    if (item.entity !== ENTITY.invitation || item.status !== 'pending') {
      stats.ttlRemovalsIgnored += 1;
      return;
    }
    const invitation: ExpiredInvitation = {
      invitationId: String(item.id),
      roomId: String(item.room_id),
      roomName: String(item.room_name),
      inviterId: String(item.inviter_id),
      inviteeId: String(item.invitee_id),
      status: String(item.status),
      expiresAt: String(item.expires_at),
    };
    stats.invitationsExpired += 1;
    logger.info(
      { notice: 'invitation_expired', ...invitation, eventId: record.eventID },
      'invitation expired (TTL)',
    );
    if (opts.onInvitationExpired !== undefined) {
      try {
        await opts.onInvitationExpired(invitation);
      } catch (err) {
        logger.error({ err, invitationId: invitation.invitationId }, 'invitation expiry hook failed');
      }
    }
  }

  const handle = async (event: DynamoDBStreamEvent): Promise<void> => {
    for (const record of event.Records) {
      try {
        await handleRecord(record);
      } catch (err) {
        logger.error({ err, eventId: record.eventID }, 'stream record skipped');
      }
    }
  };
  return Object.assign(handle, { stats });
}

let deployed: StreamHandler | undefined;

/** Lambda entry point (built lazily: one logger per container, LAIR_LOG_LEVEL). */
export const handler = (event: DynamoDBStreamEvent): Promise<void> => {
  deployed ??= createStreamHandler({ logger: createLogger(process.env.LAIR_LOG_LEVEL ?? 'info', 'streams') });
  return deployed(event);
};
