// HTTP routes of read state and sync (docs/protocol/extensions.md §2, §3, §7.1 preferences): mark read, unread, users/me counts, receipts, sync and its bad input.
import {
  createRoom,
  expectError,
  expectNoServerErrors,
  registerUser,
  startTestApi,
  type TestApi,
  type TestUser,
} from '../../support/http.js';

describe('receipts and sync routes', () => {
  let api: TestApi;
  let alice: TestUser;
  let bob: TestUser;
  let eve: TestUser;
  let roomId: string;
  beforeAll(async () => {
    api = await startTestApi();
    [alice, bob, eve] = await Promise.all([
      registerUser(api, 'alice'),
      registerUser(api, 'bob'),
      registerUser(api, 'eve'),
    ]);
    roomId = await createRoom(api, alice);
    await api.request('POST', `/api/v1/rooms/${roomId}/join`, { token: bob.token });
  });
  afterAll(async () => {
    await expectNoServerErrors(api);
    await api.close();
  });

  const send = async (u: TestUser, content: string, target: unknown = { type: 'room', room_id: roomId }) =>
    (await api.request('POST', '/api/v1/messages', { token: u.token, body: { target, content } })).json
      .message as {
      id: string;
    };

  it('POST /messages/read, GET /unread and GET /users/me agree; bad markers are refused', async () => {
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await send(alice, `hello ${i}`)).id);
    const unread = await api.request('GET', '/api/v1/unread', { token: bob.token });
    expect(unread.status).toBe(200);
    expect(unread.json.unread).toEqual([
      {
        target: { type: 'room', room_id: roomId },
        unread_count: 4,
        mention_count: 0,
        last_message_id: ids[3],
        up_to: null,
      },
    ]);
    const read = await api.request('POST', '/api/v1/messages/read', {
      token: bob.token,
      body: { target: { type: 'room', room_id: roomId }, up_to: ids[2] },
    });
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({ unread_count: 1, receipt: { user_id: bob.id, up_to: ids[2] } });
    const me = await api.request('GET', '/api/v1/users/me', { token: bob.token });
    expect(me.json).toMatchObject({
      user: { id: bob.id },
      unread_counts: { total: 1, by_room: { [roomId]: 1 } },
    });

    const dm = await send(alice, 'a dm', { type: 'direct_message', recipient: bob.id });
    const wrong = await api.request('POST', '/api/v1/messages/read', {
      token: bob.token,
      body: { target: { type: 'room', room_id: roomId }, up_to: dm.id },
    });
    expectError(wrong, 400, 'validation_failed');
    expectError(
      await api.request('POST', '/api/v1/messages/read', {
        token: bob.token,
        body: { target: { type: 'room', room_id: roomId }, up_to: 'not-a-uuid' },
      }),
      400,
      'validation_failed',
    );
    expectError(
      await api.request('POST', '/api/v1/messages/read', {
        token: eve.token,
        body: { target: { type: 'room', room_id: roomId }, up_to: ids[0] },
      }),
      403,
      'not_room_member',
    );
    const dmRead = await api.request('POST', '/api/v1/messages/read', {
      token: bob.token,
      body: { target: { type: 'direct_message', recipient: alice.id }, up_to: dm.id },
    });
    expect(dmRead.status).toBe(200);
    const receipts = await api.request('GET', `/api/v1/messages/${dm.id}/receipts`, { token: alice.token });
    expect(receipts.json).toEqual({
      delivered: [],
      read: [{ user_id: bob.id, at: dmRead.json.receipt.read_at }],
    });
    expectError(
      await api.request('GET', `/api/v1/messages/${dm.id}/receipts`, { token: eve.token }),
      404,
      'message_not_found',
    );
  });

  it('GET|PATCH /users/me/preferences: defaults, merge, unknown keys refused (invalid_request, like every body)', async () => {
    const got = await api.request('GET', '/api/v1/users/me/preferences', { token: eve.token });
    expect(got.json.privacy.send_read_receipts).toBe(true);
    const patched = await api.request('PATCH', '/api/v1/users/me/preferences', {
      token: eve.token,
      body: { privacy: { send_read_receipts: false } },
    });
    expect(patched.json).toMatchObject({
      privacy: { send_read_receipts: false, show_online: true },
      theme: 'default',
    });
    expectError(
      await api.request('PATCH', '/api/v1/users/me/preferences', {
        token: eve.token,
        body: { privacy: { nope: 1 } },
      }),
      422,
      'invalid_request',
    );
  });

  it('GET /sync: changes after the token; garbage, foreign and out-of-range input is validation_failed 400', async () => {
    const first = await api.request('GET', '/api/v1/sync?limit=5', { token: bob.token });
    expect(first.status).toBe(200);
    const m = await send(alice, 'new since');
    const next = await api.request('GET', `/api/v1/sync?since=${encodeURIComponent(first.json.next_since)}`, {
      token: bob.token,
    });
    expect(next.status).toBe(200);
    const row = next.json.targets.find((x: { target: { room_id?: string } }) => x.target.room_id === roomId);
    expect(row.messages.map((x: { id: string }) => x.id)).toContain(m.id);
    expectError(
      await api.request('GET', '/api/v1/sync?since=%%%', { token: bob.token }),
      400,
      'validation_failed',
    );
    expectError(
      await api.request('GET', `/api/v1/sync?since=${encodeURIComponent(first.json.next_since)}`, {
        token: eve.token,
      }),
      400,
      'validation_failed',
    );
    expectError(
      await api.request('GET', '/api/v1/sync?limit=0', { token: bob.token }),
      400,
      'validation_failed',
    );
    expectError(await api.request('GET', '/api/v1/sync'), 401, 'missing_token');
  });
});
