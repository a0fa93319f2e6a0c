// What every feature's store factory receives: the document client, the table name, the clock and the TOTP key material (built once per composition root).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../kernel/ports.js';

/** Inputs of a feature's `repositories(ctx)` factory (docs/style.md §4: clients are injected). */
export interface StoreContext {
  doc: DynamoDBDocumentClient;
  /** The single table's name. */
  tableName: string;
  /** Source of "now" (epoch ms) for expiry filters and TTL values; the services' clock. */
  clock: Clock;
  /** Key material of TOTP secrets at rest (`LAIR_TOTP_SECRET_KEY`, docs/adr/021); absent = TOTP calls fail. */
  totpKey?: string;
  /** `LAIR_UNREAD_FANOUT_MAX_MEMBERS`: rooms of at most this many members keep member head copies (docs/adr/028); default 25. */
  fanoutMaxMembers?: number;
}
