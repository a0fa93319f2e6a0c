// Integration: docs/protocol/extensions.md §7.3 blocking over HTTP — routes, the DM/invitation refusals (byte-identical to dm_from: friends), room history hiding, a block ending friendship and requests.
import {
  createRoom,
  expectError,
  expectNoServerErrors,
  registerUser,
  startTestApi,
  type TestApi,
  type TestUser,
} from '../../support/http.js';

describe('blocks (extensions.md §7.3)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await expectNoServerErrors(api);
    await api.close();
  });

  const dm = (from: TestUser, to: TestUser, content = 'hi') =>
    api.request('POST', '/api/v1/messages', {
      token: from.token,
      body: { target: { type: 'direct_message', recipient: to.id }, content },
    });
  const block = (by: TestUser, who: TestUser) =>
    api.request('PUT', `/api/v1/blocks/${who.id}`, { token: by.token });

  it('PUT is idempotent, GET lists, DELETE lifts; bad input answers the documented codes and changes nothing', async () => {
    const [a, b] = await Promise.all([registerUser(api), registerUser(api)]);
    expect((await block(a, b)).json).toEqual({ success: true });
    expect((await block(a, b)).status).toBe(200);
    const list = await api.request('GET', '/api/v1/blocks', { token: a.token });
    expect(list.json).toEqual({
      blocks: [{ user_id: b.id, username: b.username, created_at: expect.any(String) }],
      next_cursor: null,
    });
    expectError(await block(a, a), 400, 'validation_failed');
    expectError(
      await api.request('PUT', '/api/v1/blocks/00000000-0000-4000-8000-000000000000', { token: a.token }),
      404,
      'user_not_found',
    );
    expectError(await api.request('PUT', '/api/v1/blocks/nope', { token: a.token }), 404, 'user_not_found');
    expectError(
      await api.request('GET', '/api/v1/blocks?limit=0', { token: a.token }),
      400,
      'validation_failed',
    );
    expectError(
      await api.request('GET', '/api/v1/blocks?cursor=zz', { token: a.token }),
      400,
      'validation_failed',
    );
    expect((await api.request('DELETE', `/api/v1/blocks/${b.id}`, { token: a.token })).status).toBe(200);
    expectError(await api.request('DELETE', `/api/v1/blocks/${b.id}`, { token: a.token }), 404, 'not_found');
    expect((await api.request('GET', '/api/v1/blocks', { token: a.token })).json.blocks).toEqual([]);
    expectError(await api.request('GET', '/api/v1/blocks'), 401, 'missing_token');
  });

  it('refuses DMs both ways with recipient_unavailable, byte-identical to the dm_from: friends refusal; unblock restores', async () => {
    const [a, b, c] = await Promise.all([registerUser(api), registerUser(api), registerUser(api)]);
    await block(b, a);
    const blocked = await dm(a, b);
    expectError(blocked, 403, 'recipient_unavailable');
    expectError(await dm(b, a), 403, 'recipient_unavailable');
    const prefs = await api.request('PATCH', '/api/v1/users/me/preferences', {
      token: c.token,
      body: { privacy: { dm_from: 'friends' } },
    });
    expect(prefs.json.privacy.dm_from).toBe('friends');
    const stranger = await dm(a, c);
    expect(stranger.status).toBe(403);
    expect(stranger.text).toBe(blocked.text);
    expect(stranger.headers.get('content-type')).toBe(blocked.headers.get('content-type'));
    expect((await dm(a, a)).status).toBe(201); // DMs to yourself stay allowed
    await api.request('DELETE', `/api/v1/blocks/${a.id}`, { token: b.token });
    expect((await dm(a, b)).status).toBe(201);
  });

  it('invitations of or by a blocked user are refused with recipient_unavailable (single and bulk)', async () => {
    const [owner, other] = await Promise.all([registerUser(api), registerUser(api)]);
    const roomId = await createRoom(api, owner);
    await block(other, owner);
    const single = await api.request('POST', '/api/v1/invitations', {
      token: owner.token,
      body: { room_id: roomId, user_id: other.id },
    });
    expectError(single, 403, 'recipient_unavailable');
    const bulk = await api.request('POST', '/api/v1/invitations/bulk', {
      token: owner.token,
      body: { room_id: roomId, user_ids: [other.id] },
    });
    expect(bulk.json.results[0].error.code).toBe('recipient_unavailable');
    // The blocker cannot invite the blocked user either.
    const theirRoom = await createRoom(api, other);
    expectError(
      await api.request('POST', '/api/v1/invitations', {
        token: other.token,
        body: { room_id: theirRoom, user_id: owner.id },
      }),
      403,
      'recipient_unavailable',
    );
  });

  it("hides the blocked user's room messages from the blocker's history only", async () => {
    const [a, b, c] = await Promise.all([registerUser(api), registerUser(api), registerUser(api)]);
    const roomId = await createRoom(api, a);
    for (const u of [b, c]) await api.request('POST', `/api/v1/rooms/${roomId}/join`, { token: u.token });
    const say = (u: TestUser, content: string) =>
      api.request('POST', '/api/v1/messages', {
        token: u.token,
        body: { target: { type: 'room', room_id: roomId }, content },
      });
    await say(b, 'from b');
    await say(c, 'from c');
    await block(a, b);
    const history = async (u: TestUser) =>
      (
        (
          await api.request('GET', `/api/v1/messages?target_type=room&target_id=${roomId}`, {
            token: u.token,
          })
        ).json.messages as { content: string }[]
      ).map((m) => m.content);
    expect(await history(a)).toEqual(['from c']);
    expect(await history(c)).toEqual(['from c', 'from b']);
  });

  it('ends the friendship and pending requests both ways', async () => {
    const [a, b, c] = await Promise.all([registerUser(api), registerUser(api), registerUser(api)]);
    await api.request('POST', '/api/v1/friends/requests', { token: a.token, body: { user_id: b.id } });
    const mutual = await api.request('POST', '/api/v1/friends/requests', {
      token: b.token,
      body: { user_id: a.id },
    });
    expect(mutual.status).toBe(200);
    await api.request('POST', '/api/v1/friends/requests', { token: c.token, body: { user_id: a.id } });
    await block(a, b);
    await block(a, c);
    expect((await api.request('GET', '/api/v1/friends', { token: b.token })).json.friends).toEqual([]);
    expect((await api.request('GET', '/api/v1/friends', { token: a.token })).json.friends).toEqual([]);
    expect(
      (await api.request('GET', '/api/v1/friends/requests?direction=outgoing', { token: c.token })).json
        .requests,
    ).toEqual([]);
    // The freed slots are really released: c can send 100 more after unblock (counter back to 0) — spot check one.
    await api.request('DELETE', `/api/v1/blocks/${c.id}`, { token: a.token });
    expect(
      (await api.request('POST', '/api/v1/friends/requests', { token: c.token, body: { user_id: a.id } }))
        .status,
    ).toBe(201);
  });
});
