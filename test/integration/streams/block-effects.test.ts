// Integration: the blocking effects on search, sync and mentions (docs/protocol/extensions.md §7.3) and show_online: false in every online list returned to others (§8), on DynamoDB Local with the stream-built search index.
import { createTestServices, payloadsOf, registerUser, type TestServices } from '../../support/services.js';
import { eventually, startTestStreams, type TestStreamPipeline } from '../../support/streams.js';
import type { AuthResult } from '../../../shared/features/auth/index.js';

let ts: TestServices;
let streams: TestStreamPipeline;
let blocker: AuthResult;
let blocked: AuthResult;
let other: AuthResult;
let roomId: string;

beforeAll(async () => {
  ts = await createTestServices();
  streams = await startTestStreams(ts);
  [blocker, blocked, other] = await Promise.all([
    registerUser(ts.services),
    registerUser(ts.services),
    registerUser(ts.services),
  ]);
  const room = await ts.services.rooms.create(blocker.user.id, { name: `blk-${Date.now()}` });
  roomId = room.id;
  await ts.services.rooms.join(blocked.user.id, roomId);
  await ts.services.rooms.join(other.user.id, roomId);
  await ts.services.blocks.block(blocker.user.id, blocked.user.id);
});
afterAll(async () => {
  await streams.stop();
  await ts.close();
});

const send = (who: AuthResult, content: string) =>
  ts.services.messages.send(who.user.id, { type: 'room', room_id: roomId }, content);

describe('blocking hides the blocked user from the blocker (§7.3)', () => {
  it('search: the blocked user’s room messages never reach the blocker; everyone else still finds them', async () => {
    const byBlocked = await send(blocked, 'quokka sighting today');
    const byOther = await send(other, 'quokka pictures');
    const byBlocker = await send(blocker, 'quokka facts');
    const ids = (who: AuthResult) =>
      ts.services.search.search(who.user.id, 'quokka', {}).then((p) => p.results.map((r) => r.message.id));
    // the third party sees all three once indexed
    await eventually(async () => ((await ids(other)).length === 3 ? true : undefined), 20_000);
    expect((await ids(blocker)).sort()).toEqual([byOther.id, byBlocker.id].sort());
    // the other direction is not hidden by the contract (the blocked user still reads the room)
    expect((await ids(blocked)).sort()).toEqual([byBlocked.id, byOther.id, byBlocker.id].sort());
    // from: the blocked user ⇒ nothing for the blocker
    const from = await ts.services.search.search(blocker.user.id, `quokka from:${blocked.user.username}`, {});
    expect(from.results).toEqual([]);
  }, 60_000);

  it('sync: room messages by the blocked user are left out of the blocker’s sync, with and without a token', async () => {
    const { next_since } = await ts.services.sync.sync(blocker.user.id, null, 50);
    await new Promise((r) => setTimeout(r, 20)); // after the token's instant
    const hidden = await send(blocked, 'while you were away (blocked)');
    const shown = await send(other, 'while you were away (other)');
    const roomTarget = (r: Awaited<ReturnType<typeof ts.services.sync.sync>>) =>
      r.targets.find((x) => x.target.type === 'room' && x.target.room_id === roomId);
    const since = await ts.services.sync.sync(blocker.user.id, next_since, 50);
    const ids = roomTarget(since)?.messages.map((m) => m.id) ?? [];
    expect(ids).toContain(shown.id);
    expect(ids).not.toContain(hidden.id);
    const full = await ts.services.sync.sync(blocker.user.id, null, 100);
    expect(roomTarget(full)?.messages.some((m) => m.author === blocked.user.id)).toBe(false);
    // the third party's sync still has both
    const third = await ts.services.sync.sync(other.user.id, null, 100);
    expect(roomTarget(third)?.messages.map((m) => m.id)).toEqual(
      expect.arrayContaining([hidden.id, shown.id]),
    );
  });

  it('mentions: the blocked user’s @mention neither notifies nor is stored nor counted; other mentions still are', async () => {
    ts.events.length = 0;
    const fromBlocked = await send(blocked, `hey @${blocker.user.username} look`);
    const fromOther = await send(other, `hey @${blocker.user.username} and @${blocked.user.username}`);
    const mentionEvents = payloadsOf(ts.events, 'mention').map((p) => p.message.id);
    expect(fromBlocked.mentions).toEqual([]);
    expect(fromOther.mentions.sort()).toEqual([blocker.user.id, blocked.user.id].sort());
    expect(mentionEvents).not.toContain(fromBlocked.id);
    expect(mentionEvents.filter((id) => id === fromOther.id)).toHaveLength(2);
    const stored = await ts.services.messages.mentions(blocker.user.id, 50);
    expect(stored.messages.map((m) => m.id)).toContain(fromOther.id);
    expect(stored.messages.map((m) => m.id)).not.toContain(fromBlocked.id);
    const unread = await ts.services.receipts.unread(blocker.user.id);
    const entry = unread.find((u) => u.target.type === 'room' && u.target.room_id === roomId);
    expect(entry?.mention_count).toBe(1);
    // the other direction: the blocker mentioning the blocked user is not a "their mention" case
    const fromBlocker = await send(blocker, `@${blocked.user.username} noted`);
    expect(fromBlocker.mentions).toEqual([blocked.user.id]);
  });
});

describe('show_online: false hides a user from every online list returned to others (§8)', () => {
  it('online_user_ids, user lists, GET user and room member rows', async () => {
    const [shy, open, viewer] = await Promise.all([
      registerUser(ts.services),
      registerUser(ts.services),
      registerUser(ts.services),
    ]);
    const room = await ts.services.rooms.create(viewer.user.id, { name: `shy-${Date.now()}` });
    await ts.services.rooms.join(shy.user.id, room.id);
    await ts.services.rooms.join(open.user.id, room.id);
    for (const u of [shy, open, viewer])
      await ts.services.presence.connected(u.user, 'relay-x', `c-${u.user.id}`, 60);
    await ts.services.preferences.update(shy.user.id, { privacy: { show_online: false } });

    const online = await ts.services.users.onlineUserIds(viewer.user.id);
    expect(online).toEqual(expect.arrayContaining([open.user.id, viewer.user.id]));
    expect(online).not.toContain(shy.user.id);
    // the user themself still sees their own state
    expect(await ts.services.users.onlineUserIds(shy.user.id)).toContain(shy.user.id);

    const onlineOnly = await ts.services.users.list(100, 0, { onlineOnly: true }, viewer.user.id);
    expect(onlineOnly.map((r) => r.user.id)).not.toContain(shy.user.id);
    expect(onlineOnly.map((r) => r.user.id)).toContain(open.user.id);
    const listed = await ts.services.users.list(100, 0, { search: shy.user.username }, viewer.user.id);
    expect(listed).toEqual([expect.objectContaining({ online: false })]);

    expect((await ts.services.users.getWithPresence(shy.user.id, viewer.user.id)).online).toBe(false);
    expect((await ts.services.users.getWithPresence(open.user.id, viewer.user.id)).online).toBe(true);
    expect((await ts.services.users.getWithPresence(shy.user.id, shy.user.id)).online).toBe(true);

    const members = await ts.services.rooms.members(viewer.user.id, room.id);
    const flag = (id: string) => members.find((m) => m.user_id === id)?.is_online;
    expect(flag(shy.user.id)).toBe(false);
    expect(flag(open.user.id)).toBe(true);

    // turning it back on shows the user again
    await ts.services.preferences.update(shy.user.id, { privacy: { show_online: true } });
    expect(await ts.services.users.onlineUserIds(viewer.user.id)).toContain(shy.user.id);
  });
});
