// Integration docs/protocol/extensions.md §9 admin user deletion: the messages stay in history, search, sync and export with `author` = the old id, and that id resolves to the `deleted-user` placeholder.
import {
  createRoom,
  makeAdmin,
  registerUser,
  startTestApi,
  type TestApi,
  type TestUser,
} from '../../support/http.js';

describe('a deleted user’s messages show the author as deleted (extensions.md §9)', () => {
  let api: TestApi;
  let admin: TestUser;
  beforeAll(async () => {
    api = await startTestApi();
    admin = await registerUser(api, 'adm');
    await makeAdmin(api.table.doc, api.table.tableName, admin.id);
  });
  afterAll(async () => {
    await api.close();
  });

  it('history, sync and export keep the messages; GET /users/{id} answers deleted-user', async () => {
    const author = await registerUser(api, 'gone');
    const reader = await registerUser(api, 'rd');
    const roomId = await createRoom(api, reader);
    expect((await api.request('POST', `/api/v1/rooms/${roomId}/join`, { token: author.token })).status).toBe(
      200,
    );
    const sent = await api.request('POST', '/api/v1/messages', {
      token: author.token,
      body: { target: { type: 'room', room_id: roomId }, content: 'zebracorn remains' },
    });
    expect(sent.status).toBe(201);
    const messageId = sent.json.message.id as string;

    const del = await api.request('DELETE', `/api/v1/admin/users/${author.id}`, { token: admin.token });
    expect(del.status).toBeLessThan(300);

    const history = await api.request('GET', `/api/v1/messages?target_type=room&target_id=${roomId}`, {
      token: reader.token,
    });
    expect(history.status).toBe(200);
    expect(history.json.messages).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: messageId, author: author.id })]),
    );

    // Search hits carry the same Message (`author` id); its index is fed by the stream handler (not run here).

    const sync = await api.request('GET', '/api/v1/sync', { token: reader.token });
    expect(sync.status).toBe(200);
    const row = sync.json.targets.find((x: { target: { room_id?: string } }) => x.target.room_id === roomId);
    expect(row.messages).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: messageId, author: author.id })]),
    );

    const start = await api.request('POST', '/api/v1/exports', {
      token: reader.token,
      body: { target: { type: 'room', room_id: roomId } },
    });
    expect(start.status).toBe(202);
    let job;
    for (let i = 0; i < 100; i++) {
      job = (await api.request('GET', `/api/v1/exports/${start.json.export.id}`, { token: reader.token }))
        .json.export;
      if (job.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const lines = (await (await fetch(job.download_url as string)).text())
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; author: string });
    expect(lines).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: messageId, author: author.id })]),
    );

    // The author id every one of those carries resolves to the placeholder, for anyone signed in.
    const who = await api.request('GET', `/api/v1/users/${author.id}`, { token: reader.token });
    expect(who.status).toBe(200);
    expect(who.json.user).toMatchObject({
      id: author.id,
      username: 'deleted-user',
      email: '',
      deleted: true,
    });
    expect(who.json.online).toBe(false);
    // The name is free again and the account cannot sign in.
    const login = await api.request('POST', '/api/v1/auth/login', {
      body: { identifier: author.username, password: author.password },
    });
    expect(login.status).toBe(401);
    // An id that never existed is still user_not_found.
    const none = await api.request(
      'GET',
      `/api/v1/users/${reader.id.replace(/.$/, (c) => (c === '0' ? '1' : '0'))}`,
      {
        token: reader.token,
      },
    );
    expect(none.status).toBe(404);
  });
});
