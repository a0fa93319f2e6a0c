// Idempotent table bootstrap: create the single table if missing, wait for ACTIVE, enable TTL (docs/design.md §3).
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { tableDefinition, ttlSpecification } from './table.js';

/** Minimal logger (a pino Logger fits). */
export interface BootstrapLog {
  info(msg: string): void;
}

const errorName = (e: unknown): string | undefined => (e instanceof Error ? e.name : undefined);

/**
 * Makes sure `tableName` exists as {@link tableDefinition} describes, is ACTIVE, and has TTL enabled
 * on `expiresAt` (epoch seconds). Safe to call on every start and concurrently: an existing table
 * is left as it is, "TTL already enabled" is ignored.
 * @param client - low-level client (CreateTable/UpdateTimeToLive are control-plane calls)
 * @throws the SDK error when the table cannot be created or does not become ACTIVE within 60 s
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  log?: BootstrapLog,
): Promise<void> {
  let exists = true;
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (e) {
    if (errorName(e) !== 'ResourceNotFoundException') throw e;
    exists = false;
  }
  if (!exists) {
    try {
      await client.send(new CreateTableCommand(tableDefinition(tableName)));
      log?.info(`created table ${tableName}`);
    } catch (e) {
      if (errorName(e) !== 'ResourceInUseException') throw e;
    }
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 5 }, { TableName: tableName });
  await enableTtl(client, tableName, log);
}

async function enableTtl(client: DynamoDBClient, tableName: string, log?: BootstrapLog): Promise<void> {
  const current = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const status = current.TimeToLiveDescription?.TimeToLiveStatus;
  if (status === 'ENABLED' || status === 'ENABLING') return;
  try {
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { ...ttlSpecification } }),
    );
    log?.info(`enabled TTL on ${tableName}.${ttlSpecification.AttributeName}`);
  } catch (e) {
    // Concurrent bootstraps: the loser gets "TimeToLive is already enabled".
    if (!(errorName(e) === 'ValidationException' && /already enabled/i.test((e as Error).message))) throw e;
  }
}
