// InvitationRepository over DynamoDB: one `INVITATION#<id>` record per invitation plus one pending slot per (room, invitee) (docs/adr/008-invitation-records.md).
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { encodeTime, ulid } from 'ulidx';
import type { Uuid } from '../../kernel/types.js';
import { ConflictError, DomainError } from '../../kernel/errors.js';
import { parseTimestamp } from '../../kernel/time.js';
import type { Clock } from '../../kernel/ports.js';
import { ttlEpochSeconds, type Item } from '../../storage/items.js';
import {
  joinWithPlan,
  membershipItem,
  planFailed,
  roomBanCheck,
  roomKeys,
  type RoomMembership,
} from '../rooms/index.js';
import { DEFAULT_FANOUT_MAX_MEMBERS, type JoinPlan } from '../../storage/head-copies.js';
import { batchGet, queryAll, queryPages } from '../../storage/operations.js';
import { ATTR, GSI1, GSI2 } from '../../storage/table.js';
import {
  isConditionalCheckFailed,
  StaleReadError,
  transactWrite,
  type TransactItem,
} from '../../storage/transactions.js';
import { decodePageCursor, encodePageCursor } from './cursor.js';
import { invitationFromItem, invitationRecordItem, recordFromItem, searchText } from './items.js';
import {
  REMINDER_LEAD_MS,
  TTL_HOURS,
  type DueSlot,
  type Invitation,
  type InvitationListQuery,
  type InvitationPage,
  type InvitationRecord,
  type InvitationRepository,
  type Transition,
} from './model.js';

export { invitationFromItem, invitationRecordItem, recordFromItem } from './items.js';

/** Primary keys: the record by id; the pending slot lives in the room partition (rooms/keys.ts spells it). */
export const keys = {
  invitationRecord: (id: Uuid) => ({ PK: `INVITATION#${id}`, SK: 'INVITATION' }),
  invitationSlot: roomKeys.keys.invitation,
} as const;

/** Partition values used in queries. */
export const partitions = {
  invitationRecord: (id: Uuid) => `INVITATION#${id}`,
  /** GSI1: an invitee's received records (`INVITE#<ULID>`, shared with memberships' `ROOM#`). */
  userIndex: roomKeys.partitions.userIndex,
  /** GSI2: an inviter's sent records. */
  sentBy: (inviterId: Uuid) => `INVITER#${inviterId}`,
  /** GSI2: every pending slot by expiry (the reminder/expiry sweep). */
  dueSlots: 'INVITEDUE',
} as const;

/** Invitees per bulk transaction: 1 room check + 3 items each ≤ 100 items (TransactWriteItems limit). */
const BULK_CHUNK = 33;

/**
 * How a bulk of `count` invitees is split into transactions: the fewest that fit (⌈count / 33⌉,
 * each 1 room check + 3 actions per invitee ≤ 100 actions), sizes balanced so the parallel
 * transactions finish together (50 ⇒ 25 + 25, not 33 + 17). @returns index lists, in order
 */
export function bulkChunks(count: number): number[][] {
  if (count <= 0) return [];
  const n = Math.ceil(count / BULK_CHUNK);
  const size = Math.ceil(count / n);
  const out: number[][] = [];
  for (let i = 0; i < count; i += size) {
    out.push(Array.from({ length: Math.min(size, count - i) }, (_, k) => i + k));
  }
  return out;
}

/** Items read per direction by {@link DynamoInvitationRepository.listChangedForUser}. */
const CHANGED_MAX = 1000;

/**
 * The latest change of a record as seen at `nowMs` (epoch ms) and the invitation as it reads
 * then: its last history entry (or `created_at`); for a pending record, its expiry once passed
 * (status `expired`) or else its reminder time once passed (24 h before expiry).
 */
