// HTTP exports and search over DynamoDB Local: POST/GET /api/v1/exports (202, JSONL download, members only) and GET /api/v1/search/messages input checks (docs/protocol/extensions.md §4, §5).
import {
  createRoom,
  expectError,
  registerUser,
  startTestApi,
  type TestApi,
  type TestUser,
} from '../../support/http.js';

describe('HTTP exports and search', () => {
  let api: TestApi;
  let alice: TestUser;
  let eve: TestUser;
  let roomId: string;

  beforeAll(async () => {
    api = await startTestApi();
    alice = await registerUser(api);
    eve = await registerUser(api);
    roomId = await createRoom(api, alice);
  });
  afterAll(async () => {
    await api.close();
  });

  const send = (content: string) =>
    api.request('POST', '/api/v1/messages', {
      token: alice.token,
      body: { target: { type: 'room', room_id: roomId }, content },
    });

  it('exports a room as JSONL oldest first (tombstones left out) and serves it through the download URL', async () => {
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push((await send(`line ${i}`)).json.message);
    await api.request('DELETE', `/api/v1/messages/${sent[2].id}`, { token: alice.token });
    const start = await api.request('POST', '/api/v1/exports', {
      token: alice.token,
      body: { target: { type: 'room', room_id: roomId }, format: 'jsonl' },
    });
    expect(start.status).toBe(202);
    expect(start.json.export).toMatchObject({ status: 'running', messages: 0 });
    let job;
    for (let i = 0; i < 100; i++) {
      job = (await api.request('GET', `/api/v1/exports/${start.json.export.id}`, { token: alice.token })).json
        .export;
      if (job.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(job).toMatchObject({ status: 'done', messages: 4 });
    const file = await fetch(job.download_url as string);
    expect(file.status).toBe(200);
    const lines = (await file.text())
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string });
    expect(lines.map((m) => m.id)).toEqual([sent[0].id, sent[1].id, sent[3].id, sent[4].id]);
    expect(job.bytes).toBeGreaterThan(0);
    // Another user cannot see the job.
    expectError(
      await api.request('GET', `/api/v1/exports/${start.json.export.id}`, { token: eve.token }),
      404,
      'export_not_found',
    );
  });

  it('refuses an export of a room you are not in, a bad format and bad times; nothing is created', async () => {
    expectError(
      await api.request('POST', '/api/v1/exports', {
        token: eve.token,
        body: { target: { type: 'room', room_id: roomId } },
      }),
      403,
      'not_room_member',
    );
    expectError(
      await api.request('POST', '/api/v1/exports', {
        token: alice.token,
        body: { target: { type: 'room', room_id: roomId }, format: 'csv' },
      }),
      400,
      'validation_failed',
    );
    expectError(
      await api.request('POST', '/api/v1/exports', {
        token: alice.token,
        body: { target: { type: 'room', room_id: roomId }, since: 'yesterday' },
      }),
      400,
      'validation_failed',
    );
    expectError(
      await api.request('GET', '/api/v1/exports/not-a-uuid', { token: alice.token }),
      404,
      'export_not_found',
    );
  });

  it('search: 10 KB query, 500 terms, only symbols and limit 0 are validation_failed; a non-member room is not_room_member', async () => {
    const q = (query: string) => `/api/v1/search/messages?${new URLSearchParams(query).toString()}`;
    for (const bad of [
      `q=${'x'.repeat(10_240)}`,
      `q=${Array.from({ length: 500 }, (_, i) => `w${i}`).join('+')}`,
      'q=%3F%21%2C',
      'q=hi&limit=0',
      'q=hi&limit=101',
    ]) {
      expectError(
        await api.request('GET', `/api/v1/search/messages?${bad}`, { token: alice.token }),
        400,
        'validation_failed',
      );
    }
    expectError(
      await api.request('GET', q(`q=line&room_id=${roomId}`), { token: eve.token }),
      403,
      'not_room_member',
    );
    const ok = await api.request('GET', q('q=line'), { token: alice.token });
    expect(ok.status).toBe(200);
    expect(ok.json).toHaveProperty('results');
    expect(ok.json).toHaveProperty('next_cursor');
    expect((await api.request('GET', q('q=line'), {})).status).toBe(401);
  });

  it('PATCH retention_days alone keeps privacy; 0 and 4000 are validation_failed', async () => {
    const patch = (settings: unknown) =>
      api.request('PATCH', `/api/v1/rooms/${roomId}`, { token: alice.token, body: { settings } });
    expectError(await patch({ retention_days: 0 }), 400, 'validation_failed');
    expectError(await patch({ retention_days: 4000 }), 400, 'validation_failed');
    const res = await patch({ retention_days: 30 });
    expect(res.status).toBe(200);
    expect(res.json.room.settings).toMatchObject({ retention_days: 30, is_private: false });
    expect((await patch({ retention_days: null })).json.room.settings.retention_days).toBeNull();
  });
});
