// StatsRepository over DynamoDB: `RELAYSTATS` reports with a short TTL, `USAGE#<day>` counters with idempotency markers.
import { BatchGetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../kernel/ports.js';
import { isLive, ttlEpochSeconds, type Item } from '../../storage/items.js';
import type { Key } from '../../storage/keys.js';
import { queryAll } from '../../storage/operations.js';
import { ATTR } from '../../storage/table.js';
import { isConditionalCheckFailed, transactWrite } from '../../storage/transactions.js';
import {
  RELAY_REPORT_TTL_MS,
  type RelayReport,
  type StatsRepository,
  type UsageCounter,
  type UsageDay,
} from './model.js';

/** Keys: one report per relay; one counter item per day, plus one marker per counted change. */
export const keys = {
  relayReport: (relayId: string): Key => ({ PK: 'RELAYSTATS', SK: relayId }),
  usageDay: (day: string): Key => ({ PK: `USAGE#${day}`, SK: 'DAY' }),
  usageMarker: (day: string, changeKey: string): Key => ({ PK: `USAGE#${day}`, SK: `SEEN#${changeKey}` }),
} as const;

/** Partition values. */
export const partitions = { relayStats: 'RELAYSTATS' } as const;

/** `entity` tags. */
export const ENTITY = {
  relayReport: 'relay_report',
  usageDay: 'usage_day',
  usageMarker: 'usage_marker',
} as const;

/** Usage markers are kept 3 days (long past any stream redelivery). */
const MARKER_TTL_MS = 3 * 24 * 60 * 60 * 1000;

const REPORT_FIELDS = [
  'relay_id',
  'connections',
  'messages_per_s',
  'errors_per_s',
  'rss_bytes',
  'cpu_percent',
  'at',
] as const;

/** {@link StatsRepository} over the single table. */
export class DynamoStatsRepository implements StatsRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async putRelayReport(report: RelayReport): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.relayReport(report.relay_id),
          entity: ENTITY.relayReport,
          ...report,
          [ATTR.ttl]: ttlEpochSeconds(this.clock.now() + RELAY_REPORT_TTL_MS),
        },
      }),
    );
  }

  async listRelayReports(): Promise<RelayReport[]> {
    const now = this.clock.now();
    const items = await queryAll(
      this.doc,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': partitions.relayStats },
        ConsistentRead: true,
      },
      { keep: (i) => isLive(i, now) },
    );
    return items.map(
      (i) => Object.fromEntries(REPORT_FIELDS.map((f) => [f, i[f]])) as unknown as RelayReport,
    );
  }

  async countOnce(
    day: string,
    changeKey: string,
    counter: UsageCounter | null,
    activeUser: string | null,
  ): Promise<boolean> {
    const TableName = this.tableName;
    const sets: string[] = [];
    const values: Record<string, unknown> = { ':entity': ENTITY.usageDay, ':day': day };
    if (counter !== null) {
      sets.push('#c :one');
      values[':one'] = 1;
    }
    if (activeUser !== null) {
      sets.push('active :user');
      values[':user'] = new Set([activeUser]);
    }
    try {
      await transactWrite(
        this.doc,
        [
          {
            Put: {
              TableName,
              Item: {
                ...keys.usageMarker(day, changeKey),
                entity: ENTITY.usageMarker,
                [ATTR.ttl]: ttlEpochSeconds(this.clock.now() + MARKER_TTL_MS),
              },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          {
            Update: {
              TableName,
              Key: keys.usageDay(day),
              UpdateExpression: `SET entity = :entity, #day = :day ADD ${sets.join(', ')}`,
              ExpressionAttributeNames: { '#day': 'day', ...(counter !== null ? { '#c': counter } : {}) },
              ExpressionAttributeValues: values,
            },
          },
        ],
        () => Object.assign(new Error('already counted'), { counted: true }),
      );
      return true;
    } catch (e) {
      if ((e as { counted?: boolean }).counted === true || isConditionalCheckFailed(e)) return false;
      throw e;
    }
  }

  async usage(from: string, to: string): Promise<UsageDay[]> {
    const days: string[] = [];
    for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
      days.push(new Date(t).toISOString().slice(0, 10));
    const found = new Map<string, Item>();
    for (let i = 0; i < days.length; i += 100) {
      const out = await this.doc.send(
        new BatchGetCommand({
          RequestItems: { [this.tableName]: { Keys: days.slice(i, i + 100).map(keys.usageDay) } },
        }),
      );
      for (const item of out.Responses?.[this.tableName] ?? []) found.set(String(item.day), item);
    }
    const n = (i: Item | undefined, f: string): number => (typeof i?.[f] === 'number' ? i[f] : 0);
    return days.map((day) => {
      const i = found.get(day);
      return {
        day,
        active_users: i?.active instanceof Set ? i.active.size : 0,
        new_users: n(i, 'new_users'),
        messages: n(i, 'messages'),
        rooms_created: n(i, 'rooms_created'),
        invitations_sent: n(i, 'invitations_sent'),
      };
    });
  }
}
