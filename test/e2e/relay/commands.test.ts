// Every client message type of tcp.md §6–§7 over real TCP sockets, plaintext and encrypted, against DynamoDB Local.
import { randomUUID } from 'node:crypto';
import { connectUser, startTestRelay, TestTcpClient, type Msg, type TestRelay } from '../../support/relay.js';
import { userInput } from '../../support/services.js';

/** Success shape of tcp.md §2.2: request_id echoed, success true, no error key. */
function expectOk(res: Msg, type: string, requestId: string | null): void {
  expect(res).toMatchObject({ type, request_id: requestId, success: true });
  expect(res).not.toHaveProperty('error');
}

/** Failure shape: error {code, message}, no payload fields. */
function expectFail(res: Msg, type: string, code: string, message?: string): void {
  expect(res).toMatchObject({ type, success: false, error: { code } });
  if (message !== undefined) expect(res.error.message).toBe(message);
  for (const field of [
    'message',
    'room',
    'user',
    'membership',
    'invitation',
    'messages',
    'rooms',
    'users',
    'session',
    'token',
  ]) {
    expect(res).not.toHaveProperty(field);
  }
}

describe.each([
  ['plaintext', false],
  ['encrypted', true],
])('TCP commands (%s)', (_label, encrypt) => {
  let relay: TestRelay;
  let alice: TestTcpClient;
  let bob: TestTcpClient;
  let aliceId: string;
  let bobId: string;

  beforeAll(async () => {
    relay = await startTestRelay();
    const a = await connectUser(relay, { encrypt });
    const b = await connectUser(relay, { encrypt });
    alice = a.client;
    bob = b.client;
    aliceId = a.auth.user.id;
    bobId = b.auth.user.id;
  });
  afterAll(async () => {
    alice.destroy();
    bob.destroy();
    await relay.close();
  });
  afterEach(() => {
    expect(alice.garbage).toHaveLength(0);
    expect(bob.garbage).toHaveLength(0);
    expect(alice.encrypted).toBe(encrypt);
  });

  it('ping -> pong with +00:00 server_time', async () => {
    alice.send({ type: 'ping' });
    const pong = await alice.nextOf('pong');
    expect(Object.keys(pong)).toEqual(['type', 'server_time']);
    expect(pong.server_time).toMatch(/^\d{4}-\d\d-\d\dT.*\+00:00$/);
  });

  it('get_current_user returns the authentication snapshot, request_id echoed', async () => {
    const res = await alice.request({ type: 'get_current_user', request_id: 'me' });
    expectOk(res, 'get_current_user_response', 'me');
    expect(res.user.id).toBe(aliceId);
    const anon = await alice.request({ type: 'get_current_user' });
    expect(anon.request_id).toBeNull();
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

  it('users: get_user, list_users (online_user_ids of everyone online)', async () => {
    const got = await alice.request({ type: 'get_user', user_id: bobId });
    expectOk(got, 'get_user_response', null);
    expect(got.user).toMatchObject({ id: bobId });
    expect(got.user).not.toHaveProperty('password_hash');
    expectFail(
      await alice.request({ type: 'get_user', user_id: 'b' }),
      'get_user_response',
      'validation_failed',
      'Invalid user ID',
    );
    expectFail(
      await alice.request({ type: 'get_user', user_id: randomUUID() }),
      'get_user_response',
      'not_found',
      'User not found',
    );

    const page = await alice.request({
      type: 'list_users',
      request_id: 'lu',
      filter: { search: 'ignored', online_only: true },
      limit: 100,
      offset: 0,
    });
    expectOk(page, 'list_users_response', 'lu');
    expect((page.users as Msg[]).map((u) => u.id)).toEqual(expect.arrayContaining([aliceId, bobId]));
    expect(page.online_user_ids).toEqual(expect.arrayContaining([aliceId, bobId]));
    expect(page).toMatchObject({ has_more: false, total_count: (page.users as Msg[]).length });
    expect(await alice.request({ type: 'list_users', limit: 1 })).toMatchObject({
      has_more: true,
      total_count: 1,
    });
  });

  it('typing never answers and reaches the room', async () => {
    const room = (await alice.request({ type: 'create_room', name: `t-${randomUUID().slice(0, 8)}` }))
      .room as Msg;
    alice.send({ type: 'typing', target: { type: 'room', room_id: room.id } });
    const ev = await alice.nextOf('user_typing');
    expect(ev).toEqual({ type: 'user_typing', user_id: aliceId, target: { type: 'room', room_id: room.id } });
    expect(await alice.expectNone((m) => m.type === 'typing_response')).toBe(true);
  });

  it('deprecated register and login over TCP; failures stay in AWAIT_AUTH', async () => {
    const c = await TestTcpClient.connect(relay.relay.port);
    await c.handshake(encrypt);
    const input = userInput();
    const bad = await c.request({ type: 'register', request_id: 'r0', ...input, password: 'short' });
    expectFail(bad, 'register_response', 'password_too_weak');
    expect(bad.request_id).toBe('r0');
    expectFail(
      await c.request({ type: 'login', identifier: input.username, password: input.password }),
      'login_response',
      'invalid_credentials',
    );
    const reg = await c.request({ type: 'register', request_id: 'r1', ...input });
    expectOk(reg, 'register_response', 'r1');
    expect(reg).toMatchObject({
      user: { username: input.username },
      session: { id: expect.any(String) },
      token: expect.any(String),
    });
    expect(reg.session.expires_at).toMatch(/\+00:00$/);
    c.send({ type: 'register', ...input });
    const again = await c.nextOf('error');
    expect(again).toEqual({ type: 'error', code: 'invalid_state', message: 'Already authenticated' });
    c.destroy();

    const d = await TestTcpClient.connect(relay.relay.port);
    await d.handshake(encrypt);
    expectFail(await d.request({ type: 'register', ...input }), 'register_response', 'username_taken');
    const login = await d.request({
      type: 'login',
      request_id: 'l1',
      identifier: input.username.toUpperCase(),
      password: input.password,
    });
    expectOk(login, 'login_response', 'l1');
    expect(login.token).toEqual(expect.any(String));
    expectOk(await d.request({ type: 'get_current_user' }), 'get_current_user_response', null);
    d.destroy();
  });

  it('authenticate failures carry the tcp.md §6.1 codes', async () => {
    const c = await TestTcpClient.connect(relay.relay.port);
    await c.handshake(encrypt);
    const res = await c.request({ type: 'authenticate', request_id: 'x', token: 'not.a.jwt' });
    expectFail(res, 'authenticate_response', 'invalid_token');
    expect(res.error.message).toMatch(/^Invalid token: /);
    c.destroy();
  });

  it('commands re-validate the session after an HTTP logout; the exceptions keep working', async () => {
    const { client, auth } = await connectUser(relay, { encrypt });
    const room = (await client.request({ type: 'create_room', name: `s-${randomUUID().slice(0, 8)}` }))
      .room as Msg;
    const claims = await relay.services.auth.verifyToken(auth.token);
    await relay.services.auth.logout(claims.sub, claims.sid);
    const target = { type: 'room', room_id: room.id };
    expectFail(
      await client.request({ type: 'send_message', target, content: 'x' }),
      'send_message_response',
      'session_not_found',
    );
    expectFail(
      await client.request({ type: 'list_rooms', filter: { joined_only: true } }),
      'list_rooms_response',
      'session_not_found',
    );
    expectFail(
      await client.request({ type: 'list_invitations' }),
      'list_invitations_response',
      'session_not_found',
    );
    expectOk(await client.request({ type: 'list_rooms' }), 'list_rooms_response', null);
    expectOk(await client.request({ type: 'get_room', room_id: room.id }), 'get_room_response', null);
    expectOk(await client.request({ type: 'get_user', user_id: bobId }), 'get_user_response', null);
    expectOk(await client.request({ type: 'list_users' }), 'list_users_response', null);
    expectOk(await client.request({ type: 'get_current_user' }), 'get_current_user_response', null);
    expect(client.isClosed).toBe(false);
    client.destroy();
  });

  it('logout: logout_response (request_id echoed), then the socket closes (EOF); the token is dead', async () => {
    const other = await relay.services.auth.login(
      {
        identifier: (await bob.request({ type: 'get_current_user' })).user.username,
        password: 'password123',
      },
      'http',
    );
    const c = await TestTcpClient.connect(relay.relay.port);
    await c.login(other.token, encrypt);
    const res = await c.request({ type: 'logout', request_id: 'r9' });
    expect(res).toEqual({ type: 'logout_response', request_id: 'r9', success: true });
    await c.waitClosed();
    await expect(relay.services.auth.authenticate(other.token)).rejects.toMatchObject({
      code: 'session_not_found',
    });
    expect(c.garbage).toHaveLength(0);
    // The original bob connection (different session) is unaffected.
    expectOk(await bob.request({ type: 'get_current_user' }), 'get_current_user_response', null);
  });
});
