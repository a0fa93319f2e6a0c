// Integration: /api/v1/messages routes — send, history, edit, delete (docs/protocol/http.md §9, permissions docs/protocol/domain.md §7).
import { randomUUID } from 'node:crypto';
import { freshLifecycle } from '../../../shared/features/messages/index.js';
import {
  createRoom,
  expectError,
  expectNoServerErrors,
  registerUser,
  startTestApi,
  type TestApi,
  type TestUser,
} from '../../support/http.js';

describe('message routes', () => {
  let api: TestApi;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let roomId: string;
  beforeAll(async () => {
    api = await startTestApi();
    [alice, bob, carol] = await Promise.all([
      registerUser(api, 'alice'),
      registerUser(api, 'bob'),
      registerUser(api, 'carol'),
    ]);
    roomId = await createRoom(api, alice);
    await api.request('POST', `/api/v1/rooms/${roomId}/join`, { token: bob.token });
  });
  afterAll(async () => {
    await expectNoServerErrors(api);
    await api.close();
  });

  const send = (u: TestUser, target: unknown, content = 'Hello!') =>
    api.request('POST', '/api/v1/messages', { token: u.token, body: { target, content } });
  const room = (id = roomId) => ({ type: 'room', room_id: id });

  describe('POST /api/v1/messages', () => {
    it('201 {message} to a room; emits message_received', async () => {
      const res = await send(alice, room());
      expect(res.status).toBe(201);
      expect(res.json).toEqual({
        message: {
          id: expect.any(String),
          author: alice.id,
          target: { type: 'room', room_id: roomId },
          content: 'Hello!',
          edited: false,
          created_at: expect.any(String),
          // docs/protocol/extensions.md §1.1
          ...freshLifecycle(res.json.message.created_at),
        },
      });
      expect(api.events.some((e) => e.payload.type === 'message_received')).toBe(true);
    });

    it('201 for a DM sent as direct_message and returned as dm', async () => {
      const res = await send(alice, { type: 'direct_message', recipient: carol.id }, 'psst');
      expect(res.status).toBe(201);
      expect(res.json.message.target).toEqual({ type: 'dm', recipient: carol.id });
    });

    it('422 for other target tags (incl. dm)', async () => {
      expectError(await send(alice, { type: 'dm', recipient: carol.id }), 422, 'invalid_request');
      expectError(await send(alice, { type: 'channel', room_id: roomId }), 422, 'invalid_request');
    });

    it('404 for malformed ids and unknown recipients; 403 not_room_member (also for unknown rooms)', async () => {
      expectError(await send(alice, room('general')), 404, 'room_not_found');
      expectError(await send(alice, { type: 'direct_message', recipient: 'bob' }), 404, 'user_not_found');
      expectError(
        await send(alice, { type: 'direct_message', recipient: randomUUID() }),
        404,
        'user_not_found',
      );
      expectError(await send(carol, room()), 403, 'not_room_member');
      expectError(await send(carol, room(randomUUID())), 403, 'not_room_member');
    });

    it('400 content_invalid for blank or > 4096-byte content', async () => {
      expectError(await send(alice, room(), '  \n '), 400, 'content_invalid');
      const long = await send(alice, room(), 'é'.repeat(2049));
      expectError(long, 400, 'content_invalid');
      expect(long.json.error.message).toBe('Content invalid: value too long: maximum 4096, got 4098');
    });
  });

  describe('GET /api/v1/messages', () => {
    it('room history newest first with has_more', async () => {
      const r = await createRoom(api, alice);
      for (const c of ['one', 'two', 'three']) await send(alice, room(r), c);
      const res = await api.request(
        'GET',
        `/api/v1/messages?target_type=room&target_id=${r}&limit=2&before=x&after=y`,
        { token: alice.token },
      );
      expect(res.status).toBe(200);
      expect(res.json.messages.map((m: { content: string }) => m.content)).toEqual(['three', 'two']);
      expect(res.json.has_more).toBe(true);
      expect(Object.keys(res.json).sort()).toEqual(['has_more', 'messages']);
    });

    it('DM history covers both directions', async () => {
      const x = await registerUser(api);
      const y = await registerUser(api);
      await send(x, { type: 'direct_message', recipient: y.id }, 'hi y');
      await send(y, { type: 'direct_message', recipient: x.id }, 'hi x');
      const res = await api.request('GET', `/api/v1/messages?target_type=direct_message&target_id=${y.id}`, {
        token: x.token,
      });
      expect(res.json.messages.map((m: { content: string }) => m.content)).toEqual(['hi x', 'hi y']);
      expect(res.json.has_more).toBe(false);
    });

    it('400 validation_failed for a bad target_type (exact text)', async () => {
      const res = await api.request('GET', `/api/v1/messages?target_type=dm&target_id=${bob.id}`, {
        token: alice.token,
      });
      expectError(res, 400, 'validation_failed');
      expect(res.json.error.message).toBe(
        "Validation failed: target_type - must be 'room' or 'direct_message'",
      );
    });

    it("403 for a non-member reading a private room's messages; 404 for malformed ids / unknown partner", async () => {
      const priv = await createRoom(api, alice, { settings: { public: false } });
      await send(alice, room(priv), 'secret');
      expectError(
        await api.request('GET', `/api/v1/messages?target_type=room&target_id=${priv}`, {
          token: carol.token,
        }),
        403,
        'not_room_member',
      );
      expectError(
        await api.request('GET', '/api/v1/messages?target_type=room&target_id=nope', { token: carol.token }),
        404,
        'room_not_found',
      );
      expectError(
        await api.request('GET', `/api/v1/messages?target_type=direct_message&target_id=${randomUUID()}`, {
          token: carol.token,
        }),
        404,
        'user_not_found',
      );
    });
  });

  describe('PATCH /api/v1/messages/{message_id}', () => {
    it('the author edits: 200 {message} with edited true; emits message_edited', async () => {
      const id = (await send(alice, room(), 'draft')).json.message.id;
      const res = await api.request('PATCH', `/api/v1/messages/${id}`, {
        token: alice.token,
        body: { content: 'final' },
      });
      expect(res.status).toBe(200);
      expect(res.json.message).toMatchObject({ id, content: 'final', edited: true });
      expect(api.events.some((e) => e.payload.type === 'message_edited')).toBe(true);
    });

    it("403 editing someone else's message; 400 content_invalid; 404", async () => {
      const id = (await send(alice, room(), 'mine')).json.message.id;
      expectError(
        await api.request('PATCH', `/api/v1/messages/${id}`, {
          token: bob.token,
          body: { content: 'hijack' },
        }),
        403,
        'not_message_author',
      );
      expectError(
        await api.request('PATCH', `/api/v1/messages/${id}`, { token: alice.token, body: { content: ' ' } }),
        400,
        'content_invalid',
      );
      expectError(
        await api.request('PATCH', `/api/v1/messages/${randomUUID()}`, {
          token: alice.token,
          body: { content: 'x' },
        }),
        404,
        'message_not_found',
      );
      expectError(
        await api.request('PATCH', `/api/v1/messages/${id}`, { token: alice.token, body: {} }),
        422,
        'invalid_request',
      );
    });
  });

  describe('DELETE /api/v1/messages/{message_id}', () => {
    it('author deletes (200); a plain member cannot delete others (403); an owner can; then 404', async () => {
      const bobs = (await send(bob, room(), 'by bob')).json.message.id;
      const alices = (await send(alice, room(), 'by alice')).json.message.id;
      expectError(
        await api.request('DELETE', `/api/v1/messages/${alices}`, { token: bob.token }),
        403,
        'permission_denied',
      );
      const own = await api.request('DELETE', `/api/v1/messages/${alices}`, { token: alice.token });
      expect(own.status).toBe(200);
      expect(own.json).toEqual({ success: true });
      expect((await api.request('DELETE', `/api/v1/messages/${bobs}`, { token: alice.token })).status).toBe(
        200,
      );
      expect(api.events.some((e) => e.payload.type === 'message_deleted')).toBe(true);
      expectError(
        await api.request('DELETE', `/api/v1/messages/${bobs}`, { token: alice.token }),
        404,
        'message_not_found',
      );
      expectError(
        await api.request('DELETE', '/api/v1/messages/zzz', { token: alice.token }),
        404,
        'message_not_found',
      );
    });
  });
});
