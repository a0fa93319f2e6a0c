// Local stand-in for the Lambda event source mapping: polls DynamoDB Local's stream and feeds the same stream handler.
import { ttlSpecification } from '../shared/storage/table.js';
import { DEFAULT_DYNAMO_TIMEOUTS } from '../shared/storage/client.js';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Logger } from '../shared/platform/logger.js';

/** Options of {@link startStreamPoller}. */
export interface StreamPollerOptions {
  /** DynamoDB endpoint (DynamoDB Local: `http://127.0.0.1:8000`); omitted => real AWS. */
  endpoint?: string;
  region: string;
  tableName: string;
  /** The stream Lambda handler (lambdas/streams/handler.ts); awaited per batch. */
  handler: (event: DynamoDBStreamEvent) => Promise<void>;
  logger: Logger;
  /** Pause between polling rounds, ms (default 1000). */
  intervalMs?: number;
  /** How often the shard list is re-read to find new shards, ms (default 10 000; every round while no shard is open). */
  discoverEveryMs?: number;
  /** Per-attempt response budget of its DynamoDB and Streams calls, ms (default `DEFAULT_DYNAMO_TIMEOUTS.requestTimeoutMs`). */
  requestTimeoutMs?: number;
}

/** A running poller. */
export interface StreamPoller {
  /** Stops polling; resolves after the round in progress (and its handler call) finishes. */
  stop(): Promise<void>;
}

/**
 * DynamoDB Local rounds `ApproximateCreationDateTime` down to the minute (AWS: to the second), so
 * "created before the poller started" is decided with this much slack, ms.
 */
const CREATION_TIME_SLACK_MS = 65_000;

interface ShardCursor {
  iterator: string | undefined;
  lastSequence: string | undefined;
  /** Skip records created before this (epoch ms): set when falling back to TRIM_HORIZON on a shard read from LATEST. */
  notBeforeMs?: number;
}

/**
 * Polls the table's stream: DescribeTable -> LatestStreamArn; DescribeStream lists shards; shards
 * open at start are read from `LATEST` (history before start is not replayed), shards found later
 * from `TRIM_HORIZON`; then GetRecords rounds every `intervalMs`, each non-empty batch handed to
 * `handler` as a DynamoDBStreamEvent. Errors are logged and retried on the next round.
 * @throws when the table has no stream enabled
 */
