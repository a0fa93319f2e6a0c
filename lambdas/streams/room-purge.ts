// Stream consumer: when a room's META item is removed, purge what the room left behind — messages, their versions and mentions, pins, memberships, invitations (issue 17 finding 7).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENTITY, partitions } from '../../shared/features/index.js';
import { conversationKey, markKeys } from '../../shared/features/messages/index.js';
import type { Key } from '../../shared/storage/index.js';
import { batchDelete, queryPages } from '../../shared/storage/operations.js';
import type { StreamConsumer } from './consumer.js';

/** Messages handled per step: their versions and mentions go first, then the message items. */
const PAGE = 100;

/**
 * Deletes every item of partition `pk` (keys only, strongly consistent reads), a page at a time.
 * @returns the number of items deleted
 */
async function sweep(doc: DynamoDBDocumentClient, tableName: string, pk: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    const { items } = await queryPages(
      doc,
      {
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: 'PK, SK',
        ConsistentRead: true,
      },
      { max: PAGE * 4 },
    );
    if (items.length === 0) return deleted;
    await batchDelete(doc, tableName, items as unknown as Key[]);
    deleted += items.length;
  }
}

/**
 * Purges a deleted room's data (issue 17 finding 7; docs/protocol/extensions.md §0 rule 7
 * "idempotent and resumable"). Per page of the room's messages (`MSGS#<room>`): each message's
 * edit versions (`MSGV#<id>`) and mention items (`MENTION#<user>`) are deleted before the message
 * itself, so a crash never strands items that only the message can lead to; then the pins
 * (`PINS#<room>`, `PINCOUNT#<room>`) and whatever is left in `ROOM#<room>` (memberships,
 * invitations written after the delete's own sweep). Every step re-reads what remains, so a
 * redelivered or retried record simply continues; a record for an already-purged room costs a
 * few empty queries. Counts `roomsPurged` and `roomItemsPurged`.
 */
export function roomPurgeConsumer(): StreamConsumer {
  return {
    name: 'room-purge',
    async handle(change, ctx) {
      const room = change.oldImage;
      if (change.eventName !== 'REMOVE' || change.ttl || room?.entity !== ENTITY.room) return false;
      if (room.SK !== 'META' || typeof room.id !== 'string' || ctx.deps === undefined) return false;
      const { doc, tableName } = (await ctx.deps()).storage;
      const roomId = room.id;
      const conversation = conversationKey({ type: 'room', room_id: roomId });
      let purged = 0;
      for (;;) {
        const { items } = await queryPages(
          doc,
          {
            TableName: tableName,
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': partitions.messages(conversation) },
            ProjectionExpression: 'PK, SK, id, mentions',
            ConsistentRead: true,
          },
          { max: PAGE },
        );
        if (items.length === 0) break;
        const dependents: Key[] = [];
        for (const m of items) {
          const id = String(m.id);
          purged += await sweep(doc, tableName, partitions.versions(id));
          for (const userId of Array.isArray(m.mentions) ? (m.mentions as string[]) : [])
            dependents.push(markKeys.mention(userId, String(m.SK), id));
        }
        if (dependents.length > 0) await batchDelete(doc, tableName, dependents);
        await batchDelete(
          doc,
          tableName,
          items.map((m) => ({ PK: String(m.PK), SK: String(m.SK) })),
        );
        purged += dependents.length + items.length;
      }
      purged += await sweep(doc, tableName, markKeys.pin(conversation, '').PK);
      await batchDelete(doc, tableName, [markKeys.pinCount(conversation)]);
      purged += await sweep(doc, tableName, partitions.room(roomId));
      ctx.count('roomsPurged');
      ctx.count('roomItemsPurged', purged);
      ctx.logger.info({ roomId, items: purged, eventId: change.eventId }, 'deleted room purged');
      return true;
    },
  };
}
