// Builds the DynamoDB low-level client and the lib-dynamodb document client (injected, never a singleton).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Options of {@link createDynamoClients}. */
export interface DynamoClientOptions {
  /**
   * Endpoint of another DynamoDB (DynamoDB Local: `http://127.0.0.1:8000`). When set, dummy static
   * credentials `local`/`local` are used (DynamoDB Local runs `-sharedDb`, so they do not matter).
   * Omitted => real AWS with the default credential chain (docs/design.md §5).
   */
  endpoint?: string;
  region: string;
}

/** The two clients every composition root builds once (docs/style.md §4 "Inject clients"). */
export interface DynamoClients {
  client: DynamoDBClient;
  /** Document client: `removeUndefinedValues` on, so optional fields never fail marshalling. */
  doc: DynamoDBDocumentClient;
}

/** Creates the clients. Call `client.destroy()` when done (tests, shutdown). */
export function createDynamoClients(options: DynamoClientOptions): DynamoClients {
  const client = new DynamoDBClient({
    region: options.region,
    ...(options.endpoint
      ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { client, doc };
}
