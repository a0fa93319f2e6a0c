// One-off upgrade of invitations stored in the old single-item layout (`ROOM#<room>` / `INVITE#<invitee>` holding the whole invitation) to records + slots (docs/adr/008-invitation-records.md).
import { ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { isExpired, parseTimestamp } from '../../kernel/time.js';
import type { Item } from '../../storage/items.js';
import { ATTR } from '../../storage/table.js';
import { transactWrite } from '../../storage/transactions.js';
import { invitationFromItem, invitationRecordItem } from './items.js';
import type { InvitationHistoryEntry, InvitationRecord } from './model.js';
import { ENTITY, keys, slotIndexKeys, slotItem } from './store.js';

/**
 * Scans for old-layout items (`entity = invitation` under an `INVITE#` sort key) and converts each
 * in one transaction: Put the `INVITATION#<id>` record (`attribute_not_exists`, history rebuilt
 * from `created_at`/`responded_at`), then replace the old item with a pending slot when it is
 * still pending and unexpired, else delete it, both conditioned on the old item still being the
 * same invitation. Idempotent and resumable (re-running skips what was converted); safe while the
 * service runs. Slots written before ADR 017 get their index attributes ({@link slotIndexKeys}) the same
 * way. `npm start` runs it at boot; in AWS run `npm run migrate:invitations` once.
 * @param nowMs - epoch ms deciding "unexpired"
 * @returns how many items were converted (old-layout items and slots given GSI1 keys)
 */
export async function migrateLegacyInvitations(
  doc: DynamoDBDocumentClient,
  tableName: string,
  nowMs: number,
): Promise<number> {
  let converted = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression:
          '(entity = :e AND begins_with(SK, :p) AND begins_with(PK, :room)) OR (entity = :slot AND (attribute_not_exists(GSI1PK) OR attribute_not_exists(#conv)))',
        ExpressionAttributeNames: { '#conv': ATTR.gsi3pk },
        ExpressionAttributeValues: {
          ':e': ENTITY.invitation,
          ':slot': ENTITY.invitationSlot,
          ':p': 'INVITE#',
          ':room': 'ROOM#',
        },
        ExclusiveStartKey: start,
      }),
    );
    start = out.LastEvaluatedKey;
    for (const old of (out.Items ?? []) as Item[]) {
      const done =
        old.entity === ENTITY.invitationSlot
          ? await addSlotIndexKeys(doc, tableName, old)
          : await convert(doc, tableName, old, nowMs);
      if (done) converted++;
    }
  } while (start !== undefined);
  return converted;
}

async function convert(
  doc: DynamoDBDocumentClient,
  tableName: string,
  old: Item,
  nowMs: number,
): Promise<boolean> {
  const inv = invitationFromItem(old);
  const history: InvitationHistoryEntry[] = [{ status: 'pending', at: inv.created_at, by: inv.inviter_id }];
  if (inv.status !== 'pending') {
    history.push({
      status: inv.status,
      at: inv.responded_at ?? inv.created_at,
      by: inv.status === 'accepted' || inv.status === 'declined' ? inv.invitee_id : null,
    });
  }
  const record: InvitationRecord = { ...inv, history };
  const createdMs = parseTimestamp(inv.created_at);
  const seq = typeof old.seq === 'string' ? old.seq : ulid(Number.isFinite(createdMs) ? createdMs : nowMs);
  const live = inv.status === 'pending' && !isExpired(inv.expires_at, nowMs);
  const sameOld = {
    ConditionExpression: 'entity = :e AND id = :id',
    ExpressionAttributeValues: { ':e': ENTITY.invitation, ':id': inv.id },
  };
  try {
    await transactWrite(
      doc,
      [
        {
          Put: {
            TableName: tableName,
            Item: invitationRecordItem(record, seq),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        live
          ? { Put: { TableName: tableName, Item: slotItem(inv), ...sameOld } }
          : {
              Delete: {
                TableName: tableName,
                Key: keys.invitationSlot(inv.room_id, inv.invitee_id),
                ...sameOld,
              },
            },
      ],
      () => new Error('already converted or changed'),
    );
    return true;
  } catch {
    return false;
  }
}

/** `SET` the {@link slotIndexKeys} on a slot stored without them, conditioned on it still holding the same invitation. */
async function addSlotIndexKeys(
  doc: DynamoDBDocumentClient,
  tableName: string,
  slot: Item,
): Promise<boolean> {
  const createdAt = typeof slot.created_at === 'string' ? slot.created_at : String(slot.expires_at);
  const idx = slotIndexKeys({ id: String(slot.id), created_at: createdAt });
  try {
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { PK: slot.PK, SK: slot.SK },
        UpdateExpression: 'SET GSI1PK = :pk, GSI1SK = :sk, #conv = :conv, #upd = :upd',
        ConditionExpression: 'entity = :slot AND id = :id',
        ExpressionAttributeNames: { '#conv': ATTR.gsi3pk, '#upd': ATTR.gsi3sk },
        ExpressionAttributeValues: {
          ':pk': idx.GSI1PK,
          ':sk': idx.GSI1SK,
          ':conv': idx.conversation,
          ':upd': idx.updated_at,
          ':slot': ENTITY.invitationSlot,
          ':id': slot.id,
        },
      }),
    );
    return true;
  } catch {
    return false;
  }
}
