// Stream consumer room-purge (issue 17 finding 7): a deleted room's messages, versions, mentions, pins, memberships and invitations are purged, idempotently.
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { createStreamHandler } from '../../../lambdas/streams/handler.js';
import { testLogger } from '../../support/relay.js';
import { createTestServices, registerUser, type TestServices } from '../../support/services.js';

describe('room purge consumer', () => {
  let ts: TestServices;
  beforeAll(async () => {
    ts = await createTestServices();
  });
  afterAll(async () => {
    await ts.close();
  });

  const count = async (pk: string): Promise<number> =>
    (
      await ts.doc.send(
        new QueryCommand({
          TableName: ts.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
        }),
      )
    ).Count ?? 0;

  it('removes everything the room left behind; a redelivered record is a no-op', async () => {
    const owner = await registerUser(ts.services);
    const bob = await registerUser(ts.services);
    const carol = await registerUser(ts.services);
    const room = await ts.services.rooms.create(owner.user.id, { name: `purge-${Date.now()}` });
    await ts.services.rooms.join(bob.user.id, room.id);
    const target = { type: 'room' as const, room_id: room.id };
    const ids: string[] = [];
    for (let i = 0; i < 120; i++)
      ids.push((await ts.services.messages.send(owner.user.id, target, `m${i}`)).id);
    const mention = await ts.services.messages.send(owner.user.id, target, `hi @${bob.user.username}`);
    await ts.services.messages.edit(owner.user.id, ids[0]!, 'edited');
    await ts.services.messages.pin(owner.user.id, ids[1]!, true);
    const meta = (
      await ts.doc.send(
        new GetCommand({ TableName: ts.tableName, Key: { PK: `ROOM#${room.id}`, SK: 'META' } }),
      )
    ).Item!;
    await ts.services.rooms.delete(owner.user.id, room.id);
    // A membership written while the delete swept (a racing join) would stay without the consumer.
    await ts.doc.send(
      new PutCommand({
        TableName: ts.tableName,
        Item: { PK: `ROOM#${room.id}`, SK: `MEMBER#${carol.user.id}`, entity: 'membership' },
      }),
    );
    expect(await count(`MSGS#${room.id}`)).toBe(121); // what used to stay forever

    const handler = createStreamHandler({
      logger: testLogger(),
      deps: () =>
        Promise.resolve({
          services: ts.services,
          repos: ts.repos,
          deps: ts.deps,
          storage: { doc: ts.doc, tableName: ts.tableName },
        }),
    });
    const record: DynamoDBRecord = {
      eventID: 'e1',
      eventName: 'REMOVE',
      dynamodb: { OldImage: marshall(meta) as NonNullable<DynamoDBRecord['dynamodb']>['OldImage'] },
    };
    await handler({ Records: [record] });
    expect(await count(`MSGS#${room.id}`)).toBe(0);
    expect(await count(`MSGV#${ids[0]}`)).toBe(0);
    expect(await count(`PINS#${room.id}`)).toBe(0);
    expect(await count(`PINCOUNT#${room.id}`)).toBe(0);
    expect(await count(`ROOM#${room.id}`)).toBe(0);
    expect(await count(`MENTION#${bob.user.id}`)).toBe(0);
    expect(handler.stats.roomsPurged).toBe(1);
    expect(mention.id).toBeDefined();

    await handler({ Records: [record] }); // at-least-once delivery: the second run finds nothing
    expect(handler.stats.roomsPurged).toBe(2);
    expect(await count(`MSGS#${room.id}`)).toBe(0);
  });

  it('ignores other removals (a membership, a message) and TTL removals', async () => {
    const handler = createStreamHandler({
      logger: testLogger(),
      deps: () =>
        Promise.resolve({
          services: ts.services,
          repos: ts.repos,
          deps: ts.deps,
          storage: { doc: ts.doc, tableName: ts.tableName },
        }),
    });
    await handler({
      Records: [
        {
          eventID: 'x',
          eventName: 'REMOVE',
          dynamodb: { OldImage: marshall({ PK: 'ROOM#r', SK: 'MEMBER#u', entity: 'membership' }) as never },
        },
        {
          eventID: 'y',
          eventName: 'INSERT',
          dynamodb: { NewImage: marshall({ PK: 'ROOM#r', SK: 'META', entity: 'room', id: 'r' }) as never },
        },
      ],
    });
    expect(handler.stats.roomsPurged ?? 0).toBe(0);
  });
});
