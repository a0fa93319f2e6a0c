// Storage for the table CLIs (backup, restore, export): --endpoint, LAIR_DYNAMODB_ENDPOINT, real AWS (LAIR_USE_AWS) or a DynamoDB Local started on LAIR_DATA_DIR.
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadSettings, type Settings } from '../shared/config/settings.js';
import { createDynamoClients, type DynamoClients } from '../shared/storage/index.js';
import { startDynamoDbLocal } from './dynamodb-local.js';

/** Clients plus how to let go of them (and of the DynamoDB Local we started, if any). */
export interface CliStorage extends DynamoClients {
  settings: Settings;
  tableName: string;
  /** Where the data is, for messages: an endpoint URL or `aws`. */
  where: string;
  close(): Promise<void>;
}

/**
 * Connects as `npm start` would. Without an endpoint or LAIR_USE_AWS it starts DynamoDB Local on
 * LAIR_DATA_DIR (default `.data`): stop `npm start` first, or pass `--endpoint` of the running one.
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
