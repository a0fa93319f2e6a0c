// What every feature's store factory receives: the document client, the table name and the clock (built once per composition root).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../kernel/ports.js';

/** Inputs of a feature's `repositories(ctx)` factory (docs/style.md §4: clients are injected). */
export interface StoreContext {
  doc: DynamoDBDocumentClient;
  /** The single table's name. */
  tableName: string;
  /** Source of "now" (epoch ms) for expiry filters and TTL values; the services' clock. */
  clock: Clock;
}
