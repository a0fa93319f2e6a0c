// MembershipRepository over DynamoDB: member items kept in step with the room's counters by transactions.
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Uuid } from '../../kernel/types.js';
import type { ActorGuard, Departure, MembershipRepository, RoomMembership, RoomRole } from './model.js';
import { ConflictError, DomainError } from '../../kernel/errors.js';
import { parseTimestamp } from '../../kernel/time.js';
import type { Item } from '../../storage/items.js';
import { ENTITY, indexKeys, keys, partitions, prefixes } from './keys.js';
import { queryAll } from '../../storage/operations.js';
import { DEFAULT_FANOUT_MAX_MEMBERS, type JoinPlan } from '../../storage/head-copies.js';
import { joinWithPlan, planFailed } from './membership-fanout.js';
import { ATTR, GSI1 } from '../../storage/table.js';
import {
  StaleReadError,
  transactWrite,
  type Cancellation,
  type TransactItem,
} from '../../storage/transactions.js';

/** The stored membership item: `ROOM#<id>` / `MEMBER#<userId>`, GSI1 `USER#<userId>` / `ROOM#<id>`. */
export function membershipItem(m: RoomMembership): Item {
  return {
    ...keys.membership(m.room_id, m.user_id),
    ...indexKeys.membershipByUser(m.user_id, m.room_id),
    entity: ENTITY.membership,
    room_id: m.room_id,
    user_id: m.user_id,
    role: m.role,
    joined_at: m.joined_at,
  };
}

/** Maps a membership item back to a {@link RoomMembership}. */
export function membershipFromItem(item: Item): RoomMembership {
  return {
    room_id: item.room_id as string,
    user_id: item.user_id as string,
    role: item.role as RoomRole,
    joined_at: item.joined_at as string,
  };
}

const RETRIES = 3;

/** {@link MembershipRepository} over the single table (rules: port TSDoc, docs/design.md §3 invariants). */
/**
 * The ConditionCheck every join adds to its transaction (here, invitation accept, invite links):
 * no live room ban on (room, user) (docs/protocol/extensions.md §9); an expired ban (TTL is lazy)
 * does not refuse. Map its failure to DomainError `room_banned`.
 */
export function roomBanCheck(tableName: string, membership: RoomMembership): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName,
      Key: keys.roomBan(membership.room_id, membership.user_id),
      ConditionExpression: 'attribute_not_exists(PK) OR #ttl <= :nowSec',
      ExpressionAttributeNames: { '#ttl': ATTR.ttl },
      ExpressionAttributeValues: { ':nowSec': Math.floor(parseTimestamp(membership.joined_at) / 1000) },
    },
  };
}

