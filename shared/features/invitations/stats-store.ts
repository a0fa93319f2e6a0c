// Invitation stats counters over DynamoDB: one item per scope (`INVSTATS#user:<id>` | `room:<id>` | `all`), applied exactly once per change via a marker item.
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Uuid } from '../../kernel/types.js';
import { ttlEpochSeconds, type Item } from '../../storage/items.js';
import { ATTR } from '../../storage/table.js';
import { transactWrite, type TransactItem } from '../../storage/transactions.js';
import type { InvitationStatus } from './model.js';
import { responseBucket, type StatsCounters } from './stats.js';

/** A stats scope: the inviter's own, a room's, or everything. */
export type StatsScope = { kind: 'user'; id: Uuid } | { kind: 'room'; id: Uuid } | { kind: 'all' };

const scopeKey = (s: StatsScope) => {
  const name = s.kind === 'all' ? 'all' : `${s.kind}:${s.id}`;
  return { PK: `INVSTATS#${name}`, SK: 'STATS' };
};

/** One counted change: an invitation sent, or its terminal outcome (with the response time for accept/decline). */
export interface StatsChange {
  invitationId: Uuid;
  roomId: Uuid;
  inviterId: Uuid;
  /** `pending` = sent. */
  status: InvitationStatus;
  /** Creation to answer, seconds; only for `accepted`/`declined`. */
  responseSeconds?: number;
}

const MARK_TTL_MS = 100 * 24 * 3600 * 1000;

/** Stats counters (docs/protocol/extensions.md §6.2, updated from the stream). */
export class DynamoInvitationStatsRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Applies one change to the inviter's, the room's and the global counters in one transaction
   * with a marker Put `INVSTATSMARK#<id>#<status>` (`attribute_not_exists`): a stream record
   * delivered twice counts once.
   * @param nowMs - epoch ms (marker TTL: 100 days later)
   * @returns false when the change was already counted
   */
  async apply(change: StatsChange, nowMs: number): Promise<boolean> {
    const field = change.status === 'pending' ? 'sent' : change.status;
    const bucket =
      change.responseSeconds !== undefined && (change.status === 'accepted' || change.status === 'declined')
        ? responseBucket(change.responseSeconds)
        : undefined;
    const expr = bucket === undefined ? 'ADD #f :one' : 'ADD #f :one, #h :one';
    const names: Record<string, string> = {
      '#f': field,
      ...(bucket !== undefined ? { '#h': `h_${bucket}` } : {}),
    };
    const scopes: StatsScope[] = [
      { kind: 'user', id: change.inviterId },
      { kind: 'room', id: change.roomId },
      { kind: 'all' },
    ];
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            PK: `INVSTATSMARK#${change.invitationId}#${field}`,
            SK: 'MARK',
            entity: 'invitation_stats_mark',
            [ATTR.ttl]: ttlEpochSeconds(nowMs + MARK_TTL_MS),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      ...scopes.map((s): TransactItem => ({
        Update: {
          TableName: this.tableName,
          Key: scopeKey(s),
          UpdateExpression: `SET entity = :e ${expr}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':one': 1, ':e': 'invitation_stats' },
        },
      })),
    ];
    let duplicate = false;
    try {
      await transactWrite(this.doc, items, () => {
        duplicate = true;
        return new Error('already counted');
      });
    } catch (e) {
      if (duplicate) return false;
      throw e;
    }
    return true;
  }

  /** The counters of one scope (zeros when nothing was counted yet). Strongly consistent. */
  async get(scope: StatsScope): Promise<StatsCounters> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: scopeKey(scope), ConsistentRead: true }),
    );
    const item: Item = out.Item ?? {};
    const num = (k: string): number => {
      const v = item[k];
      return typeof v === 'number' ? v : 0;
    };
    const histogram = new Map<number, number>();
    for (const [k, v] of Object.entries(item)) {
      if (k.startsWith('h_') && typeof v === 'number') histogram.set(Number(k.slice(2)), v);
    }
    return {
      sent: num('sent'),
      accepted: num('accepted'),
      declined: num('declined'),
      expired: num('expired'),
      cancelled: num('cancelled'),
      histogram,
    };
  }
}
