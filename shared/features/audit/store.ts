// AuditRepository over DynamoDB: one `AUDIT` partition sorted by time, 365-day TTL; put-only (no update/delete path exists).
import { PutCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { parseTimestamp } from '../../kernel/time.js';
import { ValidationError } from '../../kernel/errors.js';
import { ttlEpochSeconds, type Item } from '../../storage/items.js';
import type { Key } from '../../storage/keys.js';
import { queryPages } from '../../storage/operations.js';
import { ATTR } from '../../storage/table.js';
import type { TransactItem } from '../../storage/transactions.js';
import { AUDIT_RETENTION_MS, type AuditEntry, type AuditFilter, type AuditRepository } from './model.js';

/** Keys: `AUDIT` / `<at>#<id>` (time-ordered; ids are unique per entry). */
export const keys = {
  auditEntry: (at: string, id: string): Key => ({ PK: 'AUDIT', SK: `${at}#${id}` }),
} as const;

/** Partition values. */
export const partitions = { audit: 'AUDIT' } as const;

/** `entity` tags. */
export const ENTITY = { auditEntry: 'audit' } as const;

const FIELDS = [
  'id',
  'at',
  'actor_id',
  'actor_username',
  'action',
  'target_type',
  'target_id',
  'details',
  'ip',
  'request_id',
] as const;

/** The stored item: the wire fields plus keys, entity, and `expiresAt` = `at` + 365 days (epoch s). */
export function auditItem(entry: AuditEntry): Item {
  return {
    ...keys.auditEntry(entry.at, entry.id),
    entity: ENTITY.auditEntry,
    ...entry,
    actor_lc: entry.actor_username?.toLowerCase() ?? null,
    [ATTR.ttl]: ttlEpochSeconds(parseTimestamp(entry.at) + AUDIT_RETENTION_MS),
  };
}

/**
 * The Put of one entry for a caller's TransactWriteItems, so the audit entry commits with the
 * action it records (docs/protocol/extensions.md §9, §0.7). Conditional on the key being new.
 */
export function auditPut(tableName: string, entry: AuditEntry): TransactItem {
  return {
    Put: { TableName: tableName, Item: auditItem(entry), ConditionExpression: 'attribute_not_exists(PK)' },
  };
}

/** Maps an item back to the wire entry (exactly {@link FIELDS}). */
export function auditFromItem(item: Item): AuditEntry {
  return Object.fromEntries(FIELDS.map((f) => [f, item[f] ?? null])) as unknown as AuditEntry;
}

/** {@link AuditRepository}: PutItem and Query only. */
export class DynamoAuditRepository implements AuditRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(entry: AuditEntry): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: auditItem(entry),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  /** Query newest first with the time bounds on the sort key and the other filters as a FilterExpression. */
  async list(
    filter: AuditFilter,
    limit: number,
    cursor?: string,
  ): Promise<{ entries: AuditEntry[]; next_cursor: string | null }> {
    const names: Record<string, string> = { '#pk': 'PK' };
    if (filter.after !== undefined || filter.before !== undefined) names['#sk'] = 'SK';
    const values: Record<string, unknown> = { ':pk': partitions.audit };
    let keyCond = '#pk = :pk';
    // `<at>#<id>`: '#' sorts below every id char, '~' above, so bounds stay exclusive of `at` itself.
    if (filter.after !== undefined && filter.before !== undefined) {
      keyCond += ' AND #sk BETWEEN :lo AND :hi';
      values[':lo'] = `${filter.after}~`;
      values[':hi'] = `${filter.before}#`;
    } else if (filter.after !== undefined) {
      keyCond += ' AND #sk > :lo';
      values[':lo'] = `${filter.after}~`;
    } else if (filter.before !== undefined) {
      keyCond += ' AND #sk < :hi';
      values[':hi'] = `${filter.before}#`;
    }
    const conds: string[] = [];
    if (filter.actor !== undefined) {
      conds.push('(actor_id = :actor OR actor_lc = :actorLc)');
      values[':actor'] = filter.actor;
      values[':actorLc'] = filter.actor.toLowerCase();
    }
    if (filter.action !== undefined) {
      conds.push('#action = :action');
      names['#action'] = 'action';
      values[':action'] = filter.action;
    }
    if (filter.target_id !== undefined) {
      conds.push('target_id = :target');
      values[':target'] = filter.target_id;
    }
    const input: QueryCommandInput = {
      TableName: this.tableName,
      KeyConditionExpression: keyCond,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      ...(conds.length > 0 ? { FilterExpression: conds.join(' AND ') } : {}),
      ...(cursor !== undefined ? { ExclusiveStartKey: decodeAuditCursor(cursor) } : {}),
    };
    const { items, lastKey } = await queryPages(this.doc, input, { max: limit });
    return {
      entries: items.map(auditFromItem),
      next_cursor: lastKey === undefined ? null : encodeAuditCursor(lastKey),
    };
  }
}

/** Cursor = base64url of the last entry's sort key; it grants nothing (the caller is re-checked per page). */
function encodeAuditCursor(lastKey: Record<string, unknown>): string {
  return Buffer.from(String(lastKey.SK), 'utf8').toString('base64url');
}

/** @throws ValidationError `validation_failed` "Validation failed: cursor - invalid" */
function decodeAuditCursor(cursor: string): Key {
  const sk = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^\d{4}-\d{2}-\d{2}T[^#]+#[\w-]+$/.test(sk))
    throw new ValidationError('validation_failed', 'Validation failed: cursor - invalid');
  return { PK: partitions.audit, SK: sk };
}
