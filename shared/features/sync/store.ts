// Sync reads (docs/adr/012): the global change feed over GSI4 (`entity` / `updated_at`) and, for long absences, one target's changes over GSI3 (`conversation` / `updated_at`).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../kernel/ports.js';
import { messageFromItem, type MessageRecord } from '../messages/index.js';
import { isLive } from '../../storage/items.js';
import { queryPages } from '../../storage/operations.js';
import { GSI3, GSI4 } from '../../storage/table.js';

/** The sync feature owns no items of its own (it reads GSI3 over message items). */
export const keys = {} as const;
export const partitions = {} as const;
export const ENTITY = {} as const;

/** Reads of the sync feature. */
export interface ChangeRepository {
  /**
   * Messages of `conversation` whose `updated_at` ≥ `sinceIso`, oldest change first, at most
   * `limit` (+ whether more follow). Tombstones included; expired (TTL) items skipped.
   */
  changedSince(
    conversation: string,
    sinceIso: string,
    limit: number,
  ): Promise<{ messages: MessageRecord[]; hasMore: boolean }>;
  /**
   * Every message (any conversation) whose `updated_at` ≥ `sinceIso`, oldest change first, up to
   * `max`; `complete` is false when more follow (the caller then reads per target instead).
   */
  changedEverywhere(sinceIso: string, max: number): Promise<{ messages: MessageRecord[]; complete: boolean }>;
}

/** {@link ChangeRepository} over GSI3 (eventually consistent in AWS: the token margin covers the lag, docs/adr/012). */
export class DynamoChangeRepository implements ChangeRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async changedSince(conversation: string, sinceIso: string, limit: number) {
    const now = this.clock.now();
    const { items } = await queryPages(
      this.doc,
      {
        TableName: this.tableName,
        IndexName: GSI3,
        KeyConditionExpression: 'conversation = :c AND updated_at >= :since',
        ExpressionAttributeValues: { ':c': conversation, ':since': sinceIso },
        ScanIndexForward: true,
      },
      { max: limit + 1, keep: (item) => isLive(item, now) && typeof item.seq === 'string' },
    );
    return { messages: items.slice(0, limit).map(messageFromItem), hasMore: items.length > limit };
  }

  async changedEverywhere(sinceIso: string, max: number) {
    const now = this.clock.now();
    const { items, lastKey } = await queryPages(
      this.doc,
      {
        TableName: this.tableName,
        IndexName: GSI4,
        KeyConditionExpression: 'entity = :e AND updated_at >= :since',
        ExpressionAttributeValues: { ':e': 'message', ':since': sinceIso },
        ScanIndexForward: true,
      },
      { max: max + 1, keep: (item) => isLive(item, now) && typeof item.seq === 'string' },
    );
    const complete = items.length <= max && lastKey === undefined;
    return { messages: items.slice(0, max).map(messageFromItem), complete };
  }
}
