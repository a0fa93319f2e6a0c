// The fan-out part of a room join (docs/adr/028): the joiner's copy of the head and the head's membership-version bump, read and planned before the join's transaction.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { joinPlan, readHeadItem, isFanout, type JoinPlan } from '../../storage/head-copies.js';
import { DomainError } from '../../kernel/errors.js';
import { backoff, queryAll } from '../../storage/operations.js';
import { StaleReadError, type Cancellation } from '../../storage/transactions.js';
import { keys, partitions, prefixes } from './keys.js';

/** Join rounds while sends or other joins move the head between the read and the write. */
export const JOIN_ATTEMPTS = 10;

/**
 * Reads the room's head (strongly consistent) and, for a new or fan-out room, its current members,
 * and plans the join's copy (docs/adr/028). A room is its own conversation key (messages' `conversationKey`).
 * @param max - `LAIR_UNREAD_FANOUT_MAX_MEMBERS`: more members than this = head mode
 */
export async function planRoomJoin(
  doc: DynamoDBDocumentClient,
  TableName: string,
  roomId: string,
  userId: string,
  max: number,
): Promise<JoinPlan> {
  const head = await readHeadItem(doc, TableName, roomId);
  if (head !== undefined && !isFanout(head)) return { attrs: {}, items: [] };
  const rows = await queryAll(doc, {
    TableName,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': partitions.room(roomId), ':prefix': prefixes.member },
    ProjectionExpression: 'SK',
    ConsistentRead: true,
  });
  const others = rows
    .map((r) => String(r.SK).slice(prefixes.member.length))
    .filter((u) => u !== userId)
    .map((u) => keys.membership(roomId, u));
  return joinPlan(TableName, roomId, head, userId, others, max);
}

/**
 * Runs a join transaction `write(plan)` (which appends `plan.items` LAST and maps their failure to
 * StaleReadError, see {@link planFailed}) until it commits, re-planning after each stale round.
 * @throws what `write` throws; DomainError `database_error` after {@link JOIN_ATTEMPTS} stale rounds
 */
export async function joinWithPlan(
  doc: DynamoDBDocumentClient,
  TableName: string,
  membership: { room_id: string; user_id: string },
  max: number,
  write: (plan: JoinPlan) => Promise<void>,
): Promise<void> {
  for (let attempt = 1; attempt <= JOIN_ATTEMPTS; attempt++) {
    const plan = await planRoomJoin(doc, TableName, membership.room_id, membership.user_id, max);
    try {
      await write(plan);
      return;
    } catch (e) {
      if (!(e instanceof StaleReadError)) throw e;
      await backoff(attempt);
    }
  }
  throw new DomainError('database_error', 'Database error: room kept changing');
}

/** True when one of the plan's items (appended from index `planFrom`) failed its condition. */
export function planFailed(c: Cancellation, planFrom: number): boolean {
  return c.reasons.some((_, i) => i >= planFrom && c.failed(i));
}
