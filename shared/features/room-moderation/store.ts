// RoomModerationRepository over DynamoDB: mute, room-ban and slow-mode-slot items in the room partition, slow mode on the room META, a per-process room-state cache (docs/protocol/extensions.md §9).
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../../kernel/errors.js';
import type { Clock } from '../../kernel/ports.js';
import { parseTimestamp } from '../../kernel/time.js';
import type { Uuid } from '../../kernel/types.js';
import { auditPut, type AuditEntry } from '../audit/index.js';
import { roomKeys } from '../rooms/index.js';
import { isLive, ttlEpochSeconds, type Item } from '../../storage/items.js';
import type { Key } from '../../storage/keys.js';
import { batchGet, queryAll } from '../../storage/operations.js';
import { ATTR } from '../../storage/table.js';
import { isConditionalCheckFailed, StaleReadError, transactWrite } from '../../storage/transactions.js';
import {
  ROOM_STATE_CACHE_MS,
  type RoomBan,
  type RoomModerationRepository,
  type RoomModerationState,
  type RoomMute,
} from './model.js';

/** Keys: everything lives in the room partition, so deleting a room clears it (rooms/room-store.ts). */
export const keys = {
  mute: (roomId: Uuid, userId: Uuid): Key => ({ PK: `ROOM#${roomId}`, SK: `MUTE#${userId}` }),
  roomBan: roomKeys.keys.roomBan,
  sendSlot: (roomId: Uuid, userId: Uuid): Key => ({ PK: `ROOM#${roomId}`, SK: `SLOW#${userId}` }),
} as const;

/** Sort-key prefixes queried with `begins_with`. */
const PREFIX = { mute: 'MUTE#', roomBan: 'RBAN#' } as const;

/** No partition of its own (the room's). */
export const partitions = {} as const;

/** `entity` tags. */
export const ENTITY = { mute: 'room_mute', roomBan: 'room_ban', sendSlot: 'slow_mode_slot' } as const;

const expiry = (at: string | null): Item =>
  at === null ? {} : { [ATTR.ttl]: ttlEpochSeconds(parseTimestamp(at)) };

const muteFromItem = (i: Item): RoomMute => ({
  room_id: i.room_id as string,
  user_id: i.user_id as string,
  reason: (i.reason as string | undefined) ?? '',
  muted_by: i.muted_by as string,
  created_at: i.created_at as string,
  expires_at: (i.expires_at as string | null | undefined) ?? null,
});

const banFromItem = (i: Item): RoomBan => ({
  room_id: i.room_id as string,
  user_id: i.user_id as string,
  reason: (i.reason as string | undefined) ?? '',
  banned_by: i.banned_by as string,
  created_at: i.created_at as string,
  expires_at: (i.expires_at as string | null | undefined) ?? null,
});

