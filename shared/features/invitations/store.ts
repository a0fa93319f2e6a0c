// InvitationRepository over DynamoDB: `ROOM#<id>` / `INVITE#<invitee>` items, GSI1 by invitee, GSI2 by id, TTL.
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import type { Uuid } from '../../kernel/types.js';
import type { Invitation, InvitationRepository, InvitationStatus } from './model.js';
import { ConflictError, DomainError } from '../../kernel/errors.js';
import { parseTimestamp } from '../../kernel/time.js';
import type { Clock } from '../../kernel/ports.js';
import { liveFilter, ttlEpochSeconds, type Item } from '../../storage/items.js';
import { roomKeys } from '../rooms/index.js';
import { queryAll } from '../../storage/operations.js';
import { ATTR, GSI1, GSI2 } from '../../storage/table.js';
import { isConditionalCheckFailed, transactWrite } from '../../storage/transactions.js';

/** Keys used by the invitations store: the invitation item lives in its room's partition (rooms/keys.ts). */
const keys = roomKeys.keys;

/** Secondary-index keys: GSI1 an invitee's invitations newest first by ULID; GSI2 an invitation by id. */
export const indexKeys = {
  invitationByInvitee: (inviteeId: Uuid, seq: string) => ({
    GSI1PK: `USER#${inviteeId}`,
    GSI1SK: `INVITE#${seq}`,
  }),
  invitationById: (id: Uuid) => ({ GSI2PK: `INVITE#${id}`, GSI2SK: 'INVITE' }),
} as const;

/** Partition values used in queries. */
export const partitions = {
  invitationById: (id: Uuid) => `INVITE#${id}`,
  userIndex: roomKeys.partitions.userIndex,
} as const;

/** Sort-key prefixes used with `begins_with`. */
const prefixes = { invite: roomKeys.prefixes.invite } as const;

/** `entity` tags of the invitations feature's items. */
export const ENTITY = { invitation: 'invitation' } as const;

/**
 * The stored invitation item. `seq` is a ULID whose time part is `created_at` (GSI1 sorts the
 * invitee's list newest first by it); `expiresAt` (TTL) = `expires_at` in epoch **seconds**, rounded up.
 */
export function invitationItem(inv: Invitation, seq: string): Item {
  return {
    ...keys.invitation(inv.room_id, inv.invitee_id),
    ...indexKeys.invitationByInvitee(inv.invitee_id, seq),
    ...indexKeys.invitationById(inv.id),
    entity: ENTITY.invitation,
    id: inv.id,
    room_id: inv.room_id,
    room_name: inv.room_name,
    inviter_id: inv.inviter_id,
    inviter_name: inv.inviter_name,
    invitee_id: inv.invitee_id,
    invitee_name: inv.invitee_name,
    status: inv.status,
    message: inv.message,
    created_at: inv.created_at,
    expires_at: inv.expires_at,
    responded_at: inv.responded_at,
    seq,
    [ATTR.ttl]: ttlEpochSeconds(parseTimestamp(inv.expires_at)),
  };
}

/** Maps an invitation item back to an {@link Invitation} (status as stored). */
export function invitationFromItem(item: Item): Invitation {
  return {
    id: item.id as string,
    room_id: item.room_id as string,
    room_name: item.room_name as string,
    inviter_id: item.inviter_id as string,
    inviter_name: item.inviter_name as string,
    invitee_id: item.invitee_id as string,
    invitee_name: item.invitee_name as string,
    status: item.status as InvitationStatus,
    message: (item.message as string | null | undefined) ?? null,
    created_at: item.created_at as string,
    expires_at: item.expires_at as string,
    responded_at: (item.responded_at as string | null | undefined) ?? null,
  };
}

/**
 * {@link InvitationRepository} over the single table. One item per (room, invitee): a new
 * invitation replaces a declined/accepted/expired one. `getById`/`getPending` return expired
 * pending invitations as stored (the service answers `invitation_expired`, docs/protocol/domain.md §8.2); lists
 * hide them.
 */
