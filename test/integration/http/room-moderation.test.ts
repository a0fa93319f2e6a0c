// Integration: room moderation over HTTP (docs/protocol/extensions.md §9): mutes, room bans, slow mode, their errors and audit entries.
import {
  createRoom,
  expectError,
  expectNoServerErrors,
  registerUser,
  startTestApi,
  type TestApi,
  type TestUser,
} from '../../support/http.js';

describe('room moderation routes (extensions.md §9)', () => {
  let api: TestApi;
  let owner: TestUser;
  let mod: TestUser;
  let member: TestUser;
  let roomId: string;

  const join = (u: TestUser, room = roomId) =>
    api.request('POST', `/api/v1/rooms/${room}/join`, { token: u.token });
  const send = (u: TestUser, content = 'hi', room = roomId) =>
    api.request('POST', '/api/v1/messages', {
      token: u.token,
      body: { target: { type: 'room', room_id: room }, content },
    });
  const audit = async (u: TestUser) => {
    const { makeAdmin } = await import('../../support/http.js');
    const admin = await registerUser(api, 'adm');
    await makeAdmin(api.table.doc, api.table.tableName, admin.id);
    const res = await api.request('GET', `/api/v1/admin/audit?target_id=${u.id}`, { token: admin.token });
    return (res.json.entries as { action: string; actor_id: string; details: Record<string, unknown> }[]).map(
      (e) => e.action,
    );
  };

  beforeAll(async () => {
    api = await startTestApi();
    owner = await registerUser(api, 'own');
    mod = await registerUser(api, 'mod');
    member = await registerUser(api, 'mem');
    roomId = await createRoom(api, owner);
    for (const u of [mod, member]) expect((await join(u)).status).toBe(200);
    const res = await api.request('PUT', `/api/v1/rooms/${roomId}/members/${mod.id}/role`, {
      token: owner.token,
      body: { role: 'moderator' },
    });
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await expectNoServerErrors(api);
    await api.close();
  });

  describe('mute', () => {
    it('a muted member reads but cannot send or react (muted 403); unmute restores; both audited', async () => {
      const sent = await send(owner, 'before the mute');
      expect(sent.status).toBe(201);
      const m = await api.request('POST', `/api/v1/rooms/${roomId}/members/${member.id}/mute`, {
        token: mod.token,
        body: { duration_minutes: 10, reason: 'spam' },
      });
      expect(m.status).toBe(200);
      expect(m.json.mute).toMatchObject({
        room_id: roomId,
        user_id: member.id,
        muted_by: mod.id,
        reason: 'spam',
      });
      expect(typeof m.json.mute.expires_at).toBe('string');
      expectError(await send(member), 403, 'muted');
      const react = await api.request('POST', `/api/v1/messages/${sent.json.message.id}/reactions`, {
        token: member.token,
        body: { emoji: '👍' },
      });
      expectError(react, 403, 'muted');
      const history = await api.request(
        'GET',
        `/api/v1/messages?target_type=room&target_id=${roomId}&limit=5`,
        {
          token: member.token,
        },
      );
      expect(history.status).toBe(200);
      const un = await api.request('DELETE', `/api/v1/rooms/${roomId}/members/${member.id}/mute`, {
        token: mod.token,
      });
      expect(un.status).toBe(200);
      expect((await send(member, 'after the mute')).status).toBe(201);
      expectError(
        await api.request('DELETE', `/api/v1/rooms/${roomId}/members/${member.id}/mute`, {
          token: mod.token,
        }),
        404,
        'not_found',
      );
      expect(await audit(member)).toEqual(expect.arrayContaining(['room.mute', 'room.unmute']));
    });

    it('muting the room owner, yourself, or a moderator as a moderator: permission_denied; a plain member: permission_denied', async () => {
      for (const [actor, target] of [
        [mod, owner],
        [mod, mod],
        [member, mod],
      ] as const) {
        expectError(
          await api.request('POST', `/api/v1/rooms/${roomId}/members/${target.id}/mute`, {
            token: actor.token,
            body: {},
          }),
          403,
          'permission_denied',
        );
      }
      expectError(
        await api.request('POST', `/api/v1/rooms/${roomId}/members/${member.id}/mute`, {
          token: mod.token,
          body: { duration_minutes: 0 },
        }),
        400,
        'validation_failed',
      );
      const outsider = await registerUser(api);
      expectError(
        await api.request('POST', `/api/v1/rooms/${roomId}/members/${outsider.id}/mute`, {
          token: mod.token,
          body: {},
        }),
        403,
        'not_room_member',
      );
    });
  });

  describe('room ban', () => {
    it('removes the member, refuses rejoin and invitation (room_banned 403) until unbanned; audited', async () => {
      const target = await registerUser(api, 'tgt');
      expect((await join(target)).status).toBe(200);
      const b = await api.request('POST', `/api/v1/rooms/${roomId}/bans/${target.id}`, {
        token: mod.token,
        body: { reason: 'abuse' },
      });
      expect(b.status).toBe(200);
      expect(b.json.ban).toMatchObject({
        room_id: roomId,
        user_id: target.id,
        banned_by: mod.id,
        expires_at: null,
      });
      const members = await api.request('GET', `/api/v1/rooms/${roomId}/members`, { token: owner.token });
      expect((members.json.members ?? members.json).map((x: { user_id: string }) => x.user_id)).not.toContain(
        target.id,
      );
      expectError(await send(target), 403, 'not_room_member');
      expectError(await join(target), 403, 'room_banned');
      const invite = await api.request('POST', '/api/v1/invitations', {
        token: owner.token,
        body: { room_id: roomId, user_id: target.id },
      });
      expectError(invite, 403, 'room_banned');
      const list = await api.request('GET', `/api/v1/rooms/${roomId}/bans`, { token: mod.token });
      expect(list.json.bans.map((x: { user_id: string }) => x.user_id)).toContain(target.id);
      expectError(
        await api.request('GET', `/api/v1/rooms/${roomId}/bans`, { token: member.token }),
        403,
        'permission_denied',
      );
      expect(
        (await api.request('DELETE', `/api/v1/rooms/${roomId}/bans/${target.id}`, { token: mod.token }))
          .status,
      ).toBe(200);
      expect((await join(target)).status).toBe(200);
      expect(await audit(target)).toEqual(expect.arrayContaining(['room.ban', 'room.unban']));
    });

    it('a private room: the banned user cannot accept an older invitation', async () => {
      const priv = await createRoom(api, owner, { settings: { public: false } });
      const target = await registerUser(api, 'inv');
      const invite = await api.request('POST', '/api/v1/invitations', {
        token: owner.token,
        body: { room_id: priv, user_id: target.id },
      });
      expect(invite.status).toBe(201);
      expect(
        (
          await api.request('POST', `/api/v1/rooms/${priv}/bans/${target.id}`, {
            token: owner.token,
            body: {},
          })
        ).status,
      ).toBe(200);
      const accept = await api.request('POST', `/api/v1/invitations/${invite.json.invitation.id}/accept`, {
        token: target.token,
      });
      expectError(accept, 403, 'room_banned');
    });

    it('a moderator cannot ban the owner; nobody bans themselves; unknown user: user_not_found', async () => {
      expectError(
        await api.request('POST', `/api/v1/rooms/${roomId}/bans/${owner.id}`, { token: mod.token, body: {} }),
        403,
        'permission_denied',
      );
      expectError(
        await api.request('POST', `/api/v1/rooms/${roomId}/bans/${mod.id}`, { token: mod.token, body: {} }),
        403,
        'permission_denied',
      );
      expectError(
        await api.request(
          'POST',
          `/api/v1/rooms/${roomId}/bans/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`,
          {
            token: mod.token,
            body: {},
          },
        ),
        404,
        'user_not_found',
      );
    });
  });

  describe('slow mode', () => {
    it('PATCH settings.slow_mode_seconds: members get slow_mode 429 with retry_after_ms; moderators are exempt; 3601 refused', async () => {
      const room = await createRoom(api, owner);
      expect((await join(member, room)).status).toBe(200);
      expectError(
        await api.request('PATCH', `/api/v1/rooms/${room}`, {
          token: owner.token,
          body: { settings: { slow_mode_seconds: 3601 } },
        }),
        400,
        'validation_failed',
      );
      const set = await api.request('PATCH', `/api/v1/rooms/${room}`, {
        token: owner.token,
        body: { settings: { slow_mode_seconds: 60 } },
      });
      expect(set.status).toBe(200);
      expect(set.json.room.settings).toMatchObject({ slow_mode_seconds: 60, is_private: false });
      expect(
        (await api.request('GET', `/api/v1/rooms/${room}`, { token: member.token })).json.room.settings
          .slow_mode_seconds,
      ).toBe(60);
      expect((await send(member, 'one', room)).status).toBe(201);
      const second = await send(member, 'two', room);
      expectError(second, 429, 'slow_mode');
      expect(second.json.error.retry_after_ms).toBeGreaterThan(50_000);
      expect(second.json.error.retry_after_ms).toBeLessThanOrEqual(60_000);
      expect((await send(owner, 'a', room)).status).toBe(201);
      expect((await send(owner, 'b', room)).status).toBe(201);
      expectError(
        await api.request('PATCH', `/api/v1/rooms/${room}`, {
          token: member.token,
          body: { settings: { slow_mode_seconds: 0 } },
        }),
        403,
        'permission_denied',
      );
      const off = await api.request('PATCH', `/api/v1/rooms/${room}`, {
        token: owner.token,
        body: { settings: { slow_mode_seconds: 0 } },
      });
      expect(off.json.room.settings.slow_mode_seconds).toBeUndefined();
      expect((await send(member, 'three', room)).status).toBe(201);
    });
  });
});
