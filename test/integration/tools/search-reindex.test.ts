// Search index backfill (local/search-reindex.ts): messages stored while no stream consumer ran become searchable, DMs included; a second run changes nothing.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { reindexMessages } from '../../../local/search-reindex.js';
import {
  createTestServices,
  populatedRoom,
  registerCast,
  type Cast,
  type TestServices,
} from '../../support/services.js';

describe('search reindex', () => {
  let ts: TestServices;
  let cast: Cast;

  beforeAll(async () => {
    ts = await createTestServices(); // no stream poller: nothing gets indexed on send
    cast = await registerCast(ts.services);
  }, 60_000);
  afterAll(async () => {
    await ts.close();
  });

  const ids = async (who: keyof Cast, q: string) =>
    (await ts.services.search.search(cast[who].user.id, q, {})).results.map((r) => r.message.id);
  const counter = async (conversation: string, term: string) =>
    (
      await ts.doc.send(
        new QueryCommand({
          TableName: ts.tableName,
          KeyConditionExpression: 'PK = :pk AND SK = :sk',
          ExpressionAttributeValues: { ':pk': `SCNT#${conversation}`, ':sk': term },
        }),
      )
    ).Items?.[0]?.n as number | undefined;

  it('indexes every live message once (rooms and DMs, not tombstones); a second run indexes nothing', async () => {
    const room = await populatedRoom(ts, cast, 'reindex-room');
    const target = { type: 'room' as const, room_id: room.id };
    const a = await ts.services.messages.send(cast.bob.user.id, target, 'pangolin parade at noon');
    const b = await ts.services.messages.send(cast.alice.user.id, target, 'the pangolin left');
    const gone = await ts.services.messages.send(cast.bob.user.id, target, 'pangolin secret');
    await ts.services.messages.delete(cast.bob.user.id, gone.id);
    const dm = await ts.services.messages.send(
      cast.alice.user.id,
      { type: 'dm', recipient: cast.eve.user.id },
      'pangolin by DM',
    );
    expect(await ids('alice', 'pangolin')).toEqual([]);

    const progress: number[] = [];
    const first = await reindexMessages({
      doc: ts.doc,
      tableName: ts.tableName,
      segments: 3,
      onProgress: (p) => progress.push(p.scanned),
    });
    expect(first).toEqual({ scanned: 4, indexed: 3, alreadyIndexed: 0 });
    expect(progress.length).toBeGreaterThan(0);
    expect(await ids('alice', 'pangolin')).toEqual([dm.id, b.id, a.id]);
    expect(await ids('eve', 'pangolin')).toEqual([dm.id]); // the DM scope rows were written too
    expect(await ids('bob', 'pangolin')).toEqual([b.id, a.id]);
    const conversation = room.id;
    expect(await counter(conversation, 'pangolin')).toBe(2);

    const second = await reindexMessages({ doc: ts.doc, tableName: ts.tableName });
    expect(second).toEqual({ scanned: 4, indexed: 0, alreadyIndexed: 3 });
    expect(await counter(conversation, 'pangolin')).toBe(2); // counters stay exact
  }, 60_000);
});
