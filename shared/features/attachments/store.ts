// AttachmentRepository over DynamoDB: `ATT#<uuid>` / `ATT` items with a 24 h TTL until attached, and the attach updates the message put carries.
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../kernel/ports.js';
import type { Uuid } from '../../kernel/types.js';
import { isLive, ttlEpochSeconds, type Item } from '../../storage/items.js';
import type { Key } from '../../storage/keys.js';
import { ATTR } from '../../storage/table.js';
import type { TransactItem } from '../../storage/transactions.js';
import { isConditionalCheckFailed } from '../../storage/transactions.js';
import {
  ATTACHMENT_LIMITS,
  type AttachmentRecord,
  type AttachmentRepository,
  type AttachmentStatus,
} from './model.js';

/** Keys of the attachments feature's items: one item per attachment. */
export const keys = {
  attachment: (id: Uuid): Key => ({ PK: `ATT#${id}`, SK: 'ATT' }),
} as const;

/** Partition values used in queries (none: attachments are read by key). */
export const partitions = {} as const;

/** `entity` tags of the attachments feature's items. */
export const ENTITY = { attachment: 'attachment' } as const;

/** The stored item; `expiresAt` (epoch s) is present while the attachment is not attached. */
export function attachmentItem(r: AttachmentRecord, expiresAtMs: number): Item {
  return {
    ...keys.attachment(r.id),
    entity: ENTITY.attachment,
    id: r.id,
    uploader: r.uploader,
    filename: r.filename,
    content_type: r.content_type,
    size_bytes: r.size_bytes,
    status: r.status,
    created_at: r.created_at,
    message_id: r.message_id,
    [ATTR.ttl]: ttlEpochSeconds(expiresAtMs),
  };
}

/** Maps an item back to its record. */
export function attachmentFromItem(item: Item): AttachmentRecord {
  return {
    id: item.id as string,
    uploader: item.uploader as string,
    filename: item.filename as string,
    content_type: item.content_type as string,
    size_bytes: item.size_bytes as number,
    status: item.status as AttachmentStatus,
    created_at: item.created_at as string,
    message_id: typeof item.message_id === 'string' ? item.message_id : null,
  };
}

/**
 * The TransactWriteItems updates that attach `message.attachments` to `message` (written in the
 * same transaction as the message put): status `attached`, `message_id`, TTL removed, each
 * conditioned on the item existing, belonging to the author, not being attached and not being
 * past its TTL. So two sends can never attach the same upload.
 */
export function attachUpdates(
  TableName: string,
  message: { id: Uuid; author: Uuid; created_at: string; attachments: readonly { id: Uuid }[] },
  nowMs: number,
): TransactItem[] {
  return message.attachments.map((a) => ({
    Update: {
      TableName,
      Key: keys.attachment(a.id),
      UpdateExpression: 'SET #status = :attached, message_id = :mid, attached_at = :at REMOVE #ttl',
      ConditionExpression:
        'attribute_exists(PK) AND uploader = :author AND #status IN (:pending, :uploaded) AND #ttl > :nowSec',
      ExpressionAttributeNames: { '#status': 'status', '#ttl': ATTR.ttl },
      ExpressionAttributeValues: {
        ':attached': 'attached',
        ':pending': 'pending',
        ':uploaded': 'uploaded',
        ':mid': message.id,
        ':at': message.created_at,
        ':author': message.author,
        ':nowSec': Math.floor(nowMs / 1000),
      },
    },
  }));
}

/** {@link AttachmentRepository} over the single table. */
export class DynamoAttachmentRepository implements AttachmentRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async create(record: AttachmentRecord): Promise<void> {
    const expiresAt = this.clock.now() + ATTACHMENT_LIMITS.pendingTtlSeconds * 1000;
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: attachmentItem(record, expiresAt),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async get(id: Uuid): Promise<AttachmentRecord | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.attachment(id), ConsistentRead: true }),
    );
    return out.Item && isLive(out.Item, this.clock.now()) ? attachmentFromItem(out.Item) : null;
  }

  async getMany(ids: readonly Uuid[]): Promise<AttachmentRecord[]> {
    const unique = [...new Set(ids)].slice(0, ATTACHMENT_LIMITS.perMessage);
    if (unique.length === 0) return [];
    let request: Record<string, { Keys: Key[]; ConsistentRead: boolean }> | undefined = {
      [this.tableName]: { Keys: unique.map(keys.attachment), ConsistentRead: true },
    };
    const items: Item[] = [];
    // BatchGet may return UnprocessedKeys under load: ask again for those (≤ 10 keys, a few rounds at most).
    for (let round = 0; request !== undefined && round < 5; round++) {
      const out: BatchGetCommandOutput = await this.doc.send(new BatchGetCommand({ RequestItems: request }));
      items.push(...(out.Responses?.[this.tableName] ?? []));
      const rest: { Keys?: Record<string, unknown>[] } | undefined = out.UnprocessedKeys?.[this.tableName];
      request =
        rest?.Keys && rest.Keys.length > 0
          ? { [this.tableName]: { Keys: rest.Keys as unknown as Key[], ConsistentRead: true } }
          : undefined;
    }
    const now = this.clock.now();
    return items.filter((i) => isLive(i, now)).map(attachmentFromItem);
  }

  async markUploaded(id: Uuid): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.attachment(id),
          UpdateExpression: 'SET #status = :uploaded',
          ConditionExpression: 'attribute_exists(PK) AND #status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':uploaded': 'uploaded', ':pending': 'pending' },
        }),
      );
    } catch (e) {
      if (!isConditionalCheckFailed(e)) throw e;
    }
  }
}
