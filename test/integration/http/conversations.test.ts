// Integration: docs/protocol/extensions.md §7.2 group conversations over HTTP — every route, bad input codes, the 50 cap, blocking, and the `conversation` target through send, history, edit, delete, reactions, threads, read state, search, sync and export.
import { randomUUID } from 'node:crypto';
import { reindexMessages } from '../../../local/search-reindex.js';
import { createRepositories } from '../../../shared/features/index.js';
import { freshLifecycle } from '../../../shared/features/messages/index.js';
import { ulid } from 'ulidx';
import {
  expectError,
  expectNoServerErrors,
  makeAdmin,
  registerUser,
  startTestApi,
  type TestApi,
  type TestUser,
} from '../../support/http.js';
import { aUser } from '../storage/fixtures.js';

describe('conversations (extensions.md §7.2)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await expectNoServerErrors(api);
    await api.close();
  });

  const create = (by: TestUser, participant_ids: string[], title?: string | null) =>
    api.request('POST', '/api/v1/conversations', {
      token: by.token,
      body: { participant_ids, ...(title === undefined ? {} : { title }) },
    });
  const trio = async () => {
    const [a, b, c] = await Promise.all([registerUser(api), registerUser(api), registerUser(api)]);
    const res = await create(a, [b.id, c.id], 'Trio');
    expect(res.status).toBe(201);
    return { a, b, c, id: res.json.conversation.id as string };
  };
  const target = (id: string) => ({ type: 'conversation', conversation_id: id });
  const send = (by: TestUser, id: string, content: string, extra: Record<string, unknown> = {}) =>
    api.request('POST', '/api/v1/messages', {
      token: by.token,
      body: { target: target(id), content, ...extra },
    });
  const history = (by: TestUser, id: string) =>
    api.request('GET', `/api/v1/messages?target_type=conversation&target_id=${id}`, { token: by.token });

  it('POST creates (201, the documented shape), GET lists and reads, PATCH retitles; events go to the participants only', async () => {
    const [a, b, c, outsider] = await Promise.all([
      registerUser(api),
      registerUser(api),
      registerUser(api),
      registerUser(api),
    ]);
    api.events.length = 0;
    const res = await create(a, [b.id, c.id, b.id], '  Weekend plans ');
    expect(res.status).toBe(201);
    const conv = res.json.conversation;
    expect(conv).toEqual({
      id: expect.any(String),
      title: 'Weekend plans',
      participants: expect.any(Array),
      created_by: a.id,
      created_at: expect.any(String),
      last_message_at: null,
    });
    expect(conv.participants).toHaveLength(3); // the duplicate is dropped
    expect(conv.participants[0]).toEqual({ user_id: a.id, username: a.username, joined_at: conv.created_at });
    expect(new Set(conv.participants.map((p: { user_id: string }) => p.user_id))).toEqual(
      new Set([a.id, b.id, c.id]),
    );
    const created = api.events.filter((e) => e.payload.type === 'conversation_created');
    expect(created).toHaveLength(1);
    expect(new Set((created[0]?.audience as { userIds: string[] }).userIds)).toEqual(
      new Set([a.id, b.id, c.id]),
    );

    for (const u of [a, b, c]) {
      const got = await api.request('GET', `/api/v1/conversations/${conv.id}`, { token: u.token });
      expect(got.json).toEqual({ conversation: conv });
      const list = await api.request('GET', '/api/v1/conversations', { token: u.token });
      expect(list.json).toEqual({ conversations: [conv], next_cursor: null });
    }
    expect((await api.request('GET', '/api/v1/conversations', { token: outsider.token })).json).toEqual({
      conversations: [],
      next_cursor: null,
    });

    const patched = await api.request('PATCH', `/api/v1/conversations/${conv.id}`, {
      token: b.token,
      body: { title: 'Renamed' },
    });
    expect(patched.json.conversation.title).toBe('Renamed');
    const cleared = await api.request('PATCH', `/api/v1/conversations/${conv.id}`, {
      token: b.token,
      body: { title: '' },
    });
    expect(cleared.json.conversation.title).toBeNull();
    expectError(
      await api.request('PATCH', `/api/v1/conversations/${conv.id}`, {
        token: b.token,
        body: { title: 'x'.repeat(101) },
      }),
      400,
      'validation_failed',
    );
  });

  it('bad input: 2 or 51 people, yourself listed, unknown or malformed users, a long title — documented codes, nothing created', async () => {
    const [a, b, c] = await Promise.all([registerUser(api), registerUser(api), registerUser(api)]);
    expectError(await create(a, [b.id]), 400, 'validation_failed');
    expectError(await create(a, [b.id, b.id]), 400, 'validation_failed'); // still 2 people
    const fifty = Array.from({ length: 50 }, () => randomUUID());
    expectError(await create(a, fifty), 400, 'validation_failed');
    expectError(await create(a, [a.id, b.id, c.id]), 400, 'validation_failed');
    expectError(await create(a, [b.id, randomUUID()]), 404, 'user_not_found');
    expectError(await create(a, [b.id, 'not-a-uuid']), 404, 'user_not_found');
    expectError(await create(a, [b.id, c.id], 'x'.repeat(101)), 400, 'validation_failed');
    expectError(
      await api.request('POST', '/api/v1/conversations', { token: a.token, body: { title: 'no ids' } }),
      422,
      'invalid_request',
    );
    expectError(
      await api.request('POST', '/api/v1/conversations', { body: { participant_ids: [] } }),
      401,
      'missing_token',
    );
    expect(
      (await api.request('GET', '/api/v1/conversations', { token: a.token })).json.conversations,
    ).toEqual([]);
    expectError(
      await api.request('GET', '/api/v1/conversations?limit=0', { token: a.token }),
      400,
      'validation_failed',
    );
  });

  it('a non-participant gets conversation_not_found for every route and can never read, send, react or search', async () => {
    const { a, id } = await trio();
    const outsider = await registerUser(api);
    const msg = (await send(a, id, 'secret plans')).json.message;
    const none = { token: outsider.token };
    expectError(await api.request('GET', `/api/v1/conversations/${id}`, none), 404, 'conversation_not_found');
    expectError(
      await api.request('PATCH', `/api/v1/conversations/${id}`, { ...none, body: { title: 'mine' } }),
      404,
      'conversation_not_found',
    );
    expectError(
      await api.request('POST', `/api/v1/conversations/${id}/participants`, {
        ...none,
        body: { user_ids: [outsider.id] },
      }),
      404,
      'conversation_not_found',
    );
    expectError(
      await api.request('DELETE', `/api/v1/conversations/${id}/participants/me`, none),
      404,
      'conversation_not_found',
    );
    expectError(
      await api.request('GET', `/api/v1/conversations/${randomUUID()}`, none),
      404,
      'conversation_not_found',
    );
    expectError(await api.request('GET', '/api/v1/conversations/nope', none), 404, 'conversation_not_found');
    // Messages: send, history, edit, delete, react, thread, versions, export, search, mark read.
    expectError(await send(outsider, id, 'let me in'), 404, 'conversation_not_found');
    expectError(await history(outsider, id), 404, 'conversation_not_found');
    expectError(
      await api.request('POST', `/api/v1/messages/${msg.id}/reactions`, { ...none, body: { emoji: '👍' } }),
      404,
      'message_not_found',
    );
    expectError(
      await api.request('GET', `/api/v1/messages/${msg.id}/thread`, none),
      404,
      'message_not_found',
    );
    expectError(
      await api.request('GET', `/api/v1/messages/${msg.id}/versions`, none),
      404,
      'message_not_found',
    );
    expectError(
      await api.request('POST', '/api/v1/messages/read', {
        ...none,
        body: { target: target(id), up_to: msg.id },
      }),
      404,
      'conversation_not_found',
    );
    expectError(
      await api.request('POST', '/api/v1/exports', { ...none, body: { target: target(id) } }),
      404,
      'conversation_not_found',
    );
    await reindexMessages({ doc: api.table.doc, tableName: api.table.tableName });
    expectError(
      await api.request('GET', `/api/v1/search/messages?q=secret&conversation_id=${id}`, none),
      404,
      'conversation_not_found',
    );
    expect((await api.request('GET', '/api/v1/search/messages?q=secret', none)).json.results).toEqual([]);
    const mine = await api.request('GET', `/api/v1/search/messages?q=secret&conversation_id=${id}`, {
      token: a.token,
    });
    expect(mine.json.results.map((r: { message: { id: string } }) => r.message.id)).toEqual([msg.id]);
    const everywhere = await api.request('GET', '/api/v1/search/messages?q=plans', { token: a.token });
    expect(everywhere.json.results.map((r: { message: { id: string } }) => r.message.id)).toEqual([msg.id]);
    // Admin search (search.all, audited) may name any one conversation, as it may any room.
    const admin = await registerUser(api);
    await makeAdmin(api.table.doc, api.table.tableName, admin.id);
    const audited = await api.request('GET', `/api/v1/admin/search/messages?q=secret&conversation_id=${id}`, {
      token: admin.token,
    });
    expect(audited.json.results.map((r: { message: { id: string } }) => r.message.id)).toEqual([msg.id]);
    // The response of an unknown id equals the one of a real conversation (no existence oracle).
    const real = await api.request('GET', `/api/v1/conversations/${id}`, none);
    const unknown = await api.request('GET', `/api/v1/conversations/${randomUUID()}`, none);
    expect(real.text).toBe(unknown.text);
  });

  it('messages through the conversation target: send, history, edit, delete, reactions, threads, read state, sync, export; list by activity', async () => {
    const { a, b, c, id } = await trio();
    const other = await trio();
    api.events.length = 0;
    const first = await send(a, id, 'hello group');
    expect(first.status).toBe(201);
    expect(first.json.message.target).toEqual(target(id));
    const received = api.events.filter((e) => e.payload.type === 'message_received');
    expect(new Set((received[0]?.audience as { userIds: string[] }).userIds)).toEqual(
      new Set([a.id, b.id, c.id]),
    );
    const reply = await send(b, id, 'hi back', { reply_to: first.json.message.id });
    expect(reply.json.message.thread_root_id).toBe(first.json.message.id);
    const hist = await history(c, id);
    expect(hist.json.messages.map((m: { id: string }) => m.id)).toEqual([
      reply.json.message.id,
      first.json.message.id,
    ]);
    // edit (author only), delete (someone else's: permission_denied), reactions, thread
    expectError(
      await api.request('PATCH', `/api/v1/messages/${first.json.message.id}`, {
        token: b.token,
        body: { content: 'x' },
      }),
      403,
      'not_message_author',
    );
    const edited = await api.request('PATCH', `/api/v1/messages/${first.json.message.id}`, {
      token: a.token,
      body: { content: 'hello group!' },
    });
    expect(edited.json.message).toMatchObject({ content: 'hello group!', edited: true, target: target(id) });
    expectError(
      await api.request('DELETE', `/api/v1/messages/${first.json.message.id}`, { token: b.token }),
      403,
      'permission_denied',
    );
    const react = await api.request('POST', `/api/v1/messages/${first.json.message.id}/reactions`, {
      token: c.token,
      body: { emoji: '👍' },
    });
    expect(react.json.message.reactions).toEqual([{ emoji: '👍', count: 1, users: [c.id] }]);
    const thread = await api.request('GET', `/api/v1/messages/${first.json.message.id}/thread`, {
      token: c.token,
    });
    expect(thread.json.replies.map((m: { id: string }) => m.id)).toEqual([reply.json.message.id]);
    // read state: unread counts by_conversation, mark read
    const unread = await api.request('GET', '/api/v1/users/me', { token: c.token });
    expect(unread.json.unread_counts.by_conversation).toEqual({ [id]: 2 });
    const marked = await api.request('POST', '/api/v1/messages/read', {
      token: c.token,
      body: { target: target(id), up_to: reply.json.message.id },
    });
    expect(marked.status).toBe(200);
    expect(marked.json.unread_count).toBe(0);
    const sync = await api.request('GET', '/api/v1/sync', { token: c.token });
    const row = sync.json.targets.find((t: { target: { type: string } }) => t.target.type === 'conversation');
    expect(row.target).toEqual(target(id));
    expect(sync.json.conversations.map((x: { id: string }) => x.id)).toContain(id);
    expect(row.messages.map((m: { id: string }) => m.id)).toContain(reply.json.message.id);
    // delete own, list ordering: the conversation with the latest message first
    expect(
      (await api.request('DELETE', `/api/v1/messages/${reply.json.message.id}`, { token: b.token })).status,
    ).toBe(200);
    await send(other.a, other.id, 'later');
    const listed = await api.request('GET', '/api/v1/conversations', { token: other.a.token });
    expect(listed.json.conversations[0].last_message_at).not.toBeNull();
    const aList = await api.request('GET', '/api/v1/conversations', { token: a.token });
    expect(aList.json.conversations[0]).toMatchObject({ id, last_message_at: reply.json.message.created_at });
    // export
    const start = await api.request('POST', '/api/v1/exports', {
      token: b.token,
      body: { target: target(id) },
    });
    expect(start.status).toBe(202);
  });

  it('add participants (any participant, skips members, 50 cap by a conditional counter) and leave', async () => {
    const { a, b, c, id } = await trio();
    const repos = createRepositories(api.table.doc, api.table.tableName);
    const extra = Array.from({ length: 48 }, () => aUser());
    for (const u of extra) await repos.users.create(u);
    api.events.length = 0;
    const added = await api.request('POST', `/api/v1/conversations/${id}/participants`, {
      token: b.token,
      body: { user_ids: [a.id, ...extra.slice(0, 47).map((u) => u.id)] },
    });
    expect(added.status).toBe(200);
    expect(added.json.conversation.participants).toHaveLength(50);
    const ev = api.events.find((e) => e.payload.type === 'participant_added');
    expect(ev?.payload).toMatchObject({ type: 'participant_added', added_by: b.id });
    expect((ev?.payload as { user_ids: string[] }).user_ids).toHaveLength(47);
    const last = extra[47]!;
    expectError(
      await api.request('POST', `/api/v1/conversations/${id}/participants`, {
        token: c.token,
        body: { user_ids: [last.id] },
      }),
      400,
      'validation_failed',
    );
    expectError(
      await api.request('POST', `/api/v1/conversations/${id}/participants`, {
        token: c.token,
        body: { user_ids: [] },
      }),
      400,
      'validation_failed',
    );
    expectError(
      await api.request('POST', `/api/v1/conversations/${id}/participants`, {
        token: c.token,
        body: { user_ids: [randomUUID()] },
      }),
      404,
      'user_not_found',
    );
    // leave frees a place; the leaver loses access at once
    const left = await api.request('DELETE', `/api/v1/conversations/${id}/participants/me`, {
      token: c.token,
    });
    expect(left.json).toEqual({ success: true });
    expect(api.events.some((e) => e.payload.type === 'participant_left')).toBe(true);
    expectError(await history(c, id), 404, 'conversation_not_found');
    // The message transaction itself re-checks participation (a send racing the leave cannot land).
    const at = new Date().toISOString();
    await expect(
      repos.messages.put({
        ...freshLifecycle(at),
        id: randomUUID(),
        author: c.id,
        target: { type: 'conversation', conversation_id: id },
        content: 'late',
        edited: false,
        created_at: at,
        seq: ulid(),
        conversation: `CONV#${id}`,
        version: 1,
      }),
    ).rejects.toMatchObject({ code: 'conversation_not_found' });
    expectError(
      await api.request('DELETE', `/api/v1/conversations/${id}/participants/me`, { token: c.token }),
      404,
      'conversation_not_found',
    );
    // 49 now: two adds racing for the last place — the counter condition lets exactly one through.
    const race = await Promise.all(
      [last.id, c.id].map((uid) =>
        api.request('POST', `/api/v1/conversations/${id}/participants`, {
          token: a.token,
          body: { user_ids: [uid] },
        }),
      ),
    );
    expect(race.map((r) => r.status).sort()).toEqual([200, 400]);
    const after = await api.request('GET', `/api/v1/conversations/${id}`, { token: a.token });
    expect(after.json.conversation.participants).toHaveLength(50);
    // The store's own condition (not only the service's pre-check) refuses the 51st.
    await expect(
      repos.conversations.addParticipants(id, a.id, [
        { user_id: randomUUID(), username: 'ghost', joined_at: new Date().toISOString() },
      ]),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('blocking: neither side can put the other in a conversation (recipient_unavailable, byte-identical to the DM refusal)', async () => {
    const [a, b, c, d] = await Promise.all([
      registerUser(api),
      registerUser(api),
      registerUser(api),
      registerUser(api),
    ]);
    await api.request('PUT', `/api/v1/blocks/${a.id}`, { token: b.token }); // b blocks a
    const refused = await create(a, [b.id, c.id]);
    expectError(refused, 403, 'recipient_unavailable');
    const dm = await api.request('POST', '/api/v1/messages', {
      token: a.token,
      body: { target: { type: 'direct_message', recipient: b.id }, content: 'hi' },
    });
    expect(refused.text).toBe(dm.text);
    expectError(await create(b, [a.id, c.id]), 403, 'recipient_unavailable');
    const conv = (await create(a, [c.id, d.id])).json.conversation;
    expectError(
      await api.request('POST', `/api/v1/conversations/${conv.id}/participants`, {
        token: a.token,
        body: { user_ids: [b.id] },
      }),
      403,
      'recipient_unavailable',
    );
    // c may add b (no block between them); b's history then hides a's messages (as rooms do)
    await send(a, conv.id, 'from a');
    await api.request('POST', `/api/v1/conversations/${conv.id}/participants`, {
      token: c.token,
      body: { user_ids: [b.id] },
    });
    await send(c, conv.id, 'from c');
    const seen = await history(b, conv.id);
    expect(seen.json.messages.map((m: { content: string }) => m.content)).toEqual(['from c']);
  });
});
