// Fan-out on write of head changes to the members' copies (docs/adr/028): which rows a send or tombstone in a room also updates, under which head condition, with a short member-list cache.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../../kernel/errors.js';
import {
  copySend,
  copyTombstone,
  isFanout,
  membershipGuard,
  readHeadItem,
} from '../../storage/head-copies.js';
import { backoff, queryAll } from '../../storage/operations.js';
import type { TransactItem } from '../../storage/transactions.js';
import { roomKeys } from '../rooms/index.js';
import type { MessageRecord } from './model.js';

/** What a room send or tombstone adds to its transaction (docs/adr/028). */
export interface FanoutPlan {
  /** The head's condition on the membership version read (null: DM / conversation, no condition). */
  guard: { expression: string; values: Record<string, unknown> } | null;
  /** Room members holding copies (empty in head mode). */
  members: string[];
}

/** Rounds of "read members, write" while joins race the write. */
export const FANOUT_ATTEMPTS = 10;
/** How long a room's plan may be reused without a read, ms: staleness is safe (the mv condition), this only bounds memory churn. */
const CACHE_MS = 30_000;
/** Rooms whose plans are cached at most (oldest dropped first). */
const CACHE_MAX = 5_000;

/** Internal: the head or a member row moved since the plan was read: re-plan and retry. */
export class StaleFanoutError extends Error {
  override readonly name = 'StaleFanoutError';
}

/** Plans (and caches per room) the fan-out of head changes. One per repository instance. */
export class FanoutPlanner {
  private readonly cache = new Map<string, { plan: FanoutPlan; at: number }>();

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly TableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The plan for `m`'s conversation: DMs and group conversations have none (DM copies ride on the
   * DM-peer items; conversations stay in head mode); a room reads its head (`fo`, `mv`) and, in
   * fan-out mode, its member ids (strongly consistent), or reuses the cached plan unless `fresh`.
   */
  async plan(m: MessageRecord, fresh: boolean): Promise<FanoutPlan> {
    if (m.target.type !== 'room') return { guard: null, members: [] };
    const key = m.conversation;
    const hit = this.cache.get(key);
    if (!fresh && hit !== undefined && this.now() - hit.at < CACHE_MS) return hit.plan;
    // Head first, then members: a join committing in between bumps `mv` and cancels the write.
    const head = await readHeadItem(this.doc, this.TableName, key);
    const members = isFanout(head)
      ? (
          await queryAll(this.doc, {
            TableName: this.TableName,
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
            ExpressionAttributeValues: {
              ':pk': roomKeys.partitions.room(m.target.room_id),
              ':prefix': roomKeys.prefixes.member,
            },
            ProjectionExpression: 'SK',
            ConsistentRead: true,
          })
        ).map((i) => String(i.SK).slice(roomKeys.prefixes.member.length))
      : [];
    const plan: FanoutPlan = { guard: membershipGuard(head), members };
    this.cache.delete(key);
    this.cache.set(key, { plan, at: this.now() });
    if (this.cache.size > CACHE_MAX) this.cache.delete(this.cache.keys().next().value as string);
    return plan;
  }

  /** Drops a room's cached plan (after a stale write). */
  forget(conversation: string): void {
    this.cache.delete(conversation);
  }

  /** The copy updates of a new message for `plan`'s members. */
  sendCopies(plan: FanoutPlan, m: MessageRecord): TransactItem[] {
    if (m.target.type !== 'room') return [];
    const roomId = m.target.room_id;
    return plan.members.map((u) => copySend(this.TableName, roomKeys.keys.membership(roomId, u), u, m));
  }

  /** The copy updates of a tombstone for `plan`'s members. */
  tombstoneCopies(plan: FanoutPlan, m: MessageRecord): TransactItem[] {
    if (m.target.type !== 'room') return [];
    const roomId = m.target.room_id;
    const entry = `${m.seq}|${m.author}`;
    return plan.members.map((u) => copyTombstone(this.TableName, roomKeys.keys.membership(roomId, u), entry));
  }

  /**
   * Runs `write(plan)` until it commits: a {@link StaleFanoutError} re-reads the plan (bounded).
   * @throws DomainError `database_error` when joins kept racing for {@link FANOUT_ATTEMPTS} rounds
   */
  async run<T>(m: MessageRecord, write: (plan: FanoutPlan) => Promise<T>): Promise<T> {
    for (let attempt = 1; attempt <= FANOUT_ATTEMPTS; attempt++) {
      const plan = await this.plan(m, attempt > 1);
      try {
        return await write(plan);
      } catch (e) {
        if (!(e instanceof StaleFanoutError)) throw e;
        this.forget(m.conversation);
        await backoff(attempt);
      }
    }
    throw new DomainError('database_error', 'Database error: room membership kept changing');
  }
}

/** True when a cancellation index falls on the head (`headIndex`) or the copies (from `copiesFrom`, `count` of them). */
export function fanoutFailed(
  failed: (i: number) => boolean,
  headIndex: number,
  copiesFrom: number,
  count: number,
): boolean {
  if (failed(headIndex)) return true;
  for (let i = copiesFrom; i < copiesFrom + count; i++) if (failed(i)) return true;
  return false;
}
