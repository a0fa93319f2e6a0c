// DynamoDB Streams Lambda: unmarshals each record once and hands it to every registered consumer (consumers.ts).
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Composition } from '../../shared/compose.js';
import { createLogger, type Logger } from '../../shared/platform/logger.js';
import type { StreamChange, StreamConsumer, StreamContext, StreamStats } from './consumer.js';
import { createConsumers } from './consumers.js';
import { compositionFromEnv } from './deps.js';
import type { InvitationExpiredHook } from './invitation-expiry.js';

export type { ExpiredInvitation } from './invitation-expiry.js';
export type { StreamChange, StreamConsumer, StreamStats } from './consumer.js';

/** Options of {@link createStreamHandler}. */
export interface StreamHandlerOptions {
  logger: Logger;
  /** Called for each pending invitation TTL removed (lambdas/streams/invitation-expiry.ts). */
  onInvitationExpired?: InvitationExpiredHook;
  /** Services and repositories for consumers that write or publish; built lazily, once. */
  deps?: () => Promise<Composition>;
  /** Replaces the registry's consumers (tests). */
  consumers?: StreamConsumer[];
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

/** The record as consumers see it, or undefined for an event type they never act on. */
export function toChange(record: DynamoDBRecord): StreamChange | undefined {
  const ttl = isTtlRemoval(record);
  const name = ttl ? 'REMOVE' : record.eventName;
  if (name !== 'INSERT' && name !== 'MODIFY' && name !== 'REMOVE') return undefined;
  const image = (raw: unknown): Record<string, unknown> | undefined =>
    raw === undefined ? undefined : unmarshall(raw as Record<string, AttributeValue>);
  const oldImage = image(record.dynamodb?.OldImage);
  const newImage = image(record.dynamodb?.NewImage);
  const entity = (newImage?.entity ?? oldImage?.entity) as string | undefined;
  return {
    eventName: name,
    ttl,
    eventId: record.eventID ?? '',
    ...(oldImage !== undefined ? { oldImage } : {}),
    ...(newImage !== undefined ? { newImage } : {}),
    entity,
  };
}

/**
 * Builds the stream handler. The same function is the deployed Lambda (`handler` below) and what
 * the local stream poller (local/stream-poller.ts) feeds. It never throws for a bad record (a
 * throwing stream Lambda blocks its shard): each consumer's failure is logged and the next one runs.
 */
export function createStreamHandler(opts: StreamHandlerOptions): StreamHandler {
  const stats: StreamStats = { invitationsExpired: 0, ttlRemovalsIgnored: 0, recordsIgnored: 0 };
  const { logger } = opts;
  const consumers = opts.consumers ?? createConsumers(opts);
  let built: Promise<Composition> | undefined;
  const { deps } = opts;
  const ctx: StreamContext = {
    logger,
    ...(deps !== undefined
      ? {
          deps: () => {
            built ??= deps().catch((err: unknown) => {
              built = undefined;
              throw err;
            });
            return built;
          },
        }
      : {}),
    count(counter, by = 1) {
      stats[counter] = (stats[counter] ?? 0) + by;
    },
  };

  async function handleRecord(record: DynamoDBRecord): Promise<void> {
    const change = toChange(record);
    let acted = false;
    if (change !== undefined) {
      for (const consumer of consumers) {
        try {
          if (await consumer.handle(change, ctx)) acted = true;
        } catch (err) {
          logger.error({ err, consumer: consumer.name, eventId: change.eventId }, 'stream consumer failed');
        }
      }
    }
    if (!acted) ctx.count(change?.ttl === true ? 'ttlRemovalsIgnored' : 'recordsIgnored');
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

/** Lambda entry point (built lazily: one logger and one composition per container, LAIR_LOG_LEVEL). */
export const handler = (event: DynamoDBStreamEvent): Promise<void> => {
  deployed ??= createStreamHandler({
    logger: createLogger(process.env.LAIR_LOG_LEVEL ?? 'info', 'streams'),
    deps: () => compositionFromEnv(process.env),
  });
  return deployed(event);
};
