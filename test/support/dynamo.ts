// Test helper: a uniquely named table on the run's DynamoDB Local (test/setup/global-setup.ts).
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../../shared/storage/bootstrap.js';
import { createDynamoClients } from '../../shared/storage/client.js';

/** A fresh table and the clients bound to it. */
export interface TestTable {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tableName: string;
  endpoint: string;
}

/**
 * Creates `t-<random>` with {@link ensureTable} (TTL enabled) on `LAIR_DYNAMODB_ENDPOINT`.
 * @throws Error when `LAIR_DYNAMODB_ENDPOINT` is unset (jest globalSetup did not run)
 */
export async function createTestTable(): Promise<TestTable> {
  const endpoint = process.env.LAIR_DYNAMODB_ENDPOINT;
  if (!endpoint)
    throw new Error(
      'LAIR_DYNAMODB_ENDPOINT is not set: run tests through jest (globalSetup starts DynamoDB Local)',
    );
  const { client, doc } = createDynamoClients({ endpoint, region: 'us-east-1' });
  const tableName = `t-${randomUUID()}`;
  await ensureTable(client, tableName);
  return { client, doc, tableName, endpoint };
}

/** Deletes the table (ignoring "not found") and destroys its clients. */
export async function deleteTestTable(table: Pick<TestTable, 'client' | 'tableName'>): Promise<void> {
  try {
    await table.client.send(new DeleteTableCommand({ TableName: table.tableName }));
  } catch (e) {
    if (!(e instanceof Error && e.name === 'ResourceNotFoundException')) throw e;
  } finally {
    table.client.destroy();
  }
}
