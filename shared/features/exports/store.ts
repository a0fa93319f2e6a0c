// ExportRepository over the single table: `EXPORT#<id>` / `EXPORT` items with a 7-day TTL (docs/protocol/extensions.md §5).
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../kernel/ports.js';
import type { Uuid } from '../../kernel/types.js';
import { isLive, ttlEpochSeconds, type Item } from '../../storage/items.js';
import type { Key } from '../../storage/keys.js';
import { ATTR } from '../../storage/table.js';
import { EXPORT_LIMITS, type ExportJob, type ExportRepository } from './model.js';

/** Keys of the exports feature's items. */
export const keys = {
  exportJob: (id: Uuid): Key => ({ PK: `EXPORT#${id}`, SK: 'EXPORT' }),
} as const;

/** Partition values used in queries (none: jobs are read by key). */
export const partitions = {} as const;

/** `entity` tags of the exports feature's items. */
export const ENTITY = { exportJob: 'export_job' } as const;

const FIELDS = [
  'id',
  'owner',
  'target',
  'conversation',
  'format',
  'since',
  'until',
  'status',
  'messages',
  'bytes',
  'key',
  'created_at',
] as const;

/** {@link ExportRepository} over the table. */
export class DynamoExportRepository implements ExportRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async create(job: ExportJob): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.exportJob(job.id),
          entity: ENTITY.exportJob,
          ...job,
          [ATTR.ttl]: ttlEpochSeconds(this.clock.now() + EXPORT_LIMITS.keepDays * 86_400_000),
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async get(id: Uuid): Promise<ExportJob | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.exportJob(id), ConsistentRead: true }),
    );
    const item = out.Item as Item | undefined;
    if (item === undefined || !isLive(item, this.clock.now())) return null;
    return Object.fromEntries(FIELDS.map((f) => [f, item[f] ?? null])) as unknown as ExportJob;
  }

  async update(
    id: Uuid,
    patch: Partial<Pick<ExportJob, 'status' | 'messages' | 'bytes' | 'key'>>,
  ): Promise<void> {
    const entries = Object.entries(patch);
    if (entries.length === 0) return;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.exportJob(id),
        UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
      }),
    );
  }
}