export class DynamoMembershipRepository implements MembershipRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** `LAIR_UNREAD_FANOUT_MAX_MEMBERS` (docs/adr/028). */
    private readonly fanoutMax: number = DEFAULT_FANOUT_MAX_MEMBERS,
  ) {}

  async get(roomId: Uuid, userId: Uuid): Promise<RoomMembership | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.membership(roomId, userId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? membershipFromItem(out.Item) : null;
  }

  /**
   * One transaction: put the membership (`attribute_not_exists`), `ADD member_count 1` (and
   * `owner_count` for an owner) on META conditioned on META existing and
   * `member_count < settings.max_members` unless that is null, and optionally set the invitation
   * `accepted` conditioned on its id, `status = pending` and `expiresAt` (epoch s) later than
   * `respondedAt` (second precision).
   * @throws DomainError `room_not_found`; ConflictError `already_member` / `room_full` /
   *   `invitation_expired` (in that order of precedence)
   */
  async add(
    membership: RoomMembership,
    opts?: { acceptInvitation?: { invitationId: Uuid; respondedAt: string } },
  ): Promise<void> {
    // The joiner's copy of the head (fan-out rooms, docs/adr/028), conditioned on the head read.
    await joinWithPlan(this.doc, this.tableName, membership, this.fanoutMax, (plan) =>
      this.addOnce(membership, plan, opts),
    );
  }

  private async addOnce(
    membership: RoomMembership,
    plan: JoinPlan,
    opts?: { acceptInvitation?: { invitationId: Uuid; respondedAt: string } },
  ): Promise<void> {
    const TableName = this.tableName;
    const items: TransactItem[] = [
      {
        Put: {
          TableName,
          Item: { ...membershipItem(membership), ...plan.attrs },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      {
        Update: {
          TableName,
          Key: keys.room(membership.room_id),
          UpdateExpression:
            membership.role === 'owner' ? 'ADD member_count :one, owner_count :one' : 'ADD member_count :one',
          ConditionExpression:
            'attribute_exists(PK) AND (attribute_not_exists(#s.#max) OR attribute_type(#s.#max, :null) OR member_count < #s.#max)',
          ExpressionAttributeNames: { '#s': 'settings', '#max': 'max_members' },
          ExpressionAttributeValues: { ':one': 1, ':null': 'NULL' },
        },
      },
      roomBanCheck(TableName, membership),
    ];
    const accept = opts?.acceptInvitation;
    if (accept) {
      items.push({
        Update: {
          TableName,
          Key: keys.invitation(membership.room_id, membership.user_id),
          UpdateExpression: 'SET #status = :accepted, responded_at = :at',
          ConditionExpression: 'id = :id AND #status = :pending AND #ttl > :nowSec',
          ExpressionAttributeNames: { '#status': 'status', '#ttl': ATTR.ttl },
          ExpressionAttributeValues: {
            ':accepted': 'accepted',
            ':pending': 'pending',
            ':at': accept.respondedAt,
            ':id': accept.invitationId,
            ':nowSec': Math.floor(parseTimestamp(accept.respondedAt) / 1000),
          },
        },
      });
    }
    const planFrom = items.length;
    items.push(...plan.items);
    await transactWrite(this.doc, items, async (c) => {
      if (c.failed(1) && !(await this.roomExists(membership.room_id)))
        return new DomainError('room_not_found');
      if (c.failed(0)) return new ConflictError('already_member');
      if (c.failed(1)) return new ConflictError('room_full');
      if (c.failed(2)) return new DomainError('room_banned');
      if (planFailed(c, planFrom)) return new StaleReadError();
      return new ConflictError('invitation_expired');
    });
  }

  /**
   * Deletes the membership (conditioned on its role being the one read) and decrements the
   * counters; an owner's removal is conditioned on `owner_count > 1`. Re-reads and retries when the
   * membership changed concurrently.
   * @throws ConflictError `last_owner`; DomainError `not_room_member` / `room_not_found`
   */
  async remove(roomId: Uuid, userId: Uuid, actor?: ActorGuard, departure?: Departure): Promise<void> {
    for (let attempt = 1; attempt <= RETRIES; attempt++) {
      const current = await this.get(roomId, userId);
      if (!current) throw new DomainError('not_room_member');
      const owner = current.role === 'owner';
      const TableName = this.tableName;
      const guard = this.actorCheck(roomId, userId, current.role, actor);
      try {
        await transactWrite(
          this.doc,
          [
            {
              Delete: {
                TableName,
                Key: keys.membership(roomId, userId),
                ConditionExpression: 'attribute_exists(PK) AND #role = :role',
                ExpressionAttributeNames: { '#role': 'role' },
                ExpressionAttributeValues: { ':role': current.role },
              },
            },
            this.counterUpdate(
              roomId,
              owner ? 'ADD member_count :minus, owner_count :minus' : 'ADD member_count :minus',
              owner,
            ),
            ...guard,
            // Last: the failure indexes above stay as they are. Unconditional (overwrites an older departure).
            ...(departure === undefined
              ? []
              : [
                  {
                    Put: {
                      TableName,
                      Item: {
                        ...keys.departure(userId, roomId),
                        entity: ENTITY.departure,
                        room_id: roomId,
                        change: departure.change,
                        at: departure.at,
                      },
                    },
                  },
                ]),
          ],
          (c) =>
            guard.length > 0 && c.failed(2) ? actorRefused() : this.mapCounterFailure(c, roomId, owner),
        );
        return;
      } catch (e) {
        if (!(e instanceof StaleReadError)) throw e;
      }
    }
    throw new DomainError('database_error', 'Database error: membership kept changing');
  }

  /**
   * Sets the role (conditioned on the role read) and adjusts `owner_count`; demoting an owner is
   * conditioned on `owner_count > 1`. Setting the current role writes nothing.
   * @throws ConflictError `last_owner`; DomainError `not_room_member` / `room_not_found`
   */
  async setRole(
    roomId: Uuid,
    userId: Uuid,
    role: RoomRole,
    actor?: ActorGuard,
  ): Promise<{ before: RoomMembership; after: RoomMembership }> {
    for (let attempt = 1; attempt <= RETRIES; attempt++) {
      const before = await this.get(roomId, userId);
      if (!before) throw new DomainError('not_room_member');
      const after: RoomMembership = { ...before, role };
      const guard = this.actorCheck(roomId, userId, before.role, actor);
      if (before.role === role) return { before, after };
      const delta = (role === 'owner' ? 1 : 0) - (before.role === 'owner' ? 1 : 0);
      const TableName = this.tableName;
      const items: TransactItem[] = [
        {
          Update: {
            TableName,
            Key: keys.membership(roomId, userId),
            UpdateExpression: 'SET #role = :new',
            ConditionExpression: 'attribute_exists(PK) AND #role = :old',
            ExpressionAttributeNames: { '#role': 'role' },
            ExpressionAttributeValues: { ':new': role, ':old': before.role },
          },
        },
      ];
      if (delta !== 0)
        items.push(
          this.counterUpdate(
            roomId,
            delta < 0 ? 'ADD owner_count :minus' : 'ADD owner_count :one',
            delta < 0,
          ),
        );
      const guardIndex = items.length;
      items.push(...guard);
      try {
        await transactWrite(this.doc, items, (c) =>
          guard.length > 0 && c.failed(guardIndex)
            ? actorRefused()
            : this.mapCounterFailure(c, roomId, delta < 0),
        );
        return { before, after };
      } catch (e) {
        if (!(e instanceof StaleReadError)) throw e;
      }
    }
    throw new DomainError('database_error', 'Database error: membership kept changing');
  }

  /** Strongly consistent Query of `ROOM#<id>` / `MEMBER#…`, sorted by `joined_at` ascending (docs/protocol/domain.md §9). */
  async listByRoom(roomId: Uuid): Promise<RoomMembership[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': partitions.room(roomId), ':prefix': prefixes.member },
      ConsistentRead: true,
    });
    return items
      .map(membershipFromItem)
      .sort(
        (a, b) =>
          parseTimestamp(a.joined_at) - parseTimestamp(b.joined_at) || a.user_id.localeCompare(b.user_id),
      );
  }

  /** GSI1 `USER#<id>` / `ROOM#…` (eventually consistent), any order. */
  async departures(userId: Uuid, sinceIso: string | null): Promise<(Departure & { room_id: Uuid })[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ...(sinceIso === null ? {} : { FilterExpression: '#at >= :since' }),
      ExpressionAttributeNames: sinceIso === null ? undefined : { '#at': 'at' },
      ExpressionAttributeValues: {
        ':pk': partitions.departures(userId),
        ...(sinceIso === null ? {} : { ':since': sinceIso }),
      },
    });
    return items.map((i) => ({
      room_id: i.room_id as Uuid,
      change: i.change as Departure['change'],
      at: i.at as string,
    }));
  }

  async listByUser(userId: Uuid): Promise<RoomMembership[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: GSI1,
      KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :prefix)',
      ExpressionAttributeValues: { ':pk': partitions.userIndex(userId), ':prefix': prefixes.room },
    });
    return items.map(membershipFromItem);
  }

  /** META counter update; `guardOwners` adds the `owner_count > 1` condition (last-owner rule). */
  /**
   * The ConditionCheck re-checking `actor` in the transaction (none without an actor, or when the
   * actor is the target: the target's own item is already conditioned on the role read).
   * @throws DomainError `permission_denied` when no actor role may act on `targetRole`
   */
  private actorCheck(roomId: Uuid, targetId: Uuid, targetRole: RoomRole, actor?: ActorGuard): TransactItem[] {
    if (actor === undefined || actor.userId === targetId) return [];
    const roles = actor.rolesFor(targetRole);
    if (roles.length === 0) throw new DomainError('permission_denied');
    const names = roles.map((_, i) => `:r${i}`);
    return [
      {
        ConditionCheck: {
          TableName: this.tableName,
          Key: keys.membership(roomId, actor.userId),
          ConditionExpression: `attribute_exists(PK) AND #role IN (${names.join(', ')})`,
          ExpressionAttributeNames: { '#role': 'role' },
          ExpressionAttributeValues: Object.fromEntries(roles.map((r, i) => [`:r${i}`, r])),
        },
      },
    ];
  }

  private counterUpdate(roomId: Uuid, expression: string, guardOwners: boolean): TransactItem {
    const condition = guardOwners ? 'attribute_exists(PK) AND owner_count > :one' : 'attribute_exists(PK)';
    const used = `${expression} ${condition}`;
    // DynamoDB rejects unused expression values, so only pass the ones referenced.
    const values = Object.fromEntries(
      Object.entries({ ':one': 1, ':minus': -1 }).filter(([k]) => used.includes(k)),
    );
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.room(roomId),
        UpdateExpression: expression,
        ConditionExpression: condition,
        ExpressionAttributeValues: values,
      },
    };
  }

  private async mapCounterFailure(c: Cancellation, roomId: Uuid, guardOwners: boolean): Promise<Error> {
    if (c.failed(1)) {
      if (!(await this.roomExists(roomId))) return new DomainError('room_not_found');
      if (guardOwners) return new ConflictError('last_owner');
    }
    return new StaleReadError();
  }

  private async roomExists(roomId: Uuid): Promise<boolean> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.room(roomId),
        ConsistentRead: true,
        ProjectionExpression: 'PK',
      }),
    );
    return out.Item !== undefined;
  }
}

/** The actor's role changed (or it left) between the permission check and the write. */
function actorRefused(): Error {
  return new DomainError('permission_denied');
}
