// Jest globalSetup: starts one in-memory DynamoDB Local on a free port for the whole run (docs/design.md §5).
import { tsImport } from 'tsx/esm/api';
import type * as Launcher from '../../local/dynamodb-local.js';

/** Where the handle is kept between globalSetup and globalTeardown (same process; see global-teardown.ts). */
const HANDLE = Symbol.for('lair-chat.test.dynamodb-local');

/**
 * Reuses `LAIR_DYNAMODB_ENDPOINT` when set; otherwise starts DynamoDB Local in memory and exports
 * its endpoint in `LAIR_DYNAMODB_ENDPOINT` (test workers inherit the environment).
 *
 * Jest loads this file with Node's own loader, where jest's `.js` -> `.ts` moduleNameMapper does
 * not apply, so the launcher is imported through tsx (a dependency) instead of a static import.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.LAIR_DYNAMODB_ENDPOINT) return;
  const { startDynamoDbLocal } = (await tsImport(
    '../../local/dynamodb-local.ts',
    import.meta.url,
  )) as typeof Launcher;
  const handle: Launcher.DynamoDbLocalHandle = await startDynamoDbLocal({ port: 0 });
  process.env.LAIR_DYNAMODB_ENDPOINT = handle.endpoint;
  (globalThis as Record<symbol, unknown>)[HANDLE] = handle;
}