/** {@link RoomModerationRepository} over the single table. One instance per composition root (its cache is per process). */
export class DynamoRoomModerationRepository implements RoomModerationRepository {
  private readonly cache = new Map<Uuid, { at: number; state: Promise<RoomModerationState> }>();

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  roomState(roomId: Uuid): Promise<RoomModerationState> {
    const now = this.clock.now();
    const hit = this.cache.get(roomId);
    if (hit !== undefined && now - hit.at < ROOM_STATE_CACHE_MS) return hit.state;
    const state = this.readState(roomId);
    this.cache.set(roomId, { at: now, state });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value as Uuid);
    state.catch(() => this.cache.delete(roomId)); // a failed read is not cached
    return state;
  }

  private async readState(roomId: Uuid): Promise<RoomModerationState> {
    const [meta, mutes] = await Promise.all([
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: roomKeys.keys.room(roomId),
          ProjectionExpression: 'slow_mode_seconds',
          ConsistentRead: true,
        }),
      ),
      this.queryPrefix(roomId, PREFIX.mute),
    ]);
    const slow: unknown = meta.Item?.slow_mode_seconds;
    return {
      slowModeSeconds: typeof slow === 'number' ? slow : 0,
      mutes: new Map(
        mutes.map((i) => {
          const m = muteFromItem(i);
          return [m.user_id, m.expires_at === null ? null : parseTimestamp(m.expires_at)];
        }),
      ),
    };
  }

  private async queryPrefix(roomId: Uuid, prefix: string): Promise<Item[]> {
    const now = this.clock.now();
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': `ROOM#${roomId}`, ':sk': prefix },
      ConsistentRead: true,
    });
    return items.filter((i) => isLive(i, now));
  }

  async putMute(mute: RoomMute, audit: AuditEntry): Promise<void> {
    const TableName = this.tableName;
    await transactWrite(
      this.doc,
      [
        {
          ConditionCheck: {
            TableName,
            Key: roomKeys.keys.membership(mute.room_id, mute.user_id),
            ConditionExpression: 'attribute_exists(PK)',
          },
        },
        {
          Put: {
            TableName,
            Item: {
              ...keys.mute(mute.room_id, mute.user_id),
              entity: ENTITY.mute,
              ...mute,
              ...expiry(mute.expires_at),
            },
          },
        },
        auditPut(TableName, audit),
      ],
      () => new DomainError('not_room_member'),
    );
    this.cache.delete(mute.room_id);
  }

  async deleteMute(roomId: Uuid, userId: Uuid, audit: AuditEntry): Promise<boolean> {
    const done = await this.deleteWithAudit(keys.mute(roomId, userId), audit);
    this.cache.delete(roomId);
    return done;
  }

  async putRoomBan(ban: RoomBan, audit: AuditEntry): Promise<void> {
    const TableName = this.tableName;
    await transactWrite(
      this.doc,
      [
        {
          ConditionCheck: {
            TableName,
            Key: roomKeys.keys.room(ban.room_id),
            ConditionExpression: 'attribute_exists(PK)',
          },
        },
        {
          Put: {
            TableName,
            Item: {
              ...keys.roomBan(ban.room_id, ban.user_id),
              entity: ENTITY.roomBan,
              ...ban,
              ...expiry(ban.expires_at),
            },
          },
        },
        auditPut(TableName, audit),
      ],
      () => new DomainError('room_not_found'),
    );
  }

  deleteRoomBan(roomId: Uuid, userId: Uuid, audit: AuditEntry): Promise<boolean> {
    return this.deleteWithAudit(keys.roomBan(roomId, userId), audit);
  }

  async getRoomBan(roomId: Uuid, userId: Uuid): Promise<RoomBan | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.roomBan(roomId, userId), ConsistentRead: true }),
    );
    return out.Item !== undefined && isLive(out.Item, this.clock.now()) ? banFromItem(out.Item) : null;
  }

  async roomBannedAmong(roomId: Uuid, userIds: Uuid[]): Promise<Set<Uuid>> {
    if (userIds.length === 0) return new Set();
    const now = this.clock.now();
    const items = await batchGet(
      this.doc,
      this.tableName,
      userIds.map((u) => keys.roomBan(roomId, u)),
    );
    return new Set(
      items.filter((i) => i.entity === ENTITY.roomBan && isLive(i, now)).map((i) => i.user_id as Uuid),
    );
  }

  async listRoomBans(roomId: Uuid): Promise<RoomBan[]> {
    return (await this.queryPrefix(roomId, PREFIX.roomBan)).map(banFromItem);
  }

  async setSlowMode(roomId: Uuid, seconds: number, audit: AuditEntry): Promise<void> {
    const TableName = this.tableName;
    await transactWrite(
      this.doc,
      [
        {
          Update: {
            TableName,
            Key: roomKeys.keys.room(roomId),
            UpdateExpression: 'SET slow_mode_seconds = :s ADD version :one',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeValues: { ':s': seconds, ':one': 1 },
          },
        },
        auditPut(TableName, audit),
      ],
      () => new DomainError('room_not_found'),
    );
    this.cache.delete(roomId);
  }

  async claimSendSlot(roomId: Uuid, userId: Uuid, nowMs: number, intervalMs: number): Promise<number> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.sendSlot(roomId, userId),
            entity: ENTITY.sendSlot,
            last_send_ms: nowMs,
            [ATTR.ttl]: ttlEpochSeconds(nowMs + intervalMs),
          },
          ConditionExpression: 'attribute_not_exists(PK) OR last_send_ms <= :cutoff',
          ExpressionAttributeValues: { ':cutoff': nowMs - intervalMs },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 0;
    } catch (e) {
      if (!isConditionalCheckFailed(e)) throw e;
      // The refused item comes back raw ({N: "…"}) or unmarshalled, depending on the client layer.
      const raw = (e as { Item?: Record<string, unknown> }).Item?.last_send_ms;
      const n = typeof raw === 'object' && raw !== null ? (raw as { N?: string }).N : raw;
      const last = n === undefined || !Number.isFinite(Number(n)) ? nowMs : Number(n);
      return Math.max(1, last + intervalMs - nowMs);
    }
  }

  private async deleteWithAudit(key: Key, audit: AuditEntry): Promise<boolean> {
    const TableName = this.tableName;
    try {
      await transactWrite(
        this.doc,
        [
          { Delete: { TableName, Key: key, ConditionExpression: 'attribute_exists(PK)' } },
          auditPut(TableName, audit),
        ],
        () => new StaleReadError(),
      );
      return true;
    } catch (e) {
      if (e instanceof StaleReadError) return false;
      throw e;
    }
  }
}
