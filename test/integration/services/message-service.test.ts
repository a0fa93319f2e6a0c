// Integration tests of MessageService on DynamoDB Local: send/history/edit/delete/typing rules and event audiences.
import { randomBytes } from 'node:crypto';
import type { AuthResult } from '../../../shared/features/auth/index.js';
import { freshLifecycle, type MessageTarget } from '../../../shared/features/messages/index.js';
import type { Room } from '../../../shared/features/rooms/index.js';
import {
  createTestServices,
  eventsOf,
  registerUser,
  type TestServices,
  UNKNOWN_ID,
  registerCast,
} from '../../support/services.js';

let t: TestServices;
let alice: AuthResult; // room owner
let mo: AuthResult; // room moderator
let bob: AuthResult; // room member
let eve: AuthResult; // outsider
let room: Room;
let inRoom: MessageTarget;
const UNKNOWN = UNKNOWN_ID;

beforeAll(async () => {
  t = await createTestServices();
  ({ alice, mo, bob, eve } = await registerCast(t.services));
  room = await t.services.rooms.create(alice.user.id, { name: `msgs-${randomBytes(4).toString('hex')}` });
  await t.services.rooms.join(mo.user.id, room.id);
  await t.services.rooms.join(bob.user.id, room.id);
  await t.services.rooms.changeRole(alice.user.id, room.id, mo.user.id, 'moderator');
  inRoom = { type: 'room', room_id: room.id };
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  t.events.length = 0;
  t.publisher.failing = false;
});

describe('send', () => {
  it('a failing access policy (e.g. the relay session re-check) wins over every other error and writes nothing', async () => {
    const before = (await t.services.messages.history(bob.user.id, inRoom, 100)).messages.length;
    const sessionGone = () => Promise.reject(new Error('session_not_found stand-in'));
    const access = { isMember: sessionGone, membership: sessionGone };
    // Outsider + blank content + failing access policy: the policy's own error is the one thrown.
    await expect(t.services.messages.send(eve.user.id, inRoom, ' ', { access })).rejects.toThrow(
      'session_not_found stand-in',
    );
    await expect(t.services.messages.send(bob.user.id, inRoom, 'x', { access })).rejects.toThrow(
      'session_not_found stand-in',
    );
    expect((await t.services.messages.history(bob.user.id, inRoom, 100)).messages).toHaveLength(before);
    expect(t.events).toEqual([]);
  });

  it('uses a caller-supplied author name for message_received (no user read needed)', async () => {
    await t.services.messages.send(bob.user.id, inRoom, 'named', { authorUsername: 'bob-from-token' });
    expect(t.events.map((e) => e.payload)).toEqual([
      expect.objectContaining({ type: 'message_received', author_username: 'bob-from-token' }),
    ]);
  });

  it('stores room messages untrimmed and emits message_received with author_username to the room', async () => {
    const message = await t.services.messages.send(bob.user.id, inRoom, '  hello  ');
    expect(message).toEqual({
      id: expect.any(String),
      author: bob.user.id,
      target: inRoom,
      content: '  hello  ',
      edited: false,
      created_at: expect.any(String),
      // docs/protocol/extensions.md §1.1: the lifecycle fields, for everyone
      ...freshLifecycle(message.created_at),
    });
    expect(t.events).toEqual([
      expect.objectContaining({
        audience: { kind: 'room', roomId: room.id },
        payload: { type: 'message_received', message, author_username: bob.user.username },
      }),
    ]);
    expect(t.events[0]?.at).toEqual(expect.any(Number));
  });

  it('validates content first, then membership (also for unknown rooms)', async () => {
    await expect(t.services.messages.send(eve.user.id, inRoom, ' \n ')).rejects.toMatchObject({
      code: 'content_invalid',
      message: 'Content invalid: value cannot be empty',
    });
    await expect(t.services.messages.send(bob.user.id, inRoom, 'x'.repeat(4097))).rejects.toMatchObject({
      code: 'content_invalid',
      message: 'Content invalid: value too long: maximum 4096, got 4097',
    });
    await expect(t.services.messages.send(eve.user.id, inRoom, 'hi')).rejects.toMatchObject({
      code: 'not_room_member',
    });
    await expect(
      t.services.messages.send(bob.user.id, { type: 'room', room_id: UNKNOWN }, 'hi'),
    ).rejects.toMatchObject({
      code: 'not_room_member',
    });
    expect(t.events).toHaveLength(0);
  });

  it('sends DMs to any existing user (yourself included) with the pair as audience', async () => {
    const dm = await t.services.messages.send(eve.user.id, { type: 'dm', recipient: bob.user.id }, 'psst');
    expect(dm.target).toEqual({ type: 'dm', recipient: bob.user.id });
    expect(t.events[0]?.audience).toEqual({ kind: 'users', userIds: [eve.user.id, bob.user.id] });
    await t.services.messages.send(eve.user.id, { type: 'dm', recipient: eve.user.id }, 'note to self');
    expect(t.events[1]?.audience).toEqual({ kind: 'users', userIds: [eve.user.id] });
    await expect(
      t.services.messages.send(eve.user.id, { type: 'dm', recipient: UNKNOWN }, 'hi'),
    ).rejects.toMatchObject({
      code: 'user_not_found',
    });
  });

  it('succeeds even when publishing the event fails', async () => {
    t.publisher.failing = true;
    await expect(t.services.messages.send(bob.user.id, inRoom, 'still stored')).resolves.toMatchObject({
      content: 'still stored',
    });
  });
});

