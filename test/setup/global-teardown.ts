// Jest globalTeardown: stops the DynamoDB Local that globalSetup started (if it started one).
import type { DynamoDbLocalHandle } from '../../local/dynamodb-local.js';

/** Same key as in global-setup.ts (a runtime import of it would not resolve under Node's loader). */
const HANDLE = Symbol.for('lair-chat.test.dynamodb-local');

/** Stops DynamoDB Local and forgets its endpoint; a reused external endpoint is left alone. */
export default async function globalTeardown(): Promise<void> {
  const store = globalThis as Record<symbol, unknown>;
  const handle = store[HANDLE] as DynamoDbLocalHandle | undefined;
  if (!handle) return;
  store[HANDLE] = undefined;
  delete process.env.LAIR_DYNAMODB_ENDPOINT;
  await handle.stop();
}
