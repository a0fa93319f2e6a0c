// The `guest` system role (docs/protocol/extensions.md §9): reads and sends in joined public rooms only — no room creation, DMs, group conversations or invitations — over HTTP, and nothing is written when refused.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../../shared/features/index.js';
import {
  createRoom,
  expectError,
  registerUser,
  startTestApi,
  type TestApi,
  type TestUser,
} from '../../support/http.js';

describe('guest role', () => {
  let api: TestApi;
  let guest: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  let roomId: string;
  beforeAll(async () => {
    api = await startTestApi();
    [guest, alice, bob] = [
      await registerUser(api, 'g'),
      await registerUser(api, 'a'),
      await registerUser(api, 'b'),
    ];
    await api.table.doc.send(
      new UpdateCommand({
        TableName: api.table.tableName,
        Key: keys.user(guest.id),
        UpdateExpression: 'SET #r = :g',
        ExpressionAttributeNames: { '#r': 'role' },
        ExpressionAttributeValues: { ':g': 'guest' },
      }),
    );
    roomId = await createRoom(api, alice);
  });
  afterAll(async () => {
    await api.close();
  });

  it('joins a public room, reads and sends there', async () => {
    expect((await api.request('POST', `/api/v1/rooms/${roomId}/join`, { token: guest.token })).status).toBe(
      200,
    );
    const sent = await api.request('POST', '/api/v1/messages', {
      token: guest.token,
      body: { target: { type: 'room', room_id: roomId }, content: 'hello as a guest' },
    });
    expect(sent.status).toBe(201);
    const history = await api.request(
      'GET',
      `/api/v1/messages?target_type=room&target_id=${roomId}&limit=10`,
      { token: guest.token },
    );
    expect(history.status).toBe(200);
    expect(JSON.stringify(history.json)).toContain('hello as a guest');
  });

  it('may not DM (send or read), create rooms or conversations, or invite; nothing is written', async () => {
    const dm = await api.request('POST', '/api/v1/messages', {
      token: guest.token,
      body: { target: { type: 'direct_message', recipient: alice.id }, content: 'psst' },
    });
    expectError(dm, 403, 'permission_denied');
    expectError(
      await api.request('GET', `/api/v1/messages?target_type=direct_message&target_id=${alice.id}&limit=10`, {
        token: guest.token,
      }),
      403,
      'permission_denied',
    );
    const aliceDms = await api.request(
      'GET',
      `/api/v1/messages?target_type=direct_message&target_id=${guest.id}&limit=10`,
      { token: alice.token },
    );
    expect(aliceDms.json.messages).toEqual([]);

    expectError(
      await api.request('POST', '/api/v1/rooms', { token: guest.token, body: { name: 'guestroom' } }),
      403,
      'permission_denied',
    );
    expectError(
      await api.request('POST', '/api/v1/conversations', {
        token: guest.token,
        body: { participant_ids: [alice.id, bob.id] },
      }),
      403,
      'permission_denied',
    );
    expectError(
      await api.request('POST', '/api/v1/invitations', {
        token: guest.token,
        body: { room_id: roomId, user_id: bob.id },
      }),
      403,
      'permission_denied',
    );
    const bobInvites = await api.request('GET', '/api/v1/invitations', { token: bob.token });
    expect(bobInvites.status).toBe(200);
    expect(bobInvites.json.invitations).toEqual([]);
    // A user may still do all of it.
    expect(
      (
        await api.request('POST', '/api/v1/messages', {
          token: bob.token,
          body: { target: { type: 'direct_message', recipient: alice.id }, content: 'hi' },
        })
      ).status,
    ).toBe(201);
  });

  it('may accept an invitation to a public room but not to a private one; the refused one stays pending', async () => {
    const privateRoom = await createRoom(api, alice, { settings: { public: false } });
    const publicRoom = await createRoom(api, alice);
    const invite = async (room: string): Promise<string> => {
      const res = await api.request('POST', '/api/v1/invitations', {
        token: alice.token,
        body: { room_id: room, user_id: guest.id },
      });
      expect(res.status).toBe(201);
      return res.json.invitation.id as string;
    };
    const [toPrivate, toPublic] = [await invite(privateRoom), await invite(publicRoom)];
    expectError(
      await api.request('POST', `/api/v1/invitations/${toPrivate}/accept`, { token: guest.token }),
      403,
      'permission_denied',
    );
    const still = await api.request('GET', `/api/v1/invitations/${toPrivate}`, { token: guest.token });
    expect(still.json.invitation.status).toBe('pending');
    const members = await api.request('GET', `/api/v1/rooms/${privateRoom}/members`, { token: alice.token });
    expect(JSON.stringify(members.json)).not.toContain(guest.id);
    expect(
      (await api.request('POST', `/api/v1/invitations/${toPublic}/accept`, { token: guest.token })).status,
    ).toBe(200);
  });
});
