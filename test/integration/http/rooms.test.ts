// Integration: /api/v1/rooms routes and room members (docs/protocol/http.md §7-8, permissions docs/protocol/domain.md §7).
import { randomUUID } from 'node:crypto';
import {
  createRoom,
  expectError,
  expectNoServerErrors,
  registerUser,
  startTestApi,
  uniqueName,
  type TestApi,
  type TestUser,
} from '../../support/http.js';

describe('room routes', () => {
  let api: TestApi;
  let owner: TestUser;
  let member: TestUser;
  let outsider: TestUser;
  beforeAll(async () => {
    api = await startTestApi();
    [owner, member, outsider] = await Promise.all([
      registerUser(api, 'own'),
      registerUser(api, 'mem'),
      registerUser(api, 'out'),
    ]);
  });
  afterAll(async () => {
    await expectNoServerErrors(api);
    await api.close();
  });

  const join = (u: TestUser, roomId: string) =>
    api.request('POST', `/api/v1/rooms/${roomId}/join`, { token: u.token });

  describe('POST /api/v1/rooms', () => {
    it('201 {room}; the caller is owner', async () => {
      const name = uniqueName('General');
      const res = await api.request('POST', '/api/v1/rooms', {
        token: owner.token,
        body: {
          name: `  ${name} `,
          description: 'Talk here',
          settings: { public: false, max_members: 5, moderated: true },
        },
      });
      expect(res.status).toBe(201);
      expect(res.json.room).toEqual({
        id: expect.any(String),
        name,
        owner: owner.id,
        settings: { description: 'Talk here', is_private: true, max_members: 5, retention_days: null },
        created_at: expect.any(String),
      });
      const get = await api.request('GET', `/api/v1/rooms/${res.json.room.id}`, { token: owner.token });
      expect(get.json.membership).toMatchObject({ user_id: owner.id, role: 'owner' });
    });

    it('400 room_name_invalid, 409 room_name_taken (case-insensitive)', async () => {
      expectError(
        await api.request('POST', '/api/v1/rooms', { token: owner.token, body: { name: '   ' } }),
        400,
        'room_name_invalid',
      );
      expectError(
        await api.request('POST', '/api/v1/rooms', { token: owner.token, body: { name: 'x'.repeat(65) } }),
        400,
        'room_name_invalid',
      );
      const name = uniqueName('Dup');
      await api.request('POST', '/api/v1/rooms', { token: owner.token, body: { name } });
      expectError(
        await api.request('POST', '/api/v1/rooms', {
          token: member.token,
          body: { name: name.toUpperCase() },
        }),
        409,
        'room_name_taken',
      );
    });
  });

  describe('GET /api/v1/rooms', () => {
    it('lists public rooms with is_member; joined_only lists the caller’s rooms incl. private', async () => {
      const u = await registerUser(api);
      const pub = await createRoom(api, u);
      const priv = await createRoom(api, u, { settings: { public: false } });
      const listed = await api.request('GET', '/api/v1/rooms?limit=100', { token: u.token });
      expect(listed.status).toBe(200);
      const ids = listed.json.rooms.map((r: { room: { id: string } }) => r.room.id);
      expect(ids).toContain(pub);
      expect(ids).not.toContain(priv);
      expect(listed.json.rooms.find((r: { room: { id: string } }) => r.room.id === pub)).toEqual({
        room: expect.objectContaining({ id: pub }),
        member_count: 1,
        is_member: true,
      });
      expect(listed.json.total_count).toBe(listed.json.rooms.length);

      const joined = await api.request('GET', '/api/v1/rooms?joined_only=true', { token: u.token });
      expect(joined.json.rooms.map((r: { room: { id: string } }) => r.room.id).sort()).toEqual(
        [pub, priv].sort(),
      );
      expect(joined.json.rooms.every((r: { is_member: boolean }) => r.is_member)).toBe(true);
      expect(joined.json).toMatchObject({ has_more: false, total_count: 2 });

      const page = await api.request('GET', '/api/v1/rooms?joined_only=true&limit=1&offset=1', {
        token: u.token,
      });
      expect(page.json).toMatchObject({ has_more: true, total_count: 1 });
    });

    it('a logged-out token reads nothing: list, joined_only and get are 401 session_not_found', async () => {
      const u = await registerUser(api);
      const room = await createRoom(api, u);
      await api.request('POST', '/api/v1/auth/logout', { token: u.token });
      for (const path of ['/api/v1/rooms', '/api/v1/rooms?joined_only=true', `/api/v1/rooms/${room}`])
        expectError(await api.request('GET', path, { token: u.token }), 401, 'session_not_found');
    });
  });

  describe('GET /api/v1/rooms/{room_id}', () => {
    it('any user may read any room, private included; membership null for non-members', async () => {
      const priv = await createRoom(api, owner, { settings: { public: false } });
      const res = await api.request('GET', `/api/v1/rooms/${priv}`, { token: outsider.token });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        room: expect.objectContaining({ id: priv }),
        membership: null,
        member_count: 1,
      });
    });

    it('404 room_not_found for unknown and malformed ids', async () => {
      expectError(
        await api.request('GET', `/api/v1/rooms/${randomUUID()}`, { token: owner.token }),
        404,
        'room_not_found',
      );
      expectError(
        await api.request('GET', '/api/v1/rooms/general', { token: owner.token }),
        404,
        'room_not_found',
      );
    });
  });

  describe('PATCH /api/v1/rooms/{room_id}', () => {
    it('owner/moderator may update; settings replace privacy and capacity; description kept', async () => {
      const roomId = await createRoom(api, owner, {
        description: 'keep me',
        settings: { public: false, max_members: 3 },
      });
      const name = uniqueName('Renamed');
      const res = await api.request('PATCH', `/api/v1/rooms/${roomId}`, {
        token: owner.token,
        body: { name, settings: {} },
      });
      expect(res.status).toBe(200);
      expect(res.json.room).toMatchObject({
        name,
        settings: { description: 'keep me', is_private: false, max_members: null, retention_days: null },
      });
    });

    it('403 not_room_member / permission_denied; 400/409 name rules; 404', async () => {
      const roomId = await createRoom(api, owner);
      expectError(
        await api.request('PATCH', `/api/v1/rooms/${roomId}`, { token: outsider.token, body: {} }),
        403,
        'not_room_member',
      );
      await join(member, roomId);
      expectError(
        await api.request('PATCH', `/api/v1/rooms/${roomId}`, {
          token: member.token,
          body: { description: 'x' },
        }),
        403,
        'permission_denied',
      );
      expectError(
        await api.request('PATCH', `/api/v1/rooms/${roomId}`, { token: owner.token, body: { name: '' } }),
        400,
        'room_name_invalid',
      );
      const other = uniqueName('Other');
      await api.request('POST', '/api/v1/rooms', { token: owner.token, body: { name: other } });
      expectError(
        await api.request('PATCH', `/api/v1/rooms/${roomId}`, { token: owner.token, body: { name: other } }),
        409,
        'room_name_taken',
      );
      expectError(
        await api.request('PATCH', `/api/v1/rooms/${randomUUID()}`, { token: owner.token, body: {} }),
        404,
        'room_not_found',
      );
    });
  });

  describe('DELETE /api/v1/rooms/{room_id}', () => {
    it('owner deletes (200), a member cannot (403), then 404', async () => {
      const roomId = await createRoom(api, owner);
      await join(member, roomId);
      expectError(
        await api.request('DELETE', `/api/v1/rooms/${roomId}`, { token: member.token }),
        403,
        'permission_denied',
      );
      const res = await api.request('DELETE', `/api/v1/rooms/${roomId}`, { token: owner.token });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ success: true });
      expect(api.events.some((e) => e.payload.type === 'room_deleted')).toBe(true);
      expectError(
        await api.request('DELETE', `/api/v1/rooms/${roomId}`, { token: owner.token }),
        404,
        'room_not_found',
      );
    });
  });

  describe('POST /api/v1/rooms/{room_id}/join and /leave', () => {
    it('join 200 {room, membership}; already_member, room_private, room_full 409; 404', async () => {
      const roomId = await createRoom(api, owner, { settings: { max_members: 2 } });
      const res = await join(member, roomId);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        room: expect.objectContaining({ id: roomId }),
        membership: { room_id: roomId, user_id: member.id, role: 'member', joined_at: expect.any(String) },
      });
      expectError(await join(member, roomId), 409, 'already_member');
      expectError(await join(outsider, roomId), 409, 'room_full');
      const priv = await createRoom(api, owner, { settings: { public: false } });
      expectError(await join(outsider, priv), 409, 'room_private');
      expectError(await join(outsider, randomUUID()), 404, 'room_not_found');
    });

    it('leave 200; not_room_member 403; last_owner 409', async () => {
      const roomId = await createRoom(api, owner);
      await join(member, roomId);
      const res = await api.request('POST', `/api/v1/rooms/${roomId}/leave`, { token: member.token });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ success: true });
      expectError(
        await api.request('POST', `/api/v1/rooms/${roomId}/leave`, { token: member.token }),
        403,
        'not_room_member',
      );
      expectError(
        await api.request('POST', `/api/v1/rooms/${roomId}/leave`, { token: owner.token }),
        409,
        'last_owner',
      );
      expectError(
        await api.request('POST', `/api/v1/rooms/${randomUUID()}/leave`, { token: owner.token }),
        404,
        'room_not_found',
      );
    });
  });

  describe('GET /api/v1/rooms/{room_id}/members', () => {
    it('200 {members, total} by join time; 403 for non-members; 404', async () => {
      const roomId = await createRoom(api, owner);
      await join(member, roomId);
      const res = await api.request('GET', `/api/v1/rooms/${roomId}/members`, { token: member.token });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        members: [
          {
            user_id: owner.id,
            username: owner.username,
            role: 'owner',
            joined_at: expect.any(String),
            is_online: false,
          },
          {
            user_id: member.id,
            username: member.username,
            role: 'member',
            joined_at: expect.any(String),
            is_online: false,
          },
        ],
        total: 2,
      });
      expectError(
        await api.request('GET', `/api/v1/rooms/${roomId}/members`, { token: outsider.token }),
        403,
        'not_room_member',
      );
      expectError(
        await api.request('GET', `/api/v1/rooms/${randomUUID()}/members`, { token: owner.token }),
        404,
        'room_not_found',
      );
    });
  });

  describe('PUT /api/v1/rooms/{room_id}/members/{user_id}/role', () => {
    it('owner changes roles (admin => moderator); 200 {member}', async () => {
      const roomId = await createRoom(api, owner);
      await join(member, roomId);
      const res = await api.request('PUT', `/api/v1/rooms/${roomId}/members/${member.id}/role`, {
        token: owner.token,
        body: { role: 'ADMIN' },
      });
      expect(res.status).toBe(200);
      expect(res.json.member).toMatchObject({ user_id: member.id, role: 'moderator' });
      expect(api.events.some((e) => e.payload.type === 'member_role_changed')).toBe(true);
    });

    it('permission_denied / not_room_member 403; last_owner 409; malformed ids 404', async () => {
      const roomId = await createRoom(api, owner);
      await join(member, roomId);
      const path = (u: string) => `/api/v1/rooms/${roomId}/members/${u}/role`;
      expectError(
        await api.request('PUT', path(owner.id), { token: member.token, body: { role: 'member' } }),
        403,
        'permission_denied',
      );
      expectError(
        await api.request('PUT', path(outsider.id), { token: owner.token, body: { role: 'member' } }),
        403,
        'not_room_member',
      );
      expectError(
        await api.request('PUT', path(member.id), { token: outsider.token, body: { role: 'owner' } }),
        403,
        'not_room_member',
      );
      expectError(
        await api.request('PUT', path(owner.id), { token: owner.token, body: { role: 'member' } }),
        409,
        'last_owner',
      );
      expectError(
        await api.request('PUT', path('bob'), { token: owner.token, body: { role: 'member' } }),
        404,
        'user_not_found',
      );
      expectError(
        await api.request('PUT', `/api/v1/rooms/x/members/${member.id}/role`, {
          token: owner.token,
          body: { role: 'member' },
        }),
        404,
        'room_not_found',
      );
      expectError(
        await api.request('PUT', path(member.id), { token: owner.token, body: { role: 5 } }),
        422,
        'invalid_request',
      );
    });
  });

  describe('DELETE /api/v1/rooms/{room_id}/members/{user_id} (kick)', () => {
    it('moderator kicks a member (200); member cannot kick a moderator (403); self-kick 403', async () => {
      const roomId = await createRoom(api, owner);
      const [mod, plain, victim] = await Promise.all([
        registerUser(api),
        registerUser(api),
        registerUser(api),
      ]);
      for (const u of [mod, plain, victim]) await join(u, roomId);
      await api.request('PUT', `/api/v1/rooms/${roomId}/members/${mod.id}/role`, {
        token: owner.token,
        body: { role: 'moderator' },
      });
      const kick = (actor: TestUser, target: TestUser) =>
        api.request('DELETE', `/api/v1/rooms/${roomId}/members/${target.id}`, { token: actor.token });

      expectError(await kick(plain, mod), 403, 'permission_denied');
      expectError(await kick(mod, mod), 403, 'permission_denied');
      const res = await kick(mod, victim);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ success: true });
      expect(api.events.some((e) => e.payload.type === 'user_left_room')).toBe(true);
      expectError(await kick(mod, victim), 403, 'not_room_member');
      expectError(await kick(outsider, plain), 403, 'not_room_member');
      expectError(
        await api.request('DELETE', `/api/v1/rooms/${roomId}/members/nope`, { token: owner.token }),
        404,
        'user_not_found',
      );
    });
  });
});
