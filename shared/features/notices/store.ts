// NoticeRepository over DynamoDB: `NOTICES` / `<id>` items (ids are time-ordered ULIDs), TTL at `expires_at`.
import { type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../kernel/ports.js';
import { parseTimestamp } from '../../kernel/time.js';
import { auditPut, type AuditEntry } from '../audit/index.js';
import { isLive, ttlEpochSeconds, type Item } from '../../storage/items.js';
import type { Key } from '../../storage/keys.js';
import { queryAll } from '../../storage/operations.js';
import { ATTR } from '../../storage/table.js';
import { transactWrite } from '../../storage/transactions.js';
import type { Notice, NoticeRepository } from './model.js';

/** Keys: every notice in one small partition. */
export const keys = { notice: (id: string): Key => ({ PK: 'NOTICES', SK: id }) } as const;
/** Partition values. */
export const partitions = { notices: 'NOTICES' } as const;
/** `entity` tags. */
export const ENTITY = { notice: 'notice' } as const;

const FIELDS = ['id', 'message', 'severity', 'room_id', 'created_by', 'created_at', 'expires_at'] as const;

/** {@link NoticeRepository} over the single table. */
export class DynamoNoticeRepository implements NoticeRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async create(notice: Notice, audit: AuditEntry): Promise<void> {
    const Item: Item = {
      ...keys.notice(notice.id),
      entity: ENTITY.notice,
      ...notice,
      ...(notice.expires_at === null
        ? {}
        : { [ATTR.ttl]: ttlEpochSeconds(parseTimestamp(notice.expires_at)) }),
    };
    const TableName = this.tableName;
    await transactWrite(
      this.doc,
      [
        { Put: { TableName, Item, ConditionExpression: 'attribute_not_exists(PK)' } },
        auditPut(TableName, audit),
      ],
      () => new Error('notice id collision'),
    );
  }

  async delete(id: string, audit: AuditEntry): Promise<boolean> {
    const TableName = this.tableName;
    let existed = true;
    await transactWrite(
      this.doc,
      [
        { Delete: { TableName, Key: keys.notice(id), ConditionExpression: 'attribute_exists(PK)' } },
        auditPut(TableName, audit),
      ],
      () => {
        existed = false;
        return new Error('absent');
      },
    ).catch((e: unknown) => {
      if (existed) throw e;
    });
    return existed;
  }

  async listActive(): Promise<Notice[]> {
    const now = this.clock.now();
    const items = await queryAll(
      this.doc,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': partitions.notices },
        ScanIndexForward: false,
        ConsistentRead: true,
      },
      { keep: (i) => isLive(i, now) },
    );
    return items.map((i) => Object.fromEntries(FIELDS.map((f) => [f, i[f] ?? null])) as unknown as Notice);
  }
}
