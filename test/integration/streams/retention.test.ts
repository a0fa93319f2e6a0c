// Retention on DynamoDB Local: a room's retention_days hides older messages at once, the consumer re-stamps their TTL and DynamoDB Local's TTL removes them (docs/protocol/extensions.md §5).
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { retentionConsumer } from '../../../lambdas/streams/retention.js';
import { messageKeys } from '../../../shared/features/messages/index.js';
import {
  createTestClock,
  createTestServices,
  populatedRoom,
  registerCast,
  type Cast,
  type TestClock,
  type TestServices,
} from '../../support/services.js';
import { eventually, startTestStreams, type TestStreamPipeline } from '../../support/streams.js';

const DAY = 86_400_000;

describe('retention (room retention_days, TTL re-stamp)', () => {
  let ts: TestServices;
  let clock: TestClock;
  let streams: TestStreamPipeline;
  let cast: Cast;

  beforeAll(async () => {
    clock = createTestClock(Date.now());
    ts = await createTestServices({ clock });
    // Only the retention consumer: DynamoDB Local's TTL sweep is slow on tables with many items (search postings).
    streams = await startTestStreams(ts, [retentionConsumer()]);
    cast = await registerCast(ts.services);
  });
  afterAll(async () => {
    await streams.stop();
    await ts.close();
  });

  const rawItem = async (conversation: string, seq: string) =>
    (
      await ts.doc.send(
        new GetCommand({
          TableName: ts.tableName,
          Key: messageKeys.message(conversation, seq),
          ConsistentRead: true,
        }),
      )
    ).Item;

  it('rejects retention_days 0, 4000 and 1.5 with validation_failed, and a non-owner with permission_denied; nothing changes', async () => {
    const room = await populatedRoom(ts, cast, 'ret-bad');
    for (const days of [0, 4000, 1.5, -1]) {
      await expect(
        ts.services.rooms.update(cast.alice.user.id, room.id, { settings: { retention_days: days } }),
      ).rejects.toMatchObject({ code: 'validation_failed' });
    }
    await expect(
      ts.services.rooms.update(cast.mo.user.id, room.id, { settings: { retention_days: 5 } }),
    ).rejects.toMatchObject({ code: 'permission_denied' });
    const after = await ts.repos.rooms.get(room.id);
    expect(after?.settings).toMatchObject({ retention_days: null, is_private: false });
  });

  it('hides messages past retention immediately; the re-stamp sets their TTL (in the past for the old one)', async () => {
    const room = await populatedRoom(ts, cast, 'ret-room');
    const now = Date.now();
    clock.set(now - DAY - 3_600_000);
    const old = await ts.services.messages.send(
      cast.bob.user.id,
      { type: 'room', room_id: room.id },
      'old news',
    );
    clock.set(now);
    const fresh = await ts.services.messages.send(
      cast.bob.user.id,
      { type: 'room', room_id: room.id },
      'fresh news',
    );
    const ids = async () =>
      (
        await ts.services.messages.history(cast.bob.user.id, { type: 'room', room_id: room.id }, 50)
      ).messages.map((m) => m.id);
    expect(await ids()).toEqual([fresh.id, old.id]);
    const oldSeq = (await ts.repos.messages.getById(old.id))?.seq ?? '';
    const freshSeq = (await ts.repos.messages.getById(fresh.id))?.seq ?? '';

    const updated = await ts.services.rooms.update(cast.alice.user.id, room.id, {
      settings: { retention_days: 1 },
    });
    expect(updated.settings).toMatchObject({ retention_days: 1, is_private: false });
    // Immediately: the read path applies the policy before any re-stamp.
    expect(await ids()).toEqual([fresh.id]);

    // The background re-stamp gives the fresh message a TTL one day after its creation ...
    const freshItem = await eventually(async () => {
      const item = await rawItem(room.id, freshSeq);
      return typeof item?.expiresAt === 'number' ? item : undefined;
    }, 30_000);
    expect(freshItem.expiresAt).toBe(Math.ceil((Date.parse(fresh.created_at) + DAY) / 1000));
    // ... and the old one a TTL already in the past: DynamoDB's TTL process deletes it (lazily; the
    // read path has hidden it since the policy change). DynamoDB Local's sweep did not remove such
    // items within 400 s in our runs, so the deletion itself is not awaited here (docs/protocol-extensions.md "Retention").
    // The re-stamp writes its page's items in parallel, so the old one may land after the fresh one.
    const oldItem = await eventually(async () => {
      const item = await rawItem(room.id, oldSeq);
      return typeof item?.expiresAt === 'number' ? item : undefined;
    }, 30_000);
    expect(oldItem?.expiresAt).toBe(Math.ceil((Date.parse(old.created_at) + DAY) / 1000));
    expect((oldItem?.expiresAt as number) * 1000).toBeLessThan(Date.now());
    // The consumer counts the re-stamp after its last write: wait for the count (eventually throws on timeout).
    await eventually(() => Promise.resolve((streams.handler.stats.retentionRestamps ?? 0) >= 1), 30_000);
  }, 60_000);

  it('stamps new messages of a room with a policy on insert (the send stays one PutItem)', async () => {
    const room = await populatedRoom(ts, cast, 'ret-new');
    await ts.services.rooms.update(cast.alice.user.id, room.id, { settings: { retention_days: 30 } });
    const m = await ts.services.messages.send(
      cast.bob.user.id,
      { type: 'room', room_id: room.id },
      'stamped',
    );
    const seq = (await ts.repos.messages.getById(m.id))!.seq;
    const item = await eventually(async () => {
      const i = await rawItem(room.id, seq);
      return typeof i?.expiresAt === 'number' ? i : undefined;
    }, 30_000);
    expect(item.expiresAt).toBe(Math.ceil((Date.parse(m.created_at) + 30 * DAY) / 1000));
  }, 60_000);
});
