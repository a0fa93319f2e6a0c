// Invite links (`INVLINK#<code>`, exact use counting by conditional update) and room invitation templates (`ROOM#<id>` / `INVTPL#<id>`) over DynamoDB.
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, DomainError } from '../../kernel/errors.js';
import { parseTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import { ttlEpochSeconds, type Item } from '../../storage/items.js';
import { queryAll } from '../../storage/operations.js';
import { ATTR, GSI1 } from '../../storage/table.js';
import { isConditionalCheckFailed, StaleReadError, transactWrite } from '../../storage/transactions.js';
import { DEFAULT_FANOUT_MAX_MEMBERS } from '../../storage/head-copies.js';
import { joinWithPlan, planFailed, roomKeys, type RoomMembership } from '../rooms/index.js';
import type { InvitationRole, InvitationTemplate, InviteLink } from './model.js';
import { joinItems } from './store.js';

/** Keys of links and templates. */
export const linkKeys = {
  link: (code: string) => ({ PK: `INVLINK#${code}`, SK: 'INVLINK' }),
  template: (roomId: Uuid, id: Uuid) => ({ PK: `ROOM#${roomId}`, SK: `INVTPL#${id}` }),
} as const;

/** `entity` tags. */
export const LINK_ENTITY = { inviteLink: 'invite_link', invitationTemplate: 'invitation_template' } as const;

/** The link item; GSI1 `INVLINKS#<room>` / `<created_at>#<code>` lists a room's links; TTL a day after expiry. */
function linkItem(link: InviteLink): Item {
  return {
    ...linkKeys.link(link.code),
    GSI1PK: `INVLINKS#${link.room_id}`,
    GSI1SK: `${link.created_at}#${link.code}`,
    entity: LINK_ENTITY.inviteLink,
    ...link,
    expires_ms: link.expires_at === null ? null : parseTimestamp(link.expires_at),
    ...(link.expires_at !== null
      ? { [ATTR.ttl]: ttlEpochSeconds(parseTimestamp(link.expires_at) + 24 * 3600 * 1000) }
      : {}),
  };
}

function linkFromItem(item: Item): InviteLink {
  return {
    code: item.code as string,
    room_id: item.room_id as Uuid,
    created_by: item.created_by as Uuid,
    role: item.role as InvitationRole,
    max_uses: (item.max_uses as number | null | undefined) ?? null,
    uses: (item.uses as number | undefined) ?? 0,
    created_at: item.created_at as string,
    expires_at: (item.expires_at as string | null | undefined) ?? null,
    revoked: item.revoked === true,
  };
}

function templateFromItem(item: Item): InvitationTemplate {
  return {
    id: item.id as Uuid,
    room_id: item.room_id as Uuid,
    name: item.name as string,
    message: (item.message as string | null | undefined) ?? null,
    role: item.role as InvitationRole,
    ttl_hours: item.ttl_hours as number,
    created_by: item.created_by as Uuid,
    created_at: item.created_at as string,
  };
}

/** Links and templates (docs/protocol/extensions.md §6.2). */
export class DynamoInviteLinkRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** `LAIR_UNREAD_FANOUT_MAX_MEMBERS` (docs/adr/028). */
    private readonly fanoutMax: number = DEFAULT_FANOUT_MAX_MEMBERS,
  ) {}

  /** Puts a new link (`attribute_not_exists`: codes are random, a clash is a bug). */
  async createLink(link: InviteLink): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: linkItem(link),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  /** Strongly consistent read; `null` when absent. */
  async getLink(code: string): Promise<InviteLink | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: linkKeys.link(code), ConsistentRead: true }),
    );
    return out.Item?.entity === LINK_ENTITY.inviteLink ? linkFromItem(out.Item) : null;
  }

  /** A room's links, newest first (revoked ones included). */
  async listLinks(roomId: Uuid): Promise<InviteLink[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: GSI1,
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': `INVLINKS#${roomId}` },
      ScanIndexForward: false,
    });
    return items.map(linkFromItem);
  }

  /** `SET revoked = true` on the room's link. @throws DomainError `invite_link_invalid` when not this room's */
  async revokeLink(roomId: Uuid, code: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: linkKeys.link(code),
          UpdateExpression: 'SET revoked = :t',
          ConditionExpression: 'room_id = :room',
          ExpressionAttributeValues: { ':t': true, ':room': roomId },
        }),
      );
    } catch (e) {
      if (isConditionalCheckFailed(e)) throw new DomainError('invite_link_invalid');
      throw e;
    }
  }

  /**
   * Joins through a link, one transaction: the link's `ADD uses 1` conditioned on not revoked, not
   * expired (`expires_ms > now`) and `uses < max_uses` (unless unlimited), the membership Put and
   * the room's capacity-checked counter. Exactly `max_uses` concurrent joins succeed: each
   * transaction re-evaluates `uses` (docs/protocol/extensions.md §6.2).
   * @throws DomainError `invite_link_invalid` / `room_not_found`; ConflictError `already_member` / `room_full`
   */
  async joinByLink(link: InviteLink, membership: RoomMembership, nowMs: number): Promise<void> {
    await joinWithPlan(this.doc, this.tableName, membership, this.fanoutMax, (plan) =>
      transactWrite(
        this.doc,
        [
          {
            Update: {
              TableName: this.tableName,
              Key: linkKeys.link(link.code),
              UpdateExpression: 'ADD uses :one',
              ConditionExpression:
                'attribute_exists(PK) AND revoked = :f AND (attribute_type(max_uses, :null) OR uses < max_uses) AND (attribute_type(expires_at, :null) OR expires_ms > :now)',
              ExpressionAttributeValues: { ':one': 1, ':f': false, ':null': 'NULL', ':now': nowMs },
            },
          },
          ...joinItems(this.tableName, membership, plan),
          ...plan.items,
        ],
        async (c) => {
          if (c.failed(0)) return new DomainError('invite_link_invalid');
          if (c.failed(2)) {
            const room = await this.doc.send(
              new GetCommand({ TableName: this.tableName, Key: roomKeys.keys.room(membership.room_id) }),
            );
            if (room.Item === undefined) return new DomainError('room_not_found');
          }
          if (c.failed(1)) return new ConflictError('already_member');
          if (c.failed(3)) return new DomainError('room_banned');
          if (planFailed(c, 4)) return new StaleReadError();
          return new ConflictError('room_full');
        },
      ),
    );
  }

  /** Puts a template in the room partition (deleted with the room). */
  async putTemplate(t: InvitationTemplate): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...linkKeys.template(t.room_id, t.id), entity: LINK_ENTITY.invitationTemplate, ...t },
      }),
    );
  }

  /** Strongly consistent read; `null` when absent. */
  async getTemplate(roomId: Uuid, id: Uuid): Promise<InvitationTemplate | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: linkKeys.template(roomId, id), ConsistentRead: true }),
    );
    return out.Item ? templateFromItem(out.Item) : null;
  }

  /** The room's templates, oldest first. */
  async listTemplates(roomId: Uuid): Promise<InvitationTemplate[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: { ':pk': roomKeys.partitions.room(roomId), ':p': 'INVTPL#' },
      ConsistentRead: true,
    });
    return items.map(templateFromItem).sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  /** Deletes a template. @throws DomainError `not_found` when absent */
  async deleteTemplate(roomId: Uuid, id: Uuid): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: linkKeys.template(roomId, id),
          ConditionExpression: 'attribute_exists(PK)',
        }),
      );
    } catch (e) {
      if (isConditionalCheckFailed(e)) throw new DomainError('not_found');
      throw e;
    }
  }
}
