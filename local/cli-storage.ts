// Storage for the table CLIs (backup, restore, export): --endpoint, LAIR_DYNAMODB_ENDPOINT, real AWS (LAIR_USE_AWS), the running `npm start`'s DynamoDB Local, or one started on LAIR_DATA_DIR.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { loadSettings, type Settings } from '../shared/config/settings.js';
import { createDynamoClients, type DynamoClients } from '../shared/storage/index.js';
import { startDynamoDbLocal } from './dynamodb-local.js';

/** File in LAIR_DATA_DIR where `npm start` records the DynamoDB Local endpoint it started. */
export const ENDPOINT_FILE = 'dynamodb-endpoint';

/**
 * The endpoint of the DynamoDB Local a running `npm start` serves `dataDir` from, or undefined
 * when there is none (no file, or a file left by a killed stack whose endpoint does not answer a
 * ListTables within 2 s). Two DynamoDB Local processes must never open the same data directory.
 */
export async function runningStackEndpoint(dataDir: string, region: string): Promise<string | undefined> {
  let endpoint: string;
  try {
    endpoint = readFileSync(join(resolve(dataDir), ENDPOINT_FILE), 'utf8').trim();
  } catch {
    return undefined;
  }
  const probe = createDynamoClients({ region, endpoint });
  try {
    await probe.client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
    return endpoint;
  } catch {
    return undefined;
  } finally {
    probe.client.destroy();
  }
}

/** Clients plus how to let go of them (and of the DynamoDB Local we started, if any). */
export interface CliStorage extends DynamoClients {
  settings: Settings;
  tableName: string;
  /** Where the data is, for messages: an endpoint URL or `aws`. */
  where: string;
  close(): Promise<void>;
}

/**
 * Connects as `npm start` would. Without an endpoint or LAIR_USE_AWS it uses the DynamoDB Local of
 * a running `npm start` on LAIR_DATA_DIR (default `.data`), else starts its own on that directory.
 * @param endpoint - `--endpoint` flag value
 */
export async function openCliStorage(
  endpoint: string | undefined,
  table: string | undefined,
): Promise<CliStorage> {
  const settings = loadSettings(process.env, () => randomBytes(32).toString('hex'));
  const tableName = table ?? settings.LAIR_TABLE_NAME;
  const region = settings.AWS_REGION;
  const given = endpoint ?? settings.LAIR_DYNAMODB_ENDPOINT;
  if (given !== undefined || settings.LAIR_USE_AWS) {
    const clients = createDynamoClients({ region, ...(given === undefined ? {} : { endpoint: given }) });
    return {
      ...clients,
      settings,
      tableName,
      where: given ?? 'aws',
      close: () => {
        clients.client.destroy();
        return Promise.resolve();
      },
    };
  }
  const running = await runningStackEndpoint(settings.LAIR_DATA_DIR, region);
  if (running !== undefined) {
    const clients = createDynamoClients({ region, endpoint: running });
    return {
      ...clients,
      settings,
      tableName,
      where: `${running} (the running npm start's DynamoDB Local on ${settings.LAIR_DATA_DIR})`,
      close: () => {
        clients.client.destroy();
        return Promise.resolve();
      },
    };
  }
  const local = await startDynamoDbLocal({ dataDir: resolve(settings.LAIR_DATA_DIR) });
  const clients = createDynamoClients({ region, endpoint: local.endpoint });
  return {
    ...clients,
    settings,
    tableName,
    where: `${local.endpoint} (DynamoDB Local on ${settings.LAIR_DATA_DIR})`,
    close: async () => {
      clients.client.destroy();
      await local.stop();
    },
  };
}