export class DynamoInvitationRepository implements InvitationRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  /**
   * One transaction (docs/design.md §3 "invite only if not a member and no live pending invite"):
   * ConditionCheck room META exists, ConditionCheck no membership of the invitee, and a Put allowed
   * when no invitation item exists, the existing one is not `pending`, or its `expiresAt` <= now
   * (epoch s, from the injected clock).
   * @throws DomainError `room_not_found`; ConflictError `already_member` / `already_invited`
   *   (in that order of precedence)
   */
  async create(invitation: Invitation): Promise<void> {
    const createdMs = parseTimestamp(invitation.created_at);
    const seq = ulid(Number.isFinite(createdMs) ? createdMs : this.clock.now());
    const TableName = this.tableName;
    await transactWrite(
      this.doc,
      [
        {
          ConditionCheck: {
            TableName,
            Key: keys.room(invitation.room_id),
            ConditionExpression: 'attribute_exists(PK)',
          },
        },
        {
          ConditionCheck: {
            TableName,
            Key: keys.membership(invitation.room_id, invitation.invitee_id),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        {
          Put: {
            TableName,
            Item: invitationItem(invitation, seq),
            ConditionExpression: 'attribute_not_exists(PK) OR #status <> :pending OR #ttl <= :nowSec',
            ExpressionAttributeNames: { '#status': 'status', '#ttl': ATTR.ttl },
            ExpressionAttributeValues: {
              ':pending': 'pending',
              ':nowSec': Math.floor(this.clock.now() / 1000),
            },
          },
        },
      ],
      (c) => {
        if (c.failed(0)) return new DomainError('room_not_found');
        if (c.failed(1)) return new ConflictError('already_member');
        return new ConflictError('already_invited');
      },
    );
  }

  /** GSI2 `INVITE#<id>` for the key, then a strongly consistent GetItem (the id must still match). */
  async getById(id: Uuid): Promise<Invitation | null> {
    const [hit] = await queryAll(
      this.doc,
      {
        TableName: this.tableName,
        IndexName: GSI2,
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': partitions.invitationById(id) },
        ProjectionExpression: 'room_id, invitee_id',
      },
      { max: 1 },
    );
    if (!hit) return null;
    const item = await this.read(hit.room_id as string, hit.invitee_id as string);
    return item?.id === id ? invitationFromItem(item) : null;
  }

  /** Strongly consistent GetItem; only a `pending` invitation is returned (expired ones included). */
  async getPending(roomId: Uuid, inviteeId: Uuid): Promise<Invitation | null> {
    const item = await this.read(roomId, inviteeId);
    return item?.status === 'pending' ? invitationFromItem(item) : null;
  }

  /**
   * Sets `status` and `responded_at`, conditioned on the same invitation id still being `pending`.
   * @throws ConflictError `invitation_expired` when it is no longer pending (or was replaced)
   */
  async setStatus(
    invitation: Invitation,
    status: InvitationStatus,
    respondedAt: string,
  ): Promise<Invitation> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.invitation(invitation.room_id, invitation.invitee_id),
          UpdateExpression: 'SET #status = :status, responded_at = :at',
          ConditionExpression: 'id = :id AND #status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': status,
            ':at': respondedAt,
            ':id': invitation.id,
            ':pending': 'pending',
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return invitationFromItem(out.Attributes ?? {});
    } catch (e) {
      if (isConditionalCheckFailed(e)) throw new ConflictError('invitation_expired');
      throw e;
    }
  }

  /**
   * GSI1 `USER#<invitee>` / `INVITE#<ULID>` newest first, filtered to `status = pending` and
   * `expires_at` later than `nowMs` (epoch milliseconds; exact, not rounded to the TTL second).
   */
  async listPendingForUser(inviteeId: Uuid, nowMs: number): Promise<Invitation[]> {
    const live = liveFilter(nowMs);
    const items = await queryAll(
      this.doc,
      {
        TableName: this.tableName,
        IndexName: GSI1,
        KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :prefix)',
        FilterExpression: `#status = :pending AND ${live.expression}`,
        ExpressionAttributeNames: { '#status': 'status', ...live.names },
        ExpressionAttributeValues: {
          ':pk': partitions.userIndex(inviteeId),
          ':prefix': prefixes.invite,
          ':pending': 'pending',
          ...live.values,
        },
        ScanIndexForward: false,
      },
      { keep: (item) => parseTimestamp(item.expires_at as string) > nowMs },
    );
    return items.map(invitationFromItem);
  }

  private async read(roomId: Uuid, inviteeId: Uuid): Promise<Item | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.invitation(roomId, inviteeId),
        ConsistentRead: true,
      }),
    );
    return out.Item;
  }
}