describe('history', () => {
  it('returns newest first with has_more = (returned == limit); members only', async () => {
    const own = await t.services.rooms.create(alice.user.id, {
      name: `hist-${randomBytes(4).toString('hex')}`,
    });
    const target: MessageTarget = { type: 'room', room_id: own.id };
    for (const content of ['one', 'two', 'three'])
      await t.services.messages.send(alice.user.id, target, content);
    const all = await t.services.messages.history(alice.user.id, target, 50);
    expect(all.messages.map((m) => m.content)).toEqual(['three', 'two', 'one']);
    expect(all.has_more).toBe(false);
    const two = await t.services.messages.history(alice.user.id, target, 2);
    expect(two.messages.map((m) => m.content)).toEqual(['three', 'two']);
    expect(two.has_more).toBe(true);
    const exact = await t.services.messages.history(alice.user.id, target, 3);
    expect(exact.has_more).toBe(true);
    await expect(t.services.messages.history(bob.user.id, target, 50)).rejects.toMatchObject({
      code: 'not_room_member',
    });
    await expect(
      t.services.messages.history(bob.user.id, { type: 'room', room_id: UNKNOWN }, 50),
    ).rejects.toMatchObject({
      code: 'not_room_member',
    });
  });

  it('covers both directions of a DM; the partner must exist', async () => {
    const [p, q] = await Promise.all([registerUser(t.services), registerUser(t.services)]);
    await t.services.messages.send(p.user.id, { type: 'dm', recipient: q.user.id }, 'ping');
    await t.services.messages.send(q.user.id, { type: 'dm', recipient: p.user.id }, 'pong');
    const fromP = await t.services.messages.history(p.user.id, { type: 'dm', recipient: q.user.id }, 50);
    const fromQ = await t.services.messages.history(q.user.id, { type: 'dm', recipient: p.user.id }, 50);
    expect(fromP.messages.map((m) => m.content)).toEqual(['pong', 'ping']);
    expect(fromQ.messages).toEqual(fromP.messages);
    await expect(
      t.services.messages.history(p.user.id, { type: 'dm', recipient: UNKNOWN }, 50),
    ).rejects.toMatchObject({
      code: 'user_not_found',
    });
  });
});

describe('edit', () => {
  it('lets only the author edit, then validates content; emits message_edited with previous_content', async () => {
    const message = await t.services.messages.send(bob.user.id, inRoom, 'before');
    t.events.length = 0;
    await expect(t.services.messages.edit(alice.user.id, message.id, ' ')).rejects.toMatchObject({
      code: 'not_message_author',
    });
    await expect(t.services.messages.edit(bob.user.id, message.id, ' ')).rejects.toMatchObject({
      code: 'content_invalid',
    });
    await expect(t.services.messages.edit(bob.user.id, UNKNOWN, 'x')).rejects.toMatchObject({
      code: 'message_not_found',
    });

    const edited = await t.services.messages.edit(bob.user.id, message.id, 'after');
    expect(edited).toEqual({
      ...message,
      content: 'after',
      edited: true,
      edit_count: 1,
      edited_at: edited.edited_at,
      updated_at: edited.edited_at,
    });
    expect(t.events).toEqual([
      expect.objectContaining({
        audience: { kind: 'room', roomId: room.id },
        payload: { type: 'message_edited', message: edited, previous_content: 'before' },
      }),
    ]);
    await expect(t.services.messages.edit(bob.user.id, message.id, 'again')).resolves.toMatchObject({
      content: 'again',
    });
  });

  it('edits DMs with the pair as audience', async () => {
    const dm = await t.services.messages.send(eve.user.id, { type: 'dm', recipient: bob.user.id }, 'tpyo');
    t.events.length = 0;
    await expect(t.services.messages.edit(bob.user.id, dm.id, 'typo')).rejects.toMatchObject({
      code: 'not_message_author',
    });
    await t.services.messages.edit(eve.user.id, dm.id, 'typo');
    expect(t.events[0]?.audience).toEqual({ kind: 'users', userIds: [eve.user.id, bob.user.id] });
  });
});

