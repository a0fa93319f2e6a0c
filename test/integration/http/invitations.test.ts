// Integration: /api/v1/invitations routes — create, list, accept, decline (docs/protocol/http.md §10, lifecycle docs/protocol/domain.md §8.2).
import { randomUUID } from 'node:crypto';
import {
  createRoom,
  expectError,
  expectNoServerErrors,
  registerUser,
  startTestApi,
  type TestApi,
  type TestUser,
} from '../../support/http.js';

describe('invitation routes', () => {
  let api: TestApi;
  let owner: TestUser;
  let member: TestUser;
  let outsider: TestUser;
  let roomId: string;
  beforeAll(async () => {
    api = await startTestApi();
    [owner, member, outsider] = await Promise.all([
      registerUser(api, 'own'),
      registerUser(api, 'mem'),
      registerUser(api, 'out'),
    ]);
    roomId = await createRoom(api, owner, { settings: { public: false } });
    const inv = await api.request('POST', '/api/v1/invitations', {
      token: owner.token,
      body: { room_id: roomId, user_id: member.id },
    });
    await api.request('POST', `/api/v1/invitations/${inv.json.invitation.id}/accept`, {
      token: member.token,
    });
  });
  afterAll(async () => {
    await expectNoServerErrors(api);
    await api.close();
  });

  const invite = (actor: TestUser, room: string, user: string, extra: Record<string, unknown> = {}) =>
    api.request('POST', '/api/v1/invitations', {
      token: actor.token,
      body: { room_id: room, user_id: user, ...extra },
    });

  describe('POST /api/v1/invitations', () => {
    it('201 {invitation} (pending, message kept, role member: extensions.md §6.1); emits invitation_received', async () => {
      const invitee = await registerUser(api);
      const res = await invite(owner, roomId, invitee.id, { message: 'come!' });
      expect(res.status).toBe(201);
      expect(res.json.invitation).toEqual({
        id: expect.any(String),
        room_id: roomId,
        room_name: expect.any(String),
        inviter_id: owner.id,
        inviter_name: owner.username,
        invitee_id: invitee.id,
        invitee_name: invitee.username,
        status: 'pending',
        message: 'come!',
        created_at: expect.any(String),
        expires_at: expect.any(String),
        responded_at: null,
        role: 'member',
        cancelled_at: null,
        cancelled_by: null,
      });
      expect(api.events.some((e) => e.payload.type === 'invitation_received')).toBe(true);
    });

    it('errors in check order: 404 malformed ids, 403 non-member/plain member, 404 unknown invitee, 409 member/invited', async () => {
      const invitee = await registerUser(api);
      expectError(await invite(owner, 'x', 'y'), 404, 'room_not_found');
      expectError(await invite(owner, roomId, 'y'), 404, 'user_not_found');
      expectError(await invite(outsider, roomId, invitee.id), 403, 'not_room_member');
      expectError(await invite(outsider, randomUUID(), invitee.id), 403, 'not_room_member');
      expectError(await invite(member, roomId, invitee.id), 403, 'permission_denied');
      expectError(await invite(owner, roomId, randomUUID()), 404, 'user_not_found');
      expectError(await invite(owner, roomId, member.id), 409, 'already_member');
      await invite(owner, roomId, invitee.id);
      expectError(await invite(owner, roomId, invitee.id), 409, 'already_invited');
    });
  });

  describe('GET /api/v1/invitations', () => {
    it("200 {invitations, has_more: false}: the caller's pending ones, newest first", async () => {
      const invitee = await registerUser(api);
      const other = await createRoom(api, owner);
      await invite(owner, roomId, invitee.id);
      await invite(owner, other, invitee.id);
      const res = await api.request('GET', '/api/v1/invitations', { token: invitee.token });
      expect(res.status).toBe(200);
      expect(res.json.has_more).toBe(false);
      expect(res.json.invitations.map((i: { room_id: string }) => i.room_id)).toEqual([other, roomId]);
    });
  });

  describe('POST /api/v1/invitations/{invitation_id}/accept', () => {
    it('200 {membership, room}; a second accept is invitation_expired 409', async () => {
      const invitee = await registerUser(api);
      const id = (await invite(owner, roomId, invitee.id)).json.invitation.id;
      expectError(
        await api.request('POST', `/api/v1/invitations/${id}/accept`, { token: outsider.token }),
        409,
        'not_invitee',
      );
      const res = await api.request('POST', `/api/v1/invitations/${id}/accept`, { token: invitee.token });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        membership: { room_id: roomId, user_id: invitee.id, role: 'member', joined_at: expect.any(String) },
        room: expect.objectContaining({ id: roomId }),
      });
      expectError(
        await api.request('POST', `/api/v1/invitations/${id}/accept`, { token: invitee.token }),
        409,
        'invitation_expired',
      );
      expectError(
        await api.request('POST', `/api/v1/invitations/${randomUUID()}/accept`, { token: invitee.token }),
        404,
        'invitation_not_found',
      );
    });
  });

  describe('POST /api/v1/invitations/{invitation_id}/decline', () => {
    it('200 {"success":true}; not_invitee and invitation_expired 409; 404', async () => {
      const invitee = await registerUser(api);
      const id = (await invite(owner, roomId, invitee.id)).json.invitation.id;
      expectError(
        await api.request('POST', `/api/v1/invitations/${id}/decline`, { token: owner.token }),
        409,
        'not_invitee',
      );
      const res = await api.request('POST', `/api/v1/invitations/${id}/decline`, { token: invitee.token });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ success: true });
      expectError(
        await api.request('POST', `/api/v1/invitations/${id}/decline`, { token: invitee.token }),
        409,
        'invitation_expired',
      );
      expectError(
        await api.request('POST', '/api/v1/invitations/nope/decline', { token: invitee.token }),
        404,
        'invitation_not_found',
      );
      expectError(
        await api.request('POST', `/api/v1/rooms/${roomId}/join`, { token: invitee.token }),
        409,
        'room_private',
      );
    });
  });
});
