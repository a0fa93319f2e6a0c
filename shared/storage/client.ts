// Builds the DynamoDB low-level client and the lib-dynamodb document client (injected, never a singleton) with bounded timeouts and retries.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Default SDK budgets (issue 17 finding 3): without them a hung DynamoDB (paused process, black-holed
 * route) hangs every request forever. Worst case per logical call ≈ `maxAttempts` ×
 * (`connectTimeoutMs` + `requestTimeoutMs`) plus the SDK's short backoff.
 */
export const DEFAULT_DYNAMO_TIMEOUTS = {
  /** TCP connect budget, ms. */
  connectTimeoutMs: 1000,
  /** Budget from request sent to response headers, ms. */
  requestTimeoutMs: 10_000,
  /** Total attempts including the first (the SDK's own default is 3). */
  maxAttempts: 3,
} as const;

/** Options of {@link createDynamoClients}. */
export interface DynamoClientOptions {
  /**
   * Endpoint of another DynamoDB (DynamoDB Local: `http://127.0.0.1:8000`). When set, dummy static
   * credentials `local`/`local` are used (DynamoDB Local runs `-sharedDb`, so they do not matter).
   * Omitted => real AWS with the default credential chain (docs/design.md §5).
   */
  endpoint?: string;
  region: string;
  /** TCP connect budget, ms (`LAIR_DYNAMODB_CONNECT_TIMEOUT_MS`); default {@link DEFAULT_DYNAMO_TIMEOUTS}. */
  connectTimeoutMs?: number;
  /** Per-attempt response budget, ms (`LAIR_DYNAMODB_TIMEOUT_MS`); default {@link DEFAULT_DYNAMO_TIMEOUTS}. */
  requestTimeoutMs?: number;
  /** Attempts per call including the first (`LAIR_DYNAMODB_MAX_ATTEMPTS`); default {@link DEFAULT_DYNAMO_TIMEOUTS}. */
  maxAttempts?: number;
}

/** The two clients every composition root builds once (docs/style.md §4 "Inject clients"). */
export interface DynamoClients {
  client: DynamoDBClient;
  /** Document client: `removeUndefinedValues` on, so optional fields never fail marshalling. */
  doc: DynamoDBDocumentClient;
}

/**
 * Creates the clients with explicit connect/request timeouts (`@smithy/node-http-handler` options)
 * and bounded retries, so a hung DynamoDB turns into an error instead of a hang.
 * Call `client.destroy()` when done (tests, shutdown).
 */
export function createDynamoClients(options: DynamoClientOptions): DynamoClients {
  const client = new DynamoDBClient({
    region: options.region,
    maxAttempts: options.maxAttempts ?? DEFAULT_DYNAMO_TIMEOUTS.maxAttempts,
    requestHandler: {
      connectionTimeout: options.connectTimeoutMs ?? DEFAULT_DYNAMO_TIMEOUTS.connectTimeoutMs,
      requestTimeout: options.requestTimeoutMs ?? DEFAULT_DYNAMO_TIMEOUTS.requestTimeoutMs,
      // Without this, @smithy/node-http-handler 4.x only logs a warning when requestTimeout passes.
      throwOnRequestTimeout: true,
    },
    ...(options.endpoint
      ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { client, doc };
}