describe('delete', () => {
  it('room messages: author and room moderators/owners yes, plain members and outsiders no', async () => {
    const m1 = await t.services.messages.send(bob.user.id, inRoom, 'bob 1');
    const m2 = await t.services.messages.send(alice.user.id, inRoom, 'alice 1');
    const m3 = await t.services.messages.send(mo.user.id, inRoom, 'mo 1');
    t.events.length = 0;
    await expect(t.services.messages.delete(bob.user.id, m2.id)).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await expect(t.services.messages.delete(eve.user.id, m1.id)).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await expect(t.services.messages.delete(eve.user.id, UNKNOWN)).rejects.toMatchObject({
      code: 'message_not_found',
    });

    await t.services.messages.delete(mo.user.id, m1.id); // moderator, someone else's
    await t.services.messages.delete(mo.user.id, m2.id); // moderator deleting the owner's message
    await t.services.messages.delete(alice.user.id, m3.id); // owner
    expect(eventsOf(t.events, 'message_deleted').map((e) => [e.payload, e.audience])).toEqual([
      [
        { type: 'message_deleted', message_id: m1.id, target: inRoom, deleted_by: mo.user.id },
        { kind: 'room', roomId: room.id },
      ],
      [
        { type: 'message_deleted', message_id: m2.id, target: inRoom, deleted_by: mo.user.id },
        { kind: 'room', roomId: room.id },
      ],
      [
        { type: 'message_deleted', message_id: m3.id, target: inRoom, deleted_by: alice.user.id },
        { kind: 'room', roomId: room.id },
      ],
    ]);
    // A tombstone now (docs/protocol/extensions.md §1.3).
    await expect(t.repos.messages.getById(m1.id)).resolves.toMatchObject({ deleted: true, content: '' });
  });

  it('the author may delete even after leaving the room', async () => {
    const u = await registerUser(t.services);
    await t.services.rooms.join(u.user.id, room.id);
    const message = await t.services.messages.send(u.user.id, inRoom, 'bye');
    await t.services.rooms.leave(u.user.id, room.id);
    await expect(t.services.messages.delete(u.user.id, message.id)).resolves.toBeUndefined();
  });

  it("someone else's DM never; the author's DM with deleter + recipient as audience", async () => {
    const dm = await t.services.messages.send(eve.user.id, { type: 'dm', recipient: bob.user.id }, 'secret');
    t.events.length = 0;
    await expect(t.services.messages.delete(bob.user.id, dm.id)).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await t.services.messages.delete(eve.user.id, dm.id);
    expect(t.events).toEqual([
      expect.objectContaining({
        audience: { kind: 'users', userIds: [eve.user.id, bob.user.id] },
        payload: {
          type: 'message_deleted',
          message_id: dm.id,
          target: { type: 'dm', recipient: bob.user.id },
          deleted_by: eve.user.id,
        },
      }),
    ]);
  });
});

describe('typing', () => {
  it('emits user_typing to the room (members only) or the DM pair (unchecked, as upstream), and never throws', async () => {
    await t.services.messages.typing(eve.user.id, inRoom); // outsider: dropped
    await t.services.messages.typing(bob.user.id, inRoom);
    await t.services.messages.typing(eve.user.id, { type: 'dm', recipient: bob.user.id });
    expect(t.events.map((e) => [e.payload, e.audience])).toEqual([
      [
        { type: 'user_typing', user_id: bob.user.id, target: inRoom },
        { kind: 'room', roomId: room.id },
      ],
      [
        { type: 'user_typing', user_id: eve.user.id, target: { type: 'dm', recipient: bob.user.id } },
        { kind: 'users', userIds: [eve.user.id, bob.user.id] },
      ],
    ]);
    t.publisher.failing = true;
    await expect(t.services.messages.typing(bob.user.id, inRoom)).resolves.toBeUndefined();
  });

  it('a per-call access policy answers membership without a read (the relay passes its room index)', async () => {
    const indexed = { isMember: () => Promise.resolve(true), membership: () => Promise.resolve(null) };
    await t.services.messages.typing(eve.user.id, inRoom, { access: indexed });
    expect(t.events.map((e) => e.payload)).toEqual([
      { type: 'user_typing', user_id: eve.user.id, target: inRoom },
    ]);
  });
});
