// Integration: the invitation lifecycle routes of docs/protocol/extensions.md §6.2 over HTTP — bulk, lists, view, revoke, accept-all, stats, templates, links, and their error codes.
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

describe('invitation lifecycle routes', () => {
  let api: TestApi;
  let owner: TestUser;
  let a: TestUser;
  let b: TestUser;
  let outsider: TestUser;
  let roomId: string;
  beforeAll(async () => {
    api = await startTestApi();
    [owner, a, b, outsider] = await Promise.all([
      registerUser(api, 'own'),
      registerUser(api, 'a'),
      registerUser(api, 'b'),
      registerUser(api, 'out'),
    ]);
    roomId = await createRoom(api, owner);
  });
  afterAll(async () => {
    await expectNoServerErrors(api);
    await api.close();
  });

  const post = (user: TestUser, path: string, body?: unknown) =>
    api.request('POST', path, { token: user.token, ...(body !== undefined ? { body } : {}) });
  const get = (user: TestUser, path: string) => api.request('GET', path, { token: user.token });

  it('bulk → list sent/received → view → revoke → decline → accept-all, with documented errors', async () => {
    const bulk = await post(owner, '/api/v1/invitations/bulk', {
      room_id: roomId,
      user_ids: [a.id, randomUUID()],
      usernames: [b.username],
      message: 'hello',
      ttl_hours: 48,
    });
    expect(bulk.status).toBe(200);
    expect(bulk.json).toMatchObject({ created: 2, failed: 1 });
    const toA = bulk.json.results[0].invitation.id as string;
    const toB = bulk.json.results[2].invitation.id as string;
    expectError(
      await post(owner, '/api/v1/invitations/bulk', { room_id: roomId, user_ids: Array(51).fill(a.id) }),
      400,
      'validation_failed',
    );
    expectError(
      await post(owner, '/api/v1/invitations', { room_id: roomId, user_id: a.id }),
      409,
      'already_invited',
    );
    expectError(
      await post(owner, '/api/v1/invitations', { room_id: roomId, user_id: outsider.id, ttl_hours: 0 }),
      400,
      'validation_failed',
    );

    const sent = await get(owner, '/api/v1/invitations?direction=sent&status=pending&limit=1');
    expect(sent.status).toBe(200);
    expect(sent.json.invitations).toHaveLength(1);
    expect(typeof sent.json.next_cursor).toBe('string');
    const next = await get(
      owner,
      `/api/v1/invitations?direction=sent&status=pending&limit=1&cursor=${sent.json.next_cursor}`,
    );
    expect(next.json.invitations).toHaveLength(1);
    expectError(await get(owner, '/api/v1/invitations?status=all&limit=101'), 400, 'validation_failed');
    expectError(await get(owner, '/api/v1/invitations?status=bogus'), 400, 'validation_failed');
    const upstream = await get(a, '/api/v1/invitations');
    expect(upstream.json).toEqual({ invitations: [expect.objectContaining({ id: toA })], has_more: false });

    expect((await get(a, `/api/v1/invitations/${toA}`)).json.invitation).toMatchObject({ message: 'hello' });
    expectError(await get(outsider, `/api/v1/invitations/${toA}`), 404, 'invitation_not_found');

    const revoked = await post(owner, `/api/v1/invitations/${toB}/revoke`);
    expect(revoked.json.invitation).toMatchObject({ status: 'cancelled', cancelled_by: owner.id });
    expectError(await post(owner, `/api/v1/invitations/${toB}/revoke`), 409, 'invitation_not_pending');
    expect(
      api.events.filter((e) => e.payload.type === 'invitation_cancelled').map((e) => e.audience),
    ).toEqual([{ kind: 'users', userIds: [b.id] }]);

    const all = await post(a, '/api/v1/invitations/accept-all');
    expect(all.json.results).toEqual([
      { invitation_id: toA, membership: expect.objectContaining({ room_id: roomId }) },
    ]);
    expectError(await post(owner, `/api/v1/invitations/${toA}/revoke`), 409, 'invitation_not_pending');
  });

  it('stats: own, a room’s for moderators, all for admins', async () => {
    const own = await get(owner, '/api/v1/invitations/stats');
    expect(own.status).toBe(200);
    expect(own.json.stats).toEqual(
      expect.objectContaining({ sent: expect.any(Number), acceptance_rate: expect.any(Number) }),
    );
    expectError(await get(a, `/api/v1/invitations/stats?room_id=${roomId}`), 403, 'permission_denied');
    expect((await get(owner, `/api/v1/invitations/stats?room_id=${roomId}`)).status).toBe(200);
    expectError(await get(owner, '/api/v1/admin/invitations/stats'), 403, 'permission_denied');
    await makeAdmin(api.table.doc, api.table.tableName, outsider.id);
    expect((await get(outsider, '/api/v1/admin/invitations/stats')).status).toBe(200);
  });

  it('a system-banned invitee: account_banned 403, per-user in bulk; nothing written', async () => {
    const admin = await registerUser(api, 'adm');
    await makeAdmin(api.table.doc, api.table.tableName, admin.id);
    const victim = await registerUser(api, 'ban');
    const ban = await post(admin, `/api/v1/admin/users/${victim.id}/ban`, { reason: 'spam' });
    expect(ban.status).toBe(200);
    expectError(
      await post(owner, '/api/v1/invitations', { room_id: roomId, user_id: victim.id }),
      403,
      'account_banned',
    );
    const bulk = await post(owner, '/api/v1/invitations/bulk', { room_id: roomId, user_ids: [victim.id] });
    expect(bulk.json).toMatchObject({
      created: 0,
      failed: 1,
      results: [{ user_id: victim.id, error: { code: 'account_banned' } }],
    });
    const sent = await get(owner, `/api/v1/invitations?direction=sent&status=all&q=${victim.username}`);
    expect(sent.json.invitations).toEqual([]);
  });

  it('templates and invite links', async () => {
    const tpl = await post(owner, `/api/v1/rooms/${roomId}/invitation-templates`, {
      name: 'std',
      message: 'Hi!',
      ttl_hours: 5,
    });
    expect(tpl.status).toBe(201);
    expect((await get(owner, `/api/v1/rooms/${roomId}/invitation-templates`)).json.templates).toHaveLength(1);
    expectError(
      await post(b, `/api/v1/rooms/${roomId}/invitation-templates`, { name: 'x' }),
      403,
      'not_room_member',
    );
    const withTpl = await post(owner, '/api/v1/invitations', {
      room_id: roomId,
      user_id: b.id,
      template_id: tpl.json.template.id,
    });
    expect(withTpl.json.invitation.message).toBe('Hi!');
    const del = await api.request(
      'DELETE',
      `/api/v1/rooms/${roomId}/invitation-templates/${tpl.json.template.id}`,
      { token: owner.token },
    );
    expect(del.status).toBe(200);

    const link = await post(owner, `/api/v1/rooms/${roomId}/invite-links`, { max_uses: 1 });
    expect(link.status).toBe(201);
    const code = link.json.link.code as string;
    expect(
      (await get(owner, `/api/v1/rooms/${roomId}/invite-links`)).json.links.map(
        (l: { code: string }) => l.code,
      ),
    ).toContain(code);
    const joiner = await registerUser(api, 'j');
    expect((await post(joiner, `/api/v1/invite-links/${code}/join`)).status).toBe(200);
    expectError(await post(outsider, `/api/v1/invite-links/${code}/join`), 404, 'invite_link_invalid');
    expectError(await post(outsider, '/api/v1/invite-links/no*such/join'), 404, 'invite_link_invalid');
    expectError(
      await post(owner, `/api/v1/rooms/${roomId}/invite-links`, { max_uses: 0 }),
      400,
      'validation_failed',
    );
    const revoke = await api.request('DELETE', `/api/v1/rooms/${roomId}/invite-links/${code}`, {
      token: owner.token,
    });
    expect(revoke.status).toBe(200);
  });
});
