// Room, message and invitation commands of docs/protocol/tcp.md §7.1–7.13 over real TCP sockets, plaintext and encrypted.
import { randomUUID } from 'node:crypto';
import type { TestTcpClient } from '../../support/relay.js';
import { expectFail, expectOk, type Msg, startRelayPair, type RelayPair } from '../../support/relay.js';

describe.each([
  ['plaintext', false],
  ['encrypted', true],
])('TCP room/message/invitation commands (%s)', (_label, encrypt) => {
  let alice: TestTcpClient;
  let bob: TestTcpClient;
  let aliceId: string;
  let bobId: string;

  let pair: RelayPair;

  beforeAll(async () => {
    pair = await startRelayPair(encrypt);
    ({ alice, bob, aliceId, bobId } = pair);
  });
  afterAll(() => pair.close());
  afterEach(() => {
    pair.expectClean();
  });

  it('room lifecycle: create_room, get_room, list_rooms, join_room, leave_room', async () => {
    const name = `room-${randomUUID().slice(0, 8)}`;
    const created = await alice.request({
      type: 'create_room',
      request_id: 'c1',
      name,
      description: 'Talk',
      settings: { public: true },
    });
    expectOk(created, 'create_room_response', 'c1');
    expect(created.room).toMatchObject({
      name,
      owner: aliceId,
      settings: { description: 'Talk', is_private: false },
    });
    const roomId = created.room.id as string;

    expectFail(
      await alice.request({ type: 'create_room', name: name.toUpperCase() }),
      'create_room_response',
      'room_name_taken',
    );
    expectFail(
      await alice.request({ type: 'create_room', name: '   ' }),
      'create_room_response',
      'room_name_invalid',
    );

    const asOwner = await alice.request({ type: 'get_room', room_id: roomId });
    expectOk(asOwner, 'get_room_response', null);
    expect(asOwner).toMatchObject({ room: { id: roomId }, membership: { role: 'owner' }, member_count: 1 });
    const asStranger = await bob.request({ type: 'get_room', room_id: roomId.toUpperCase() });
    expect(asStranger).not.toHaveProperty('membership');
    expect(asStranger.member_count).toBe(1);
    const badId = await bob.request({ type: 'get_room', room_id: 'nope' });
    expectFail(badId, 'get_room_response', 'validation_failed', 'Invalid room ID');
    expect(badId.member_count).toBe(0);
    expectFail(
      await bob.request({ type: 'get_room', room_id: randomUUID() }),
      'get_room_response',
      'not_found',
      'Room not found',
    );

    const listed = await bob.request({
      type: 'list_rooms',
      filter: { joined_only: false },
      limit: 100,
      offset: 0,
    });
    expectOk(listed, 'list_rooms_response', null);
    const row = (listed.rooms as Msg[]).find((r) => r.room.id === roomId);
    expect(row).toMatchObject({ member_count: 1, is_member: false });
    expect(listed.total_count).toBe((listed.rooms as Msg[]).length);
    expect(listed.has_more).toBe(false);
    const one = await bob.request({ type: 'list_rooms', limit: 1 });
    expect(one).toMatchObject({ has_more: true, total_count: 1 });

    const joined = await bob.request({ type: 'join_room', request_id: 'j1', room_id: roomId });
    expectOk(joined, 'join_room_response', 'j1');
    expect(joined).toMatchObject({ room: { id: roomId }, membership: { user_id: bobId, role: 'member' } });
    expectFail(
      await bob.request({ type: 'join_room', room_id: roomId }),
      'join_room_response',
      'already_member',
    );
    expectFail(
      await bob.request({ type: 'join_room', room_id: 'x' }),
      'join_room_response',
      'validation_failed',
      'Invalid room ID',
    );
    expectFail(
      await bob.request({ type: 'join_room', room_id: randomUUID() }),
      'join_room_response',
      'room_not_found',
    );

    const mine = await bob.request({ type: 'list_rooms', filter: { joined_only: true } });
    expect(mine).toMatchObject({ success: true, has_more: false });
    expect((mine.rooms as Msg[]).map((r) => r.room.id)).toContain(roomId);
    expect((mine.rooms as Msg[]).every((r) => r.is_member === true)).toBe(true);

    expectOk(await bob.request({ type: 'leave_room', room_id: roomId }), 'leave_room_response', null);
    expectFail(
      await bob.request({ type: 'leave_room', room_id: roomId }),
      'leave_room_response',
      'not_room_member',
    );
    expectFail(
      await alice.request({ type: 'leave_room', room_id: roomId }),
      'leave_room_response',
      'last_owner',
    );
    expectFail(
      await alice.request({ type: 'leave_room', room_id: '' }),
      'leave_room_response',
      'validation_failed',
      'Invalid room ID',
    );
  });

  it('messages: send_message, edit_message, delete_message, get_messages (room and DM)', async () => {
    const room = (await alice.request({ type: 'create_room', name: `m-${randomUUID().slice(0, 8)}` }))
      .room as Msg;
    const target = { type: 'room', room_id: room.id as string };
    const sent = await alice.request({ type: 'send_message', request_id: 'm1', target, content: 'Hello!' });
    expectOk(sent, 'send_message_response', 'm1');
    expect(sent.message).toMatchObject({ author: aliceId, target, content: 'Hello!', edited: false });
    expectFail(
      await alice.request({ type: 'send_message', target, content: '  ' }),
      'send_message_response',
      'content_invalid',
    );
    expectFail(
      await bob.request({ type: 'send_message', target, content: 'hi' }),
      'send_message_response',
      'not_room_member',
    );
    const dm = await alice.request({
      type: 'send_message',
      target: { type: 'dm', recipient: bobId },
      content: 'psst',
    });
    expect(dm.message.target).toEqual({ type: 'dm', recipient: bobId });
    expectFail(
      await alice.request({
        type: 'send_message',
        target: { type: 'dm', recipient: randomUUID() },
        content: 'x',
      }),
      'send_message_response',
      'user_not_found',
    );

    const messageId = sent.message.id as string;
    const edited = await alice.request({
      type: 'edit_message',
      message_id: messageId,
      content: 'Hello, all!',
    });
    expectOk(edited, 'edit_message_response', null);
    expect(edited.message).toMatchObject({ id: messageId, content: 'Hello, all!', edited: true });
    expectFail(
      await alice.request({ type: 'edit_message', message_id: 'zzz', content: 'x' }),
      'edit_message_response',
      'invalid_id',
      'Invalid message ID',
    );
    expectFail(
      await alice.request({ type: 'edit_message', message_id: randomUUID(), content: 'x' }),
      'edit_message_response',
      'message_not_found',
    );
    expectFail(
      await bob.request({ type: 'edit_message', message_id: dm.message.id, content: 'x' }),
      'edit_message_response',
      'not_message_author',
    );

    await alice.request({ type: 'send_message', target, content: 'second' });
    const history = await alice.request({ type: 'get_messages', target, limit: 50, before: 'ignored' });
    expectOk(history, 'get_messages_response', null);
    expect((history.messages as Msg[]).map((m) => m.content)).toEqual(['second', 'Hello, all!']);
    expect(history.has_more).toBe(false);
    expect((await alice.request({ type: 'get_messages', target, limit: 1 })).has_more).toBe(true);
    const dmHistory = await bob.request({ type: 'get_messages', target: { type: 'dm', recipient: aliceId } });
    expect((dmHistory.messages as Msg[]).map((m) => m.content)).toEqual(['psst']);
    const denied = await bob.request({ type: 'get_messages', target });
    expectFail(denied, 'get_messages_response', 'not_room_member');
    expect(denied.has_more).toBe(false);

    expectFail(
      await alice.request({ type: 'delete_message', message_id: '1' }),
      'delete_message_response',
      'invalid_id',
      'Invalid message ID',
    );
    expectFail(
      await bob.request({ type: 'delete_message', message_id: messageId }),
      'delete_message_response',
      'permission_denied',
    );
    expectOk(
      await alice.request({ type: 'delete_message', message_id: messageId }),
      'delete_message_response',
      null,
    );
    expectFail(
      await alice.request({ type: 'delete_message', message_id: messageId }),
      'delete_message_response',
      'message_not_found',
    );
  });

  it('a bad UUID inside target is a top-level invalid_message, connection stays open', async () => {
    alice.send({ type: 'send_message', target: { type: 'room', room_id: 'nope' }, content: 'x' });
    const err = await alice.nextOf('error');
    expect(err.code).toBe('invalid_message');
    expect(err.message).toMatch(/^Invalid JSON: /);
    alice.send({ type: 'ping' });
    await alice.nextOf('pong');
  });

  it('invitations: invite_to_room, list_invitations, decline_invitation, accept_invitation', async () => {
    const room = (
      await alice.request({
        type: 'create_room',
        name: `p-${randomUUID().slice(0, 8)}`,
        settings: { public: false },
      })
    ).room as Msg;
    expectFail(
      await bob.request({ type: 'join_room', room_id: room.id }),
      'join_room_response',
      'room_private',
    );
    expectFail(
      await alice.request({ type: 'invite_to_room', room_id: 'r', user_id: bobId }),
      'invite_to_room_response',
      'validation_failed',
      'Invalid room ID',
    );
    expectFail(
      await alice.request({ type: 'invite_to_room', room_id: room.id, user_id: 'u' }),
      'invite_to_room_response',
      'validation_failed',
      'Invalid user ID',
    );
    expectFail(
      await alice.request({ type: 'invite_to_room', room_id: room.id, user_id: randomUUID() }),
      'invite_to_room_response',
      'user_not_found',
    );

    const first = await alice.request({
      type: 'invite_to_room',
      request_id: 'i1',
      room_id: room.id,
      user_id: bobId,
      message: 'discarded',
    });
    expectOk(first, 'invite_to_room_response', 'i1');
    expect(first.invitation).toMatchObject({
      room_id: room.id,
      inviter_id: aliceId,
      invitee_id: bobId,
      status: 'pending',
    });
    expectFail(
      await alice.request({ type: 'invite_to_room', room_id: room.id, user_id: bobId }),
      'invite_to_room_response',
      'already_invited',
    );

    const pending = await bob.request({ type: 'list_invitations' });
    expectOk(pending, 'list_invitations_response', null);
    expect((pending.invitations as Msg[]).map((i) => i.id)).toContain(first.invitation.id);

    expectFail(
      await bob.request({ type: 'decline_invitation', invitation_id: '?' }),
      'decline_invitation_response',
      'validation_failed',
      'Invalid invitation ID',
    );
    expectFail(
      await alice.request({ type: 'decline_invitation', invitation_id: first.invitation.id }),
      'decline_invitation_response',
      'not_invitee',
    );
    expectOk(
      await bob.request({ type: 'decline_invitation', invitation_id: first.invitation.id }),
      'decline_invitation_response',
      null,
    );
    expectFail(
      await bob.request({ type: 'accept_invitation', invitation_id: first.invitation.id }),
      'accept_invitation_response',
      'invitation_expired',
    );

    const second = await alice.request({ type: 'invite_to_room', room_id: room.id, user_id: bobId });
    const accepted = await bob.request({ type: 'accept_invitation', invitation_id: second.invitation.id });
    expectOk(accepted, 'accept_invitation_response', null);
    expect(accepted.membership).toMatchObject({ room_id: room.id, user_id: bobId, role: 'member' });
    expect(accepted).not.toHaveProperty('room');
    expectFail(
      await bob.request({ type: 'accept_invitation', invitation_id: randomUUID() }),
      'accept_invitation_response',
      'invitation_not_found',
    );
    expectFail(
      await alice.request({ type: 'invite_to_room', room_id: room.id, user_id: bobId }),
      'invite_to_room_response',
      'already_member',
    );
  });
});
