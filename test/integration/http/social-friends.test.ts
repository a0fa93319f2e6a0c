// Integration: docs/protocol/extensions.md §7.3 friend requests over HTTP — send, mutual auto-accept, accept/decline/cancel, lists, remove, limits (101st pending, 1,001st friend), events to the two parties only.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../../shared/features/index.js';
import {
  expectError,
  expectNoServerErrors,
  registerUser,
  startTestApi,
  type TestApi,
  type TestUser,
} from '../../support/http.js';

describe('friend requests (extensions.md §7.3)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await expectNoServerErrors(api);
    await api.close();
  });

  const ask = (from: TestUser, body: Record<string, unknown>) =>
    api.request('POST', '/api/v1/friends/requests', { token: from.token, body });
  const eventsOf = (type: string) => api.events.filter((e) => e.payload.type === type);
  const setCounter = (userId: string, field: 'friends' | 'pending_out', value: number) =>
    api.table.doc.send(
      new UpdateCommand({
        TableName: api.table.tableName,
        Key: keys.socialCounters(userId),
        UpdateExpression: `SET ${field} = :v`,
        ExpressionAttributeValues: { ':v': value },
      }),
    );

  it('201 {request} to the recipient only; duplicates, self, unknown and bad bodies answer the documented codes', async () => {
    const [a, b] = await Promise.all([registerUser(api), registerUser(api)]);
    const res = await ask(a, { username: b.username, message: '  hello  ' });
    expect(res.status).toBe(201);
    expect(res.json.request).toEqual({
      id: expect.any(String),
      from: a.id,
      from_username: a.username,
      to: b.id,
      to_username: b.username,
      status: 'pending',
      message: 'hello',
      created_at: expect.any(String),
    });
    const ev = eventsOf('friend_request_received').at(-1);
    expect(ev?.audience).toEqual({ kind: 'users', userIds: [b.id] });
    expectError(await ask(a, { user_id: b.id }), 409, 'request_exists');
    expectError(await ask(a, { user_id: a.id }), 400, 'validation_failed');
    expectError(await ask(a, { user_id: '00000000-0000-4000-8000-000000000000' }), 404, 'user_not_found');
    expectError(await ask(a, { username: 'nobody_at_all_x' }), 404, 'user_not_found');
    expectError(await ask(a, {}), 400, 'validation_failed');
    expectError(await ask(a, { user_id: b.id, message: 'x'.repeat(501) }), 400, 'validation_failed');
    const out = await api.request('GET', '/api/v1/friends/requests?direction=outgoing', { token: a.token });
    expect(out.json).toEqual({ requests: [res.json.request], next_cursor: null });
    const inc = await api.request('GET', '/api/v1/friends/requests', { token: b.token });
    expect(inc.json.requests.map((r: { id: string }) => r.id)).toEqual([res.json.request.id]);
    expectError(
      await api.request('GET', '/api/v1/friends/requests?direction=sideways', { token: a.token }),
      400,
      'validation_failed',
    );
  });

  it('asking someone who already asked you makes a friendship at once (200 {friendship}), both told', async () => {
    const [a, b] = await Promise.all([registerUser(api), registerUser(api)]);
    await ask(a, { user_id: b.id });
    const mutual = await ask(b, { user_id: a.id });
    expect(mutual.status).toBe(200);
    expect(mutual.json.friendship).toMatchObject({
      user: { id: a.id, username: a.username },
      since: expect.any(String),
    });
    const accepted = eventsOf('friend_request_accepted').slice(-2);
    expect(accepted.map((e) => e.audience)).toEqual([
      { kind: 'users', userIds: [a.id] },
      { kind: 'users', userIds: [b.id] },
    ]);
    expectError(await ask(a, { user_id: b.id }), 409, 'already_friends');
    const list = await api.request('GET', '/api/v1/friends', { token: a.token });
    expect(list.json).toEqual({
      friends: [{ user: expect.objectContaining({ id: b.id }), since: expect.any(String), is_online: false }],
      next_cursor: null,
    });
    expect((await api.request('GET', '/api/v1/friends/requests', { token: a.token })).json.requests).toEqual(
      [],
    );
  });

  it('accept (recipient only), decline (silent), cancel (sender only); a foreign or used id is not_found', async () => {
    const [a, b, c] = await Promise.all([registerUser(api), registerUser(api), registerUser(api)]);
    const r1 = (await ask(a, { user_id: b.id })).json.request.id as string;
    expectError(
      await api.request('POST', `/api/v1/friends/requests/${r1}/accept`, { token: a.token }),
      404,
      'not_found',
    );
    expectError(
      await api.request('POST', `/api/v1/friends/requests/${r1}/accept`, { token: c.token }),
      404,
      'not_found',
    );
    expectError(
      await api.request('POST', '/api/v1/friends/requests/nope/accept', { token: b.token }),
      404,
      'not_found',
    );
    const ok = await api.request('POST', `/api/v1/friends/requests/${r1}/accept`, { token: b.token });
    expect(ok.json.friendship.user.id).toBe(a.id);
    expectError(
      await api.request('POST', `/api/v1/friends/requests/${r1}/accept`, { token: b.token }),
      404,
      'not_found',
    );

    const r2 = (await ask(c, { user_id: a.id })).json.request.id as string;
    const before = api.events.length;
    expect(
      (await api.request('POST', `/api/v1/friends/requests/${r2}/decline`, { token: a.token })).json,
    ).toEqual({ success: true });
    expect(api.events.slice(before)).toEqual([]); // a decline is not announced
    const r3 = (await ask(c, { user_id: a.id })).json.request.id as string; // declined: may ask again
    expectError(
      await api.request('DELETE', `/api/v1/friends/requests/${r3}`, { token: a.token }),
      404,
      'not_found',
    );
    expect((await api.request('DELETE', `/api/v1/friends/requests/${r3}`, { token: c.token })).status).toBe(
      200,
    );
    expect((await api.request('GET', '/api/v1/friends/requests', { token: a.token })).json.requests).toEqual(
      [],
    );
  });

  it('DELETE /friends/{id} ends it for both with friend_removed to the two parties; not friends is not_found', async () => {
    const [a, b] = await Promise.all([registerUser(api), registerUser(api)]);
    await ask(a, { user_id: b.id });
    await ask(b, { user_id: a.id });
    expect((await api.request('DELETE', `/api/v1/friends/${b.id}`, { token: a.token })).status).toBe(200);
    const removed = eventsOf('friend_removed').slice(-2);
    expect(removed.map((e) => [e.audience, e.payload])).toEqual([
      [
        { kind: 'users', userIds: [a.id] },
        { type: 'friend_removed', user_id: b.id },
      ],
      [
        { kind: 'users', userIds: [b.id] },
        { type: 'friend_removed', user_id: a.id },
      ],
    ]);
    expect((await api.request('GET', '/api/v1/friends', { token: b.token })).json.friends).toEqual([]);
    expectError(await api.request('DELETE', `/api/v1/friends/${b.id}`, { token: a.token }), 404, 'not_found');
  });

  it('the 101st pending request and the 1,001st friend are refused with friend_limit, nothing written', async () => {
    const [a, b, c] = await Promise.all([registerUser(api), registerUser(api), registerUser(api)]);
    await setCounter(a.id, 'pending_out', 100); // as if 100 requests were pending (the counter is the guard)
    expectError(await ask(a, { user_id: b.id }), 409, 'friend_limit');
    expect((await api.request('GET', '/api/v1/friends/requests', { token: b.token })).json.requests).toEqual(
      [],
    );
    await setCounter(a.id, 'pending_out', 99);
    expect((await ask(a, { user_id: b.id })).status).toBe(201); // the 100th is fine
    const r = (await ask(c, { user_id: b.id })).json.request.id as string;
    await setCounter(b.id, 'friends', 1000);
    expectError(
      await api.request('POST', `/api/v1/friends/requests/${r}/accept`, { token: b.token }),
      409,
      'friend_limit',
    );
    expect(
      (await api.request('GET', '/api/v1/friends/requests', { token: b.token })).json.requests,
    ).toHaveLength(2);
  });

  it('a block either way refuses the request with recipient_unavailable', async () => {
    const [a, b] = await Promise.all([registerUser(api), registerUser(api)]);
    await api.request('PUT', `/api/v1/blocks/${a.id}`, { token: b.token });
    expectError(await ask(a, { user_id: b.id }), 403, 'recipient_unavailable');
    expectError(await ask(b, { user_id: a.id }), 403, 'recipient_unavailable');
  });
});
