// Idempotent table bootstrap: create the single table if missing, wait for ACTIVE, enable TTL (docs/design.md §3).
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTableCommand,
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
  let indexes: string[] = [];
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    indexes = (out.Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName ?? '');
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
  if (exists) await addMissingIndexes(client, tableName, indexes, log);
  await enableTtl(client, tableName, log);
}

/**
 * A table created by an older build lacks an index added since (e.g. GSI3, docs/adr/011): create
 * each missing one (UpdateTable, one at a time) and wait until it is ACTIVE.
 */
async function addMissingIndexes(
  client: DynamoDBClient,
  tableName: string,
  present: readonly string[],
  log?: BootstrapLog,
): Promise<void> {
  const definition = tableDefinition(tableName);
  for (const gsi of definition.GlobalSecondaryIndexes ?? []) {
    if (gsi.IndexName === undefined || present.includes(gsi.IndexName)) continue;
    const names = new Set(gsi.KeySchema?.map((k) => k.AttributeName));
    try {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: definition.AttributeDefinitions?.filter((a) => names.has(a.AttributeName)),
          GlobalSecondaryIndexUpdates: [
            { Create: { IndexName: gsi.IndexName, KeySchema: gsi.KeySchema, Projection: gsi.Projection } },
          ],
        }),
      );
      log?.info(`creating index ${gsi.IndexName} on ${tableName}`);
    } catch (e) {
      if (errorName(e) !== 'ResourceInUseException' && errorName(e) !== 'ValidationException') throw e;
    }
    for (let i = 0; i < 120; i++) {
      const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const status = out.Table?.GlobalSecondaryIndexes?.find(
        (g) => g.IndexName === gsi.IndexName,
      )?.IndexStatus;
      if (status === 'ACTIVE') break;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
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
