// Retention on reads by id (docs/protocol/extensions.md §5): once a room's retention_days passes a message, no read by id returns it — edit history, reactions (also by the relay's cached address), thread root and reply, pins, mentions, receipts, read markers, attachments, edit/delete/pin — while a fresh message still reads.
import { composeServices } from '../../../shared/compose.js';
import type { BlobStore } from '../../../shared/features/attachments/index.js';
import type { Message } from '../../../shared/features/messages/index.js';
import type { Room } from '../../../shared/features/rooms/index.js';
import { createTestTable, deleteTestTable, type TestTable } from '../../support/dynamo.js';
import {
  RecordingPublisher,
  createTestClock,
  registerCast,
  populatedRoom,
  TEST_JWT_SECRET,
  TEST_TOTP_KEY,
  type Cast,
  type TestClock,
  type TestServices,
} from '../../support/services.js';

const DAY = 86_400_000;

/** Blobs in memory: an "upload" is the signed PUT being issued (the bytes themselves do not matter here). */
function memoryBlobs(): BlobStore {
  const sizes = new Map<string, number>();
  return {
    uploadUrl: (key, object) => {
      sizes.set(key, object.sizeBytes);
      return Promise.resolve({ url: `http://blobs.test/${key}`, headers: {} });
    },
    downloadUrl: (key) => Promise.resolve(`http://blobs.test/${key}`),
    size: (key) => Promise.resolve(sizes.get(key) ?? null),
    copy: (from, to) => {
      sizes.set(to, sizes.get(from) ?? 0);
      return Promise.resolve();
    },
    put: (key, body) => {
      sizes.set(key, body.length);
      return Promise.resolve();
    },
  };
}

describe('retention applies to reads by id', () => {
  let table: TestTable;
  let ts: Pick<TestServices, 'services' | 'repos' | 'events'>;
  let clock: TestClock;
  let cast: Cast;
  let room: Room;
  let old: Message;
  let reply: Message;
  let fresh: Message;
  let attachmentId: string;
  const target = () => ({ type: 'room' as const, room_id: room.id });

  beforeAll(async () => {
    table = await createTestTable();
    clock = createTestClock(Date.now());
    const publisher = new RecordingPublisher();
    ts = {
      ...composeServices({
        doc: table.doc,
        tableName: table.tableName,
        jwtSecret: TEST_JWT_SECRET,
        totpKey: TEST_TOTP_KEY,
        events: publisher,
        clock,
        blobs: memoryBlobs(),
      }),
      events: publisher.events,
    };
    cast = await registerCast(ts.services);
    room = await populatedRoom(ts as TestServices, cast, 'ret-reads');
    const now = Date.now();
    clock.set(now - 2 * DAY);
    const att = await ts.services.attachments.create(cast.bob.user.id, {
      filename: 'old.txt',
      content_type: 'text/plain',
      size_bytes: 5,
    });
    attachmentId = att.attachment.id;
    old = await ts.services.messages.send(
      cast.bob.user.id,
      target(),
      `@${cast.alice.user.username} old news`,
      { attachment_ids: [attachmentId] },
    );
    reply = await ts.services.messages.send(cast.mo.user.id, target(), 'old reply', { reply_to: old.id });
    await ts.services.messages.edit(
      cast.bob.user.id,
      old.id,
      `@${cast.alice.user.username} old news, edited`,
    );
    await ts.services.messages.react(cast.mo.user.id, old.id, '👍', true);
    await ts.services.messages.pin(cast.alice.user.id, old.id, true);
    clock.set(now);
    fresh = await ts.services.messages.send(cast.bob.user.id, target(), 'fresh news');
  });
  afterAll(async () => {
    await deleteTestTable(table);
  });

  it('everything reads before the room gets a retention', async () => {
    const { services } = ts;
    expect(await services.messages.versions(cast.alice.user.id, old.id)).toHaveLength(2);
    expect((await services.messages.thread(cast.alice.user.id, reply.id, 10)).root.id).toBe(old.id);
    expect((await services.messages.pins(cast.alice.user.id, target())).map((m) => m.id)).toEqual([old.id]);
    expect((await services.messages.mentions(cast.alice.user.id, 10)).messages.map((m) => m.id)).toEqual([
      old.id,
    ]);
    expect((await services.attachments.get(cast.alice.user.id, attachmentId)).attachment.id).toBe(
      attachmentId,
    );
  });

  it('past retention_days no read by id returns the message; a fresh one still reads', async () => {
    const { services } = ts;
    await services.rooms.update(cast.alice.user.id, room.id, { settings: { retention_days: 1 } });
    const alice = cast.alice.user.id;
    const notFound = { code: 'message_not_found' };
    await expect(services.messages.versions(alice, old.id)).rejects.toMatchObject(notFound);
    await expect(services.messages.thread(alice, old.id, 10)).rejects.toMatchObject(notFound);
    await expect(services.messages.thread(alice, reply.id, 10)).rejects.toMatchObject(notFound);
    await expect(services.messages.react(alice, old.id, '🎉', true)).rejects.toMatchObject(notFound);
    // The relay's cached address skips the id lookup: the cutoff still applies.
    const key = {
      id: old.id,
      conversation: room.id,
      seq: (await ts.repos.messages.getById(old.id))!.seq,
      author: cast.bob.user.id,
      target: target(),
    };
    await expect(
      services.messages.react(alice, old.id, '🎉', true, { locate: () => key }),
    ).rejects.toMatchObject(notFound);
    await expect(services.messages.pin(alice, old.id, false)).rejects.toMatchObject(notFound);
    await expect(services.messages.edit(cast.bob.user.id, old.id, 'again')).rejects.toMatchObject(notFound);
    await expect(services.messages.delete(cast.bob.user.id, old.id)).rejects.toMatchObject(notFound);
    await expect(services.receipts.receiptsOf(alice, old.id)).rejects.toMatchObject(notFound);
    await expect(services.receipts.markRead(alice, target(), old.id)).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(services.attachments.get(alice, attachmentId)).rejects.toMatchObject({ code: 'not_found' });
    expect(await services.messages.pins(alice, target())).toEqual([]);
    expect((await services.messages.mentions(alice, 10)).messages).toEqual([]);
    const history = await services.messages.history(alice, target(), 50);
    expect(history.messages.map((m) => m.id)).toEqual([fresh.id]);

    // Nothing was changed by the refused calls (the raw item still holds the old state).
    const raw = await ts.repos.messages.getById(old.id);
    expect(raw).toMatchObject({ deleted: false, pinned: true, edit_count: 1 });
    expect(raw!.reactions.map((r) => r.emoji)).toEqual(['👍']);

    // The fresh message reads as before.
    expect(await services.messages.versions(alice, fresh.id)).toHaveLength(1);
    expect((await services.messages.react(alice, fresh.id, '🎉', true)).changed).toBe(true);
    expect((await services.messages.thread(alice, fresh.id, 10)).replies).toEqual([]);
  });
});