function lastChange(rec: InvitationRecord, nowMs: number): { at: number; invitation: Invitation } {
  const { history, ...invitation } = rec;
  const times = [rec.created_at, ...history.map((h) => h.at), rec.responded_at, rec.cancelled_at]
    .filter((t): t is string => typeof t === 'string')
    .map(parseTimestamp)
    .filter(Number.isFinite);
  let at = Math.max(...times);
  if (rec.status === 'pending') {
    const expiresMs = parseTimestamp(rec.expires_at);
    if (expiresMs <= nowMs)
      return { at: Math.max(at, expiresMs), invitation: { ...invitation, status: 'expired' } };
    if (expiresMs - REMINDER_LEAD_MS <= nowMs) at = Math.max(at, expiresMs - REMINDER_LEAD_MS);
  }
  return { at, invitation };
}

/** `entity` tags: the record (same tag the old single-item layout used) and the pending slot. */
export const ENTITY = { invitation: 'invitation', invitationSlot: 'invitation_slot' } as const;

/**
 * Index attributes of a slot that no query reads: GSI1 `INVITESLOT#<id>` / `SLOT`, GSI3
 * `conversation` = the same `INVITESLOT#<id>` with `updated_at` = `created_at` (so GSI4 files it
 * under `entity = invitation_slot`, never the `message` feed sync reads). They exist only so the
 * slot carries every attribute of the table's AttributeDefinitions: DynamoDB Local's TTL job
 * deletes an expired item by a key built from *all* of them and fails on an item that lacks one —
 * and then restarts the table's sweep at that item, so it blocks the TTL of the whole table
 * (docs/adr/017-invitation-ttl-on-dynamodb-local.md).
 */
export function slotIndexKeys(inv: Pick<Invitation, 'id' | 'created_at'>): {
  GSI1PK: string;
  GSI1SK: string;
  conversation: string;
  updated_at: string;
} {
  return {
    GSI1PK: `INVITESLOT#${inv.id}`,
    GSI1SK: 'SLOT',
    [ATTR.gsi3pk]: `INVITESLOT#${inv.id}`,
    [ATTR.gsi3sk]: inv.created_at,
  };
}

/**
 * The pending slot `ROOM#<room>` / `INVITE#<invitee>`: exists while the invitation is pending; TTL
 * at `expires_at` (epoch s, rounded up) drives expiry through the stream; GSI2 `INVITEDUE` /
 * `<expires_at>#<id>` lists it for the reminder sweep; {@link slotIndexKeys} (never queried).
 */
export function slotItem(inv: Invitation): Item {
  const expiresMs = parseTimestamp(inv.expires_at);
  return {
    ...keys.invitationSlot(inv.room_id, inv.invitee_id),
    ...slotIndexKeys(inv),
    GSI2PK: partitions.dueSlots,
    GSI2SK: `${inv.expires_at}#${inv.id}`,
    entity: ENTITY.invitationSlot,
    id: inv.id,
    room_id: inv.room_id,
    invitee_id: inv.invitee_id,
    inviter_id: inv.inviter_id,
    status: 'pending',
    expires_at: inv.expires_at,
    reminded: false,
    [ATTR.ttl]: ttlEpochSeconds(expiresMs),
  };
}

