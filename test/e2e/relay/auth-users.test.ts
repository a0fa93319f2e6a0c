// Auth messages (docs/protocol/tcp.md §6), user commands, typing, ping, session re-validation and logout over real TCP, plain and encrypted.
import { randomUUID } from 'node:crypto';
import {
  connectUser,
  expectFail,
  expectOk,
  TestTcpClient,
  type Msg,
  type TestRelay,
  startRelayPair,
  type RelayPair,
} from '../../support/relay.js';
import { userInput } from '../../support/services.js';

describe.each([
  ['plaintext', false],
  ['encrypted', true],
])('TCP auth and user commands (%s)', (_label, encrypt) => {
  let relay: TestRelay;
  let alice: TestTcpClient;
  let bob: TestTcpClient;
  let aliceId: string;
  let bobId: string;

  let pair: RelayPair;

  beforeAll(async () => {
    pair = await startRelayPair(encrypt);
    ({ relay, alice, bob, aliceId, bobId } = pair);
  });
  afterAll(() => pair.close());
  afterEach(() => {
    pair.expectClean();
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
      filter: { online_only: true }, // search/online_only are applied now (issue 17 finding 5)
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

  it('authenticate failures carry the docs/protocol/tcp.md §6.1 codes', async () => {
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
        password: 'plaid-otter-quarry-9',
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
