// DynamoDB Local TTL stand-in for `npm start`: deletes expired items DynamoDB Local's own TTL job gets stuck on (docs/adr/017), so sessions, counters, retention and invitations really expire locally.
import { ScanCommand, DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from 'pino';
import { ttlSpecification } from '../shared/storage/table.js';

/** A running sweeper. */
export interface TtlSweeper {
  /** Runs one pass now (also what the timer calls). @returns items deleted */
  sweepOnce(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Every `intervalMs` (default 60 000 ms) scans the table for items whose TTL attribute (epoch
 * **seconds**, AWS "Time to Live") is at or before now and deletes each with a condition that it
 * is still expired (a re-stamped item survives). Why: DynamoDB Local's TTL job deletes by a key
 * built from every AttributeDefinition, so one expired item lacking a GSI key attribute blocks
 * TTL for the whole table (ADR 017). Its REMOVE stream records carry no TTL identity; the local
 * stream poller marks a REMOVE whose old image was already expired as a TTL removal
 * (local/stream-poller.ts), which is what consumers expect from AWS. Local only: AWS TTL works.
 * Errors of a pass are logged and the next pass retries; the timer never throws.
 */
export function startTtlSweeper(opts: {
  doc: DynamoDBDocumentClient;
  tableName: string;
  logger: Logger;
  intervalMs?: number;
  now?: () => number;
}): TtlSweeper {
  const now = opts.now ?? Date.now;
  const attr = ttlSpecification.AttributeName;
  let running: Promise<number> | undefined;
  const pass = async (): Promise<number> => {
    const cutoff = Math.floor(now() / 1000);
    let deleted = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await opts.doc.send(
        new ScanCommand({
          TableName: opts.tableName,
          FilterExpression: '#ttl <= :now',
          ProjectionExpression: 'PK, SK',
          ExpressionAttributeNames: { '#ttl': attr },
          ExpressionAttributeValues: { ':now': cutoff },
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      start = page.LastEvaluatedKey;
      for (const key of page.Items ?? []) {
        try {
          await opts.doc.send(
            new DeleteCommand({
              TableName: opts.tableName,
              Key: { PK: key.PK as string, SK: key.SK as string },
              ConditionExpression: '#ttl <= :now',
              ExpressionAttributeNames: { '#ttl': attr },
              ExpressionAttributeValues: { ':now': cutoff },
            }),
          );
          deleted++;
        } catch (err) {
          if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
        }
      }
    } while (start !== undefined);
    if (deleted > 0) opts.logger.info({ deleted, tableName: opts.tableName }, 'expired items removed (TTL)');
    return deleted;
  };
  const sweepOnce = (): Promise<number> => {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    sweepOnce().catch((err: unknown) => {
      opts.logger.warn({ err }, 'TTL sweep failed; retrying next interval');
    });
  }, opts.intervalMs ?? 60_000);
  timer.unref();
  return {
    sweepOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => 0);
    },
  };
}