/** The Put + counter Update + room-ban check a join adds to a transaction (same conditions as rooms' membership-store `add`). */
export function joinItems(
  tableName: string,
  membership: RoomMembership,
  /** The joiner's head copy (docs/adr/028); the caller appends `plan.items` last. */
  plan: JoinPlan = { attrs: {}, items: [] },
): TransactItem[] {
  return [
    {
      Put: {
        TableName: tableName,
        Item: { ...membershipItem(membership), ...plan.attrs },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    {
      Update: {
        TableName: tableName,
        Key: roomKeys.keys.room(membership.room_id),
        UpdateExpression: 'ADD member_count :one',
        ConditionExpression:
          'attribute_exists(PK) AND (attribute_not_exists(#s.#max) OR attribute_type(#s.#max, :null) OR member_count < #s.#max)',
        ExpressionAttributeNames: { '#s': 'settings', '#max': 'max_members' },
        ExpressionAttributeValues: { ':one': 1, ':null': 'NULL' },
      },
    },
    roomBanCheck(tableName, membership), // `room_banned` (docs/protocol/extensions.md §9)
  ];
}

/** Effective status filter of a list query: a pending record past `expires_at` counts as `expired`. */
function statusFilter(
  status: InvitationListQuery['status'],
  nowMs: number,
): { expr: string; values: Record<string, unknown> } | null {
  if (status === 'all') return null;
  if (status === 'pending') {
    return {
      expr: '#status = :pending AND expires_ms > :now',
      values: { ':pending': 'pending', ':now': nowMs },
    };
  }
  if (status === 'expired') {
    return {
      expr: '(#status = :expired OR (#status = :pending AND expires_ms <= :now))',
      values: { ':expired': 'expired', ':pending': 'pending', ':now': nowMs },
    };
  }
  return { expr: '#status = :want', values: { ':want': status } };
}

/**
 * {@link InvitationRepository} over the single table. Records are never overwritten: a re-invite
 * after a decline, expiry or cancellation is a new record (docs/protocol/extensions.md §6.1). The
 * one-pending rule is the slot's Put condition.
 */
export class DynamoInvitationRepository implements InvitationRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
    /** `LAIR_UNREAD_FANOUT_MAX_MEMBERS` (docs/adr/028). */
    private readonly fanoutMax: number = DEFAULT_FANOUT_MAX_MEMBERS,
  ) {}

  /**
   * One transaction: ConditionCheck room META exists, ConditionCheck no membership of the invitee,
   * Put the slot when absent, not `pending`, or past its `expiresAt` (epoch s, injected clock), and
   * Put the record (`attribute_not_exists`).
   * @throws DomainError `room_not_found`; ConflictError `already_member` / `already_invited`
   */
  async create(invitation: Invitation): Promise<void> {
    const createdMs = parseTimestamp(invitation.created_at);
    const seq = ulid(Number.isFinite(createdMs) ? createdMs : this.clock.now());
    const TableName = this.tableName;
    const record: InvitationRecord = {
      ...invitation,
      history: [{ status: 'pending', at: invitation.created_at, by: invitation.inviter_id }],
    };
    await transactWrite(
      this.doc,
      [
        {
          ConditionCheck: {
            TableName,
            Key: roomKeys.keys.room(invitation.room_id),
            ConditionExpression: 'attribute_exists(PK)',
          },
        },
        {
          ConditionCheck: {
            TableName,
            Key: roomKeys.keys.membership(invitation.room_id, invitation.invitee_id),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        {
          Put: {
            TableName,
            Item: slotItem(invitation),
            ConditionExpression: 'attribute_not_exists(PK) OR #status <> :pending OR #ttl <= :nowSec',
            ExpressionAttributeNames: { '#status': 'status', '#ttl': ATTR.ttl },
            ExpressionAttributeValues: {
              ':pending': 'pending',
              ':nowSec': Math.floor(this.clock.now() / 1000),
            },
          },
        },
        {
          Put: {
            TableName,
            Item: invitationRecordItem(record, seq),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      ],
      (c) => {
        if (c.failed(0)) return new DomainError('room_not_found');
        if (c.failed(1)) return new ConflictError('already_member');
        if (c.failed(2)) return new ConflictError('already_invited');
        return new ConflictError('already_invited');
      },
    );
  }

  /** See {@link InvitationRepository.createMany}; chunks run in parallel. */
  async createMany(
    invitations: Invitation[],
  ): Promise<(null | 'room_not_found' | 'already_member' | 'already_invited')[]> {
    type Outcome = null | 'room_not_found' | 'already_member' | 'already_invited';
    const out: Outcome[] = invitations.map(() => null);
    const chunks = bulkChunks(invitations.length);
    const nowSec = Math.floor(this.clock.now() / 1000);
    const TableName = this.tableName;
    const itemsOf = (idx: number): TransactItem[] => {
      const inv = invitations[idx];
      if (inv === undefined) return [];
      const createdMs = parseTimestamp(inv.created_at);
      const record: InvitationRecord = {
        ...inv,
        history: [{ status: 'pending', at: inv.created_at, by: inv.inviter_id }],
      };
      return [
        {
          ConditionCheck: {
            TableName,
            Key: roomKeys.keys.membership(inv.room_id, inv.invitee_id),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        {
          Put: {
            TableName,
            Item: slotItem(inv),
            ConditionExpression: 'attribute_not_exists(PK) OR #status <> :pending OR #ttl <= :nowSec',
            ExpressionAttributeNames: { '#status': 'status', '#ttl': ATTR.ttl },
            ExpressionAttributeValues: { ':pending': 'pending', ':nowSec': nowSec },
          },
        },
        {
          Put: {
            TableName,
            Item: invitationRecordItem(
              record,
              ulid(Number.isFinite(createdMs) ? createdMs : this.clock.now()),
            ),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      ];
    };
    const roomId = invitations[0]?.room_id;
    if (roomId === undefined) return out;
    const roomCheck: TransactItem = {
      ConditionCheck: {
        TableName,
        Key: roomKeys.keys.room(roomId),
        ConditionExpression: 'attribute_exists(PK)',
      },
    };
    /** Runs one chunk; a cancelled transaction marks the refused invitees and retries the rest. */
    const runChunk = async (chunk: number[]): Promise<void> => {
      let live = chunk;
      while (live.length > 0) {
        const refused = new Set<number>();
        let roomMissing = false;
        try {
          await transactWrite(this.doc, [roomCheck, ...live.flatMap(itemsOf)], (c) => {
            roomMissing = c.failed(0);
            live.forEach((idx, k) => {
              const base = 1 + 3 * k;
              const code: Outcome = roomMissing
                ? 'room_not_found'
                : c.failed(base)
                  ? 'already_member'
                  : c.failed(base + 1) || c.failed(base + 2)
                    ? 'already_invited'
                    : null;
              if (code !== null) {
                out[idx] = code;
                refused.add(idx);
              }
            });
            return new ConflictError('already_invited');
          });
          return;
        } catch (e) {
          if (roomMissing) return;
          if (refused.size === 0) throw e; // not a condition failure we can attribute: do not loop
          live = live.filter((idx) => !refused.has(idx));
        }
      }
    };
    await Promise.all(chunks.map(runChunk));
    return out;
  }

  /**
   * One strongly consistent BatchGetItem per 50 invitees (membership + slot, both in the room
   * partition): who is already a member and who holds a live pending slot (`status = pending`
   * and TTL after `nowMs`, the same test as the create condition). A read to answer early; the
   * transaction's conditions stay the rule.
   */
  async inviteeStates(
    roomId: Uuid,
    inviteeIds: Uuid[],
    nowMs: number,
  ): Promise<{ members: Set<Uuid>; pending: Set<Uuid> }> {
    const members = new Set<Uuid>();
    const pending = new Set<Uuid>();
    if (inviteeIds.length === 0) return { members, pending };
    const items = await batchGet(
      this.doc,
      this.tableName,
      inviteeIds.flatMap((u) => [roomKeys.keys.membership(roomId, u), keys.invitationSlot(roomId, u)]),
    );
    const nowSec = Math.floor(nowMs / 1000);
    for (const i of items) {
      if (i.entity === ENTITY.invitationSlot) {
        if (i.status === 'pending' && Number(i[ATTR.ttl]) > nowSec) pending.add(i.invitee_id as Uuid);
      } else if (String(i.SK).startsWith('MEMBER#')) {
        members.add(String(i.SK).slice('MEMBER#'.length));
      }
    }
    return { members, pending };
  }

  /**
   * Strongly consistent GetItem of the record. A `pending` record whose slot upstream's
   * `join_room` already marked `accepted` (rooms' membership transaction, which knows only the
   * slot) reads as accepted until the stream consumer writes that to the record (one more GetItem,
   * pending records only).
   */
  async getById(id: Uuid, opts: { asStored?: boolean } = {}): Promise<InvitationRecord | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.invitationRecord(id), ConsistentRead: true }),
    );
    if (out.Item?.entity !== ENTITY.invitation) return null;
    const record = recordFromItem(out.Item);
    if (record.status !== 'pending' || opts.asStored === true) return record;
    const slot = await this.readSlot(record.room_id, record.invitee_id);
    if (slot?.id === id && slot.status === 'accepted') {
      const at = (slot.responded_at as string | undefined) ?? record.created_at;
      return {
        ...record,
        status: 'accepted',
        responded_at: at,
        history: [...record.history, { status: 'accepted', at, by: record.invitee_id }],
      };
    }
    return record;
  }

  private async readSlot(roomId: Uuid, inviteeId: Uuid): Promise<Item | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.invitationSlot(roomId, inviteeId),
        ConsistentRead: true,
      }),
    );
    return out.Item?.entity === ENTITY.invitationSlot ? out.Item : undefined;
  }

  /** Slot (consistent) then record: the pending invitation, expired ones included. */
  async getPending(roomId: Uuid, inviteeId: Uuid): Promise<Invitation | null> {
    const slot = await this.readSlot(roomId, inviteeId);
    if (slot?.status !== 'pending') return null;
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.invitationRecord(slot.id as string),
        ConsistentRead: true,
      }),
    );
    return out.Item?.status === 'pending' ? invitationFromItem(out.Item) : null;
  }

  /**
   * Record `SET status, …, history = list_append(history, :entry)` conditioned on `status = pending`,
   * plus the slot's Delete conditioned on it still holding this id. When the slot already moved on
   * (a re-invite after expiry took it) the record alone is updated.
   * @throws ConflictError `invitation_not_pending`
   */
  async transition(invitation: Invitation, to: Transition): Promise<Invitation> {
    const cancelled = to.status === 'cancelled';
    const update: TransactItem = {
      Update: {
        TableName: this.tableName,
        Key: keys.invitationRecord(invitation.id),
        UpdateExpression: `SET #status = :to, history = list_append(history, :entry), ${
          cancelled ? 'cancelled_at = :at, cancelled_by = :by' : 'responded_at = :at'
        }`,
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':to': to.status,
          ':entry': [{ status: to.status, at: to.at, by: to.by }],
          ':at': to.at,
          ':pending': 'pending',
          ...(cancelled ? { ':by': to.by } : {}),
        },
      },
    };
    const freeSlot: TransactItem = {
      Delete: {
        TableName: this.tableName,
        Key: keys.invitationSlot(invitation.room_id, invitation.invitee_id),
        ConditionExpression: 'id = :id',
        ExpressionAttributeValues: { ':id': invitation.id },
      },
    };
    let slotGone = false;
    try {
      await transactWrite(this.doc, [update, freeSlot], (c) => {
        if (c.failed(0)) return new ConflictError('invitation_not_pending');
        slotGone = true;
        return new ConflictError('invitation_not_pending');
      });
    } catch (e) {
      if (!slotGone) throw e;
      await transactWrite(this.doc, [update], () => new ConflictError('invitation_not_pending'));
    }
    const after = await this.getById(invitation.id);
    return after ?? { ...invitation, status: to.status };
  }

  /**
   * One transaction: membership Put, room `ADD member_count` with the capacity condition, record
   * accepted (pending and `expires_ms` later than `at`), slot Delete (absent or this id).
   * @throws DomainError `room_not_found`; ConflictError `already_member` / `room_full` / `invitation_expired`
   */
  async accept(invitation: Invitation, at: string): Promise<Invitation> {
    const membership: RoomMembership = {
      room_id: invitation.room_id,
      user_id: invitation.invitee_id,
      role: invitation.role,
      joined_at: at,
    };
    const TableName = this.tableName;
    await joinWithPlan(this.doc, TableName, membership, this.fanoutMax, (plan) =>
      transactWrite(
        this.doc,
        [
          ...joinItems(TableName, membership, plan),
          {
            Update: {
              TableName,
              Key: keys.invitationRecord(invitation.id),
              UpdateExpression:
                'SET #status = :accepted, responded_at = :at, history = list_append(history, :entry)',
              ConditionExpression: '#status = :pending AND expires_ms > :atMs',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':accepted': 'accepted',
                ':pending': 'pending',
                ':at': at,
                ':atMs': parseTimestamp(at),
                ':entry': [{ status: 'accepted', at, by: invitation.invitee_id }],
              },
            },
          },
          {
            Delete: {
              TableName,
              Key: keys.invitationSlot(invitation.room_id, invitation.invitee_id),
              ConditionExpression: 'attribute_not_exists(PK) OR id = :id',
              ExpressionAttributeValues: { ':id': invitation.id },
            },
          },
          ...plan.items,
        ],
        async (c) => {
          if (c.failed(1) && !(await this.roomExists(invitation.room_id)))
            return new DomainError('room_not_found');
          if (c.failed(0)) return new ConflictError('already_member');
          if (c.failed(1)) return new ConflictError('room_full');
          if (c.failed(2)) return new DomainError('room_banned');
          if (planFailed(c, 5)) return new StaleReadError();
          return new ConflictError('invitation_expired');
        },
      ),
    );
    const after = await this.getById(invitation.id);
    return after ?? { ...invitation, status: 'accepted', responded_at: at };
  }

  /** GSI1 `USER#<invitee>` / `INVITE#…` newest first, `status = pending` and `expires_ms > nowMs`. */
  async listPendingForUser(inviteeId: Uuid, nowMs: number): Promise<Invitation[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: GSI1,
      KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :prefix)',
      FilterExpression: '#status = :pending AND expires_ms > :now AND entity = :entity',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':pk': partitions.userIndex(inviteeId),
        ':prefix': 'INVITE#',
        ':pending': 'pending',
        ':now': nowMs,
        ':entity': ENTITY.invitation,
      },
      ScanIndexForward: false,
    });
    return items.filter((i) => String(i.PK).startsWith('INVITATION#')).map(invitationFromItem);
  }

  /**
   * One page (≤ `limit`) of GSI1 (received) or GSI2 (sent), newest first, with status/room/`q`
   * filters as a FilterExpression (pages continue until `limit` matches or the partition ends).
   * @throws DomainError `validation_failed` for a cursor that is not this list's
   */
  async list(userId: Uuid, query: InvitationListQuery, nowMs: number): Promise<InvitationPage> {
    const received = query.direction === 'received';
    const pk = received ? partitions.userIndex(userId) : partitions.sentBy(userId);
    const pkName = received ? 'GSI1PK' : 'GSI2PK';
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':pk': pk, ':entity': ENTITY.invitation };
    const filters = ['entity = :entity'];
    const status = statusFilter(query.status, nowMs);
    if (status) {
      filters.push(status.expr);
      names['#status'] = 'status';
      Object.assign(values, status.values);
    }
    if (query.roomId !== undefined) {
      filters.push('room_id = :room');
      values[':room'] = query.roomId;
    }
    if (query.q !== undefined && query.q !== '') {
      filters.push('contains(#search, :q)');
      names['#search'] = 'search';
      values[':q'] = searchText([query.q]);
    }
    if (received) values[':prefix'] = 'INVITE#';
    const page = await queryPages(
      this.doc,
      {
        TableName: this.tableName,
        IndexName: received ? GSI1 : GSI2,
        KeyConditionExpression: received ? 'GSI1PK = :pk AND begins_with(GSI1SK, :prefix)' : 'GSI2PK = :pk',
        FilterExpression: filters.join(' AND '),
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        ...(query.cursor !== undefined
          ? { ExclusiveStartKey: decodePageCursor(query.cursor, pkName, pk) }
          : {}),
      },
      { max: query.limit },
    );
    return {
      invitations: page.items.map(invitationFromItem),
      next_cursor: page.lastKey === undefined ? null : encodePageCursor(page.lastKey),
    };
  }

  /**
   * The user's invitations (received: GSI1 `USER#<id>` / `INVITE#<seq>`; sent: GSI2
   * `INVITER#<id>` / `<seq>`) that changed at or after `sinceMs` (epoch ms), read as at `nowMs`:
   * created, answered, revoked, expired (a pending record past `expires_at` reads as `expired`,
   * changed at `expires_at`), or reminded (a pending one whose reminder time, 24 h before expiry,
   * passed since). Every change happens before `expires_at` ≤ creation + 720 h (plus the
   * sweep's lag), so both Queries start at the ULID of `sinceMs` − 721 h and read at most
   * {@link CHANGED_MAX} items each. Oldest change first; at most one entry per invitation.
   */
  async listChangedForUser(userId: Uuid, sinceMs: number, nowMs: number): Promise<Invitation[]> {
    const from = encodeTime(Math.max(0, sinceMs - (TTL_HOURS.max + 1) * 3600_000), 10);
    const common = {
      TableName: this.tableName,
      FilterExpression: 'entity = :entity',
      ScanIndexForward: false,
    };
    const [received, sent] = await Promise.all([
      queryAll(
        this.doc,
        {
          ...common,
          IndexName: GSI1,
          KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :lo AND :hi',
          ExpressionAttributeValues: {
            ':pk': partitions.userIndex(userId),
            ':lo': `INVITE#${from}`,
            ':hi': 'INVITE#~',
            ':entity': ENTITY.invitation,
          },
        },
        { max: CHANGED_MAX },
      ),
      queryAll(
        this.doc,
        {
          ...common,
          IndexName: GSI2,
          KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK >= :lo',
          ExpressionAttributeValues: {
            ':pk': partitions.sentBy(userId),
            ':lo': from,
            ':entity': ENTITY.invitation,
          },
        },
        { max: CHANGED_MAX },
      ),
    ]);
    const byId = new Map<string, { at: number; invitation: Invitation }>();
    for (const item of [...received, ...sent]) {
      if (!String(item.PK).startsWith('INVITATION#')) continue;
      const rec = recordFromItem(item);
      const change = lastChange(rec, nowMs);
      if (change.at >= sinceMs && change.at <= nowMs)
        byId.set(rec.id, { at: change.at, invitation: change.invitation });
    }
    return [...byId.values()].sort((a, b) => a.at - b.at).map((c) => c.invitation);
  }

  /** GSI2 `INVITEDUE` with `GSI2SK <= "<until ISO>~"`, ascending (soonest expiry first). */
  async listDueSlots(untilMs: number, limit: number): Promise<DueSlot[]> {
    const items = await queryAll(
      this.doc,
      {
        TableName: this.tableName,
        IndexName: GSI2,
        KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK <= :until',
        ExpressionAttributeValues: {
          ':pk': partitions.dueSlots,
          ':until': `${new Date(untilMs).toISOString()}~`,
        },
      },
      { max: limit },
    );
    return items.map((i) => ({
      invitationId: i.id as string,
      roomId: i.room_id as string,
      inviteeId: i.invitee_id as string,
      expiresAt: i.expires_at as string,
      reminded: i.reminded === true,
    }));
  }

  /** `SET reminded = true` conditioned on the slot still holding this id and not yet reminded. */
  async markReminded(slot: DueSlot): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.invitationSlot(slot.roomId, slot.inviteeId),
          UpdateExpression: 'SET reminded = :t',
          ConditionExpression: 'id = :id AND reminded = :f',
          ExpressionAttributeValues: { ':t': true, ':f': false, ':id': slot.invitationId },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionalCheckFailed(e)) return false;
      throw e;
    }
  }

  private async roomExists(roomId: Uuid): Promise<boolean> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: roomKeys.keys.room(roomId), ConsistentRead: true }),
    );
    return out.Item !== undefined;
  }
}