export async function startStreamPoller(opts: StreamPollerOptions): Promise<StreamPoller> {
  const { logger } = opts;
  // Bounded like every other client (shared/storage/client.ts): a stalled DynamoDB Local fails the
  // round (retried from the same iterator next round, nothing skipped) instead of hanging it.
  const clientConfig = {
    region: opts.region,
    maxAttempts: DEFAULT_DYNAMO_TIMEOUTS.maxAttempts,
    requestHandler: {
      connectionTimeout: DEFAULT_DYNAMO_TIMEOUTS.connectTimeoutMs,
      requestTimeout: opts.requestTimeoutMs ?? DEFAULT_DYNAMO_TIMEOUTS.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
    ...(opts.endpoint
      ? { endpoint: opts.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  };
  const dynamo = new DynamoDBClient(clientConfig);
  const streams = new DynamoDBStreamsClient(clientConfig);
  const table = await dynamo.send(new DescribeTableCommand({ TableName: opts.tableName }));
  dynamo.destroy();
  const streamArn = table.Table?.LatestStreamArn;
  if (streamArn === undefined) {
    streams.destroy();
    throw new Error(`table ${opts.tableName} has no stream enabled`);
  }

  const startedAt = Date.now();
  const cursors = new Map<string, ShardCursor>();
  const finished = new Set<string>();
  const intervalMs = opts.intervalMs ?? 1000;
  const discoverEveryMs = opts.discoverEveryMs ?? 10_000;
  let lastDiscover = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> = Promise.resolve();

  const iteratorFor = async (
    shardId: string,
    type: ShardIteratorType,
    sequence?: string,
  ): Promise<string | undefined> => {
    const res = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: type,
        ...(sequence !== undefined ? { SequenceNumber: sequence } : {}),
      }),
    );
    return res.ShardIterator;
  };

  const discover = async (initial: boolean): Promise<void> => {
    let start: string | undefined;
    do {
      const res = await streams.send(
        new DescribeStreamCommand({
          StreamArn: streamArn,
          ...(start !== undefined ? { ExclusiveStartShardId: start } : {}),
        }),
      );
      for (const shard of res.StreamDescription?.Shards ?? []) {
        const id = shard.ShardId;
        if (id === undefined || cursors.has(id) || finished.has(id)) continue;
        const open = shard.SequenceNumberRange?.EndingSequenceNumber === undefined;
        if (initial && !open) {
          finished.add(id);
          continue;
        }
        cursors.set(id, {
          iterator: await iteratorFor(id, initial ? 'LATEST' : 'TRIM_HORIZON'),
          lastSequence: undefined,
        });
        logger.debug({ shardId: id, parent: shard.ParentShardId, open, initial }, 'stream shard found');
      }
      start = res.StreamDescription?.LastEvaluatedShardId;
    } while (start !== undefined);
    lastDiscover = Date.now();
  };

  const readShard = async (shardId: string, cursor: ShardCursor): Promise<void> => {
    if (cursor.iterator === undefined) {
      if (cursor.lastSequence !== undefined) {
        cursor.iterator = await iteratorFor(shardId, 'AFTER_SEQUENCE_NUMBER', cursor.lastSequence);
      } else {
        // DynamoDB Local sometimes answers a LATEST iterator with TrimmedDataAccessException:
        // restart from the shard's start, skipping what clearly predates the poller (no loss; at
        // most about a minute of history replayed, which the handler tolerates).
        cursor.iterator = await iteratorFor(shardId, 'TRIM_HORIZON');
        logger.debug({ shardId }, 'stream shard restarted from TRIM_HORIZON');
        cursor.notBeforeMs = startedAt - CREATION_TIME_SLACK_MS;
      }
    }
    try {
      const res = await streams.send(new GetRecordsCommand({ ShardIterator: cursor.iterator, Limit: 1000 }));
      const records = res.Records ?? [];
      logger.trace(
        { shardId, records: records.length, next: res.NextShardIterator !== undefined },
        'stream read',
      );
      if (records.length > 0) {
        cursor.lastSequence = records[records.length - 1]?.dynamodb?.SequenceNumber ?? cursor.lastSequence;
        const notBefore = cursor.notBeforeMs;
        const fresh =
          notBefore === undefined
            ? records
            : records.filter(
                (r) => (r.dynamodb?.ApproximateCreationDateTime?.getTime() ?? notBefore) >= notBefore,
              );
        if (fresh.length > 0) await opts.handler({ Records: fresh.map((r) => toLambdaRecord(r, streamArn)) });
      }
      if (res.NextShardIterator === undefined) {
        cursors.delete(shardId);
        finished.add(shardId);
      } else {
        cursor.iterator = res.NextShardIterator;
      }
    } catch (err) {
      // Expired or trimmed iterators are re-acquired (after the last record seen, else as above);
      // any other failure retries the same iterator next round, so nothing is skipped.
      const name = err instanceof Error ? err.name : '';
      if (name === 'ExpiredIteratorException' || name === 'TrimmedDataAccessException')
        cursor.iterator = undefined;
      throw err;
    }
  };

  const poll = async (): Promise<void> => {
    try {
      if (cursors.size === 0 || Date.now() - lastDiscover >= discoverEveryMs) await discover(false);
      for (const [shardId, cursor] of [...cursors]) {
        if (stopped) return;
        try {
          await readShard(shardId, cursor);
        } catch (err) {
          logger.warn({ err, shardId, lastSequence: cursor.lastSequence }, 'stream shard read failed');
        }
      }
    } catch (err) {
      logger.warn({ err }, 'stream poll round failed');
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      round = poll().finally(schedule);
    }, intervalMs);
  };

  await discover(true);
  // One read right away pins each LATEST iterator to "now" (DynamoDB Local resolves LATEST lazily),
  // so every write made after this function resolves reaches the handler.
  await poll();
  logger.info({ tableName: opts.tableName, shards: cursors.size }, 'stream poller started');
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await round;
      streams.destroy();
    },
  };
}

/** What AWS puts in `userIdentity` of a TTL deletion's REMOVE record (AWS docs: "DynamoDB Streams and Time to Live"). */
const TTL_IDENTITY = { type: 'Service', principalId: 'dynamodb.amazonaws.com' } as const;

/**
 * True for a REMOVE the local TTL sweeper made (local/ttl-sweeper.ts): no identity, and the old
 * image's TTL (epoch seconds) is due by the time the poller reads the record. An application delete
 * of an item that had already expired also counts: it was gone by policy either way.
 */
function sweptByTtl(r: StreamRecord): boolean {
  if (r.eventName !== 'REMOVE' || r.userIdentity !== undefined) return false;
  const due = r.dynamodb?.OldImage?.[ttlSpecification.AttributeName]?.N;
  // DynamoDB Local rounds ApproximateCreationDateTime (down to the minute): compare with the read time.
  return due !== undefined && Number(due) <= Math.ceil(Date.now() / 1000);
}

/** SDK stream record -> the aws-lambda event record shape (creation time in epoch seconds). */
function toLambdaRecord(r: StreamRecord, streamArn: string): DynamoDBRecord {
  const d = r.dynamodb;
  const out = {
    eventID: r.eventID,
    eventName: r.eventName,
    eventVersion: r.eventVersion,
    eventSource: r.eventSource,
    awsRegion: r.awsRegion,
    eventSourceARN: streamArn,
    userIdentity: sweptByTtl(r) ? TTL_IDENTITY : r.userIdentity,
    dynamodb: d && {
      ...d,
      ApproximateCreationDateTime: d.ApproximateCreationDateTime
        ? d.ApproximateCreationDateTime.getTime() / 1000
        : undefined,
    },
  };
  return out as DynamoDBRecord;
}
