// HTTP routes of the message lifecycle (docs/protocol/extensions.md §1.2–§1.5): versions, reactions, threads, paging, admin hard delete.
import { randomUUID } from 'node:crypto';
import {
  createRoom,
  expectError,
  expectNoServerErrors,
  makeAdmin,
  registerUser,
  startTestApi,
  type TestApi,
  type TestUser,
} from '../../support/http.js';

describe('message lifecycle routes', () => {
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

  const target = () => ({ type: 'room', room_id: roomId });
  const send = async (u: TestUser, content: string, extra: Record<string, unknown> = {}) =>
    (
      await api.request('POST', '/api/v1/messages', {
        token: u.token,
        body: { target: target(), content, ...extra },
      })
    ).json.message as { id: string };

  it('versions: oldest first, current last; unreadable => 404', async () => {
    const m = await send(bob, 'one');
    await api.request('PATCH', `/api/v1/messages/${m.id}`, { token: bob.token, body: { content: 'two' } });
    const res = await api.request('GET', `/api/v1/messages/${m.id}/versions`, { token: alice.token });
    expect(res.status).toBe(200);
    expect(res.json.versions.map((v: { content: string }) => v.content)).toEqual(['one', 'two']);
    expectError(
      await api.request('GET', `/api/v1/messages/${m.id}/versions`, { token: eve.token }),
      404,
      'message_not_found',
    );
  });

  it('reactions: 201 then 200 when already there; DELETE with a percent-encoded emoji; 409 past 20 distinct', async () => {
    const m = await send(bob, 'react');
    const path = `/api/v1/messages/${m.id}/reactions`;
    const first = await api.request('POST', path, { token: alice.token, body: { emoji: '❤️' } });
    expect(first.status).toBe(201);
    expect(first.json.message.reactions).toEqual([{ emoji: '❤️', count: 1, users: [alice.id] }]);
    expect((await api.request('POST', path, { token: alice.token, body: { emoji: '❤️' } })).status).toBe(200);
    const removed = await api.request('DELETE', `${path}/${encodeURIComponent('❤️')}`, {
      token: alice.token,
    });
    expect(removed.status).toBe(200);
    expect(removed.json.message.reactions).toEqual([]);
    expectError(
      await api.request('DELETE', `${path}/${encodeURIComponent('❤️')}`, { token: alice.token }),
      404,
      'reaction_not_found',
    );
    expectError(
      await api.request('POST', path, { token: alice.token, body: { emoji: 'xx' } }),
      400,
      'validation_failed',
    );
    for (let i = 0; i < 20; i++)
      await api.request('POST', path, { token: alice.token, body: { emoji: `:r${i}:` } });
    expectError(
      await api.request('POST', path, { token: alice.token, body: { emoji: ':r20:' } }),
      409,
      'reaction_limit',
    );
  });

  it('threads: replies via reply_to, GET thread oldest first, invalid_reply 422', async () => {
    const root = await send(alice, 'root');
    const r1 = await send(bob, 'r1', { reply_to: root.id });
    const r2 = await send(alice, 'r2', { reply_to: r1.id });
    const res = await api.request('GET', `/api/v1/messages/${root.id}/thread`, { token: bob.token });
    expect(res.status).toBe(200);
    expect(res.json.root).toMatchObject({ id: root.id, reply_count: 2 });
    expect(res.json.replies.map((m: { id: string }) => m.id)).toEqual([r1.id, r2.id]);
    const bad = await api.request('POST', '/api/v1/messages', {
      token: bob.token,
      body: { target: target(), content: 'x', reply_to: randomUUID() },
    });
    expectError(bad, 422, 'invalid_reply');
  });

  it('history: before/after ids and cursor page; upstream shape without new parameters; tombstones with include_deleted', async () => {
    const r = await createRoom(api, alice);
    const t = { type: 'room', room_id: r };
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (
          await api.request('POST', '/api/v1/messages', {
            token: alice.token,
            body: { target: t, content: `m${i}` },
          })
        ).json.message.id,
      );
    }
    const base = `/api/v1/messages?target_type=room&target_id=${r}`;
    const plain = await api.request('GET', `${base}&limit=2`, { token: alice.token });
    expect(Object.keys(plain.json).sort()).toEqual(['has_more', 'messages']);
    const p1 = await api.request('GET', `${base}&limit=2&cursor=`, { token: alice.token });
    expect(p1.status).toBe(400);
    const before = await api.request('GET', `${base}&limit=2&before=${ids[3]}`, { token: alice.token });
    expect(before.json.messages.map((m: { id: string }) => m.id)).toEqual([ids[2], ids[1]]);
    const next = await api.request('GET', `${base}&limit=2&cursor=${before.json.next_cursor}`, {
      token: alice.token,
    });
    expect(next.json.messages.map((m: { id: string }) => m.id)).toEqual([ids[0]]);
    expect(next.json.next_cursor).toBeNull();
    const after = await api.request('GET', `${base}&limit=10&after=${ids[1]}`, { token: alice.token });
    expect(after.json.messages.map((m: { id: string }) => m.id)).toEqual(ids.slice(2));
    await api.request('DELETE', `/api/v1/messages/${ids[4]}`, { token: alice.token });
    const without = await api.request('GET', `${base}&limit=10`, { token: alice.token });
    expect(without.json.messages).toHaveLength(4);
    const withDeleted = await api.request('GET', `${base}&limit=10&include_deleted=true`, {
      token: alice.token,
    });
    expect(withDeleted.json.messages[0]).toMatchObject({ id: ids[4], deleted: true, content: '' });
  });

  it('admin hard delete: 403 for a non-admin, 200 for an admin, then the message is gone', async () => {
    const m = await send(bob, 'hard');
    expectError(
      await api.request('DELETE', `/api/v1/admin/messages/${m.id}`, { token: bob.token }),
      403,
      'permission_denied',
    );
    const admin = await registerUser(api, 'adm');
    await makeAdmin(api.table.doc, api.table.tableName, admin.id);
    const res = await api.request('DELETE', `/api/v1/admin/messages/${m.id}`, { token: admin.token });
    expect(res.status).toBe(200);
    expectError(
      await api.request('GET', `/api/v1/messages/${m.id}/versions`, { token: bob.token }),
      404,
      'message_not_found',
    );
  });
});
