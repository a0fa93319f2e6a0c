// E2E docs/protocol/extensions.md §7.2 group conversations over real TCP and WebSocket sockets: the five commands (+ update_conversation), events to participants only, the §0.4 gating of the `conversation` target for upstream clients, blocking.
import { randomUUID } from 'node:crypto';
import { upstreamTargetSchema } from '../../../relay/protocol/messages.js';
import {
  serveWebSocket,
  connectUser,
  expectFail,
  expectOk,
  startTestRelay,
  TestTcpClient,
  TestWsClient,
  type Msg,
  type TestRelay,
} from '../../support/relay.js';

describe('conversations on the relay (extensions.md §7.2)', () => {
  let relay: TestRelay;
  let ws: Awaited<ReturnType<typeof serveWebSocket>>;
  let wsPort: number;
  const clients: (TestTcpClient | TestWsClient)[] = [];

  beforeAll(async () => {
    relay = await startTestRelay();
    ws = await serveWebSocket(relay);
    wsPort = ws.port;
  });
  afterAll(async () => {
    for (const c of clients) {
      if (c instanceof TestTcpClient) c.destroy();
      else c.close();
    }
    await relay.close();
    await ws.close();
  });

  async function user(extensions: string[] = ['lair.social', 'lair.messages']) {
    const { client, auth } = await connectUser(relay, { extensions });
    clients.push(client);
    return { client, id: auth.user.id, username: auth.user.username, token: auth.token, auth };
  }
  type U = Awaited<ReturnType<typeof user>>;
  const createConv = async (by: U, others: U[], title?: string) => {
    const res = await by.client.request({
      type: 'create_conversation',
      request_id: 'cc',
      participant_ids: others.map((o) => o.id),
      ...(title === undefined ? {} : { title }),
    });
    expectOk(res, 'create_conversation_response', 'cc');
    return res.conversation as { id: string; participants: { user_id: string }[] };
  };
  const target = (id: string) => ({ type: 'conversation', conversation_id: id });
  const msgIn = (id: string, content: string) => (m: Msg) =>
    m.type === 'message_received' &&
    m.message.target.type === 'conversation' &&
    m.message.target.conversation_id === id &&
    m.message.content === content;

  it('create / list / get / update / add_participants / leave over TCP, events to the participants only', async () => {
    const [a, b, c, d, outsider] = [await user(), await user(), await user(), await user(), await user()];
    const conv = await createConv(a, [b, c], 'Trio');
    for (const u of [b, c]) {
      const ev = await u.client.nextOf('conversation_created');
      expect(ev.conversation).toEqual(conv);
    }
    expect(await outsider.client.expectNone((m) => m.type === 'conversation_created', 200)).toBe(true);
    const list = await b.client.request({ type: 'list_conversations', request_id: 'l' });
    expectOk(list, 'list_conversations_response', 'l');
    expect(list.conversations).toEqual([conv]);
    const got = await c.client.request({ type: 'get_conversation', conversation_id: conv.id });
    expect(got.conversation).toEqual(conv);
    const upd = await c.client.request({
      type: 'update_conversation',
      conversation_id: conv.id,
      title: 'Quad',
    });
    expect(upd.conversation.title).toBe('Quad');
    const added = await b.client.request({
      type: 'add_participants',
      conversation_id: conv.id,
      user_ids: [d.id],
    });
    expect(added.success).toBe(true);
    expect(added.conversation.participants).toHaveLength(4);
    for (const u of [a, c, d]) {
      const ev = await u.client.nextOf('participant_added');
      expect(ev).toMatchObject({ user_ids: [d.id], added_by: b.id, conversation: { id: conv.id } });
    }
    const left = await d.client.request({
      type: 'leave_conversation',
      request_id: 'bye',
      conversation_id: conv.id,
    });
    expectOk(left, 'leave_conversation_response', 'bye');
    for (const u of [a, b, c, d]) {
      expect(await u.client.nextOf('participant_left')).toMatchObject({
        conversation_id: conv.id,
        user_id: d.id,
      });
    }
    expect(await outsider.client.expectNone((m) => m.type === 'participant_left', 100)).toBe(true);
  });

  it('bad input and non-participants answer the documented codes', async () => {
    const [a, b, c, outsider] = [await user(), await user(), await user(), await user()];
    expectFail(
      await a.client.request({ type: 'create_conversation', participant_ids: [b.id] }),
      'create_conversation_response',
      'validation_failed',
    );
    expectFail(
      await a.client.request({
        type: 'create_conversation',
        participant_ids: Array.from({ length: 50 }, () => randomUUID()),
      }),
      'create_conversation_response',
      'validation_failed',
    );
    expectFail(
      await a.client.request({ type: 'create_conversation', participant_ids: [b.id, randomUUID()] }),
      'create_conversation_response',
      'user_not_found',
    );
    const conv = await createConv(a, [b, c]);
    for (const [type, extra] of [
      ['get_conversation', {}],
      ['update_conversation', { title: 'x' }],
      ['add_participants', { user_ids: [outsider.id] }],
      ['leave_conversation', {}],
    ] as const) {
      expectFail(
        await outsider.client.request({ type, conversation_id: conv.id, ...extra }),
        `${type}_response`,
        'conversation_not_found',
        'Conversation not found',
      );
    }
    expectFail(
      await outsider.client.request({ type: 'get_conversation', conversation_id: 'nope' }),
      'get_conversation_response',
      'conversation_not_found',
    );
    expectFail(
      await outsider.client.request({ type: 'send_message', target: target(conv.id), content: 'hi' }),
      'send_message_response',
      'conversation_not_found',
    );
    expectFail(
      await outsider.client.request({ type: 'get_messages', target: target(conv.id) }),
      'get_messages_response',
      'conversation_not_found',
    );
    const sent = await a.client.request({ type: 'send_message', target: target(conv.id), content: 'secret' });
    expectFail(
      await outsider.client.request({ type: 'add_reaction', message_id: sent.message.id, emoji: '👍' }),
      'add_reaction_response',
      'message_not_found',
    );
    expectFail(
      await outsider.client.request({
        type: 'search_messages',
        query: 'secret',
        filters: { conversation_id: conv.id },
      }),
      'search_messages_response',
      'conversation_not_found',
    );
    expect(await outsider.client.expectNone((m) => m.type === 'message_received', 100)).toBe(true);
  });

  it('messages: participants (TCP and WS, lair.social) receive them, an upstream socket of a participant never does; history, edit, reactions', async () => {
    const [a, b, c] = [await user(), await user(), await user()];
    const upstream = await connectUser(relay, {
      auth: await relay.services.auth.login(
        { identifier: c.username, password: 'plaid-otter-quarry-9' },
        'http',
      ),
    }); // c again, without extensions
    clients.push(upstream.client);
    const ws = await TestWsClient.connect(wsPort, b.token, 'lair.social,lair.messages');
    clients.push(ws);
    await ws.nextOf('authenticate_response');
    const conv = await createConv(a, [b, c]);
    const sent = await a.client.request({
      type: 'send_message',
      request_id: 's',
      target: target(conv.id),
      content: 'hello',
    });
    expectOk(sent, 'send_message_response', 's');
    expect(sent.message.target).toEqual(target(conv.id));
    await b.client.next(msgIn(conv.id, 'hello'));
    await c.client.next(msgIn(conv.id, 'hello'));
    await ws.next(msgIn(conv.id, 'hello'));
    const edited = await a.client.request({
      type: 'edit_message',
      message_id: sent.message.id,
      content: 'hello!',
    });
    expect(edited.success).toBe(true);
    await c.client.nextOf('message_edited');
    const reacted = await c.client.request({
      type: 'add_reaction',
      message_id: sent.message.id,
      emoji: '🎉',
    });
    expect(reacted.success).toBe(true);
    await ws.nextOf('reaction_added', 5000, (m) => m.target.conversation_id === conv.id);
    const hist = await b.client.request({ type: 'get_messages', target: target(conv.id) });
    expect(hist.messages.map((m: Msg) => m.content)).toEqual(['hello!']);
    c.client.send({ type: 'typing', target: target(conv.id) });
    await a.client.nextOf('user_typing', 5000, (m) => m.user_id === c.id);
    // §0.4: the upstream socket saw none of it (not the conversation_created, message, edit, reaction or typing).
    await a.client.request({ type: 'send_message', target: target(conv.id), content: 'last' });
    await c.client.next(msgIn(conv.id, 'last'));
    expect(
      upstream.client.inbox.all.some(
        (m) =>
          m.type === 'conversation_created' ||
          m.target?.type === 'conversation' ||
          m.message?.target?.type === 'conversation',
      ),
    ).toBe(false);
  });

  it('an upstream client sending the conversation target gets the upstream invalid_message error; nothing is stored', async () => {
    const [a, b, c] = [await user(), await user(), await user()];
    const conv = await createConv(a, [b, c]);
    const up = await connectUser(relay, {
      auth: await relay.services.auth.login(
        { identifier: a.username, password: 'plaid-otter-quarry-9' },
        'http',
      ),
    });
    clients.push(up.client);
    const frame = { type: 'send_message', request_id: 'x', target: target(conv.id), content: 'sneaky' };
    up.client.send(frame);
    const err = await up.client.nextOf('error');
    expect(err.code).toBe('invalid_message');
    // Exactly what a server knowing only `room` | `dm` answers (docs/protocol/tcp.md §9.2).
    expect(upstreamTargetSchema.safeParse(frame.target).success).toBe(false);
    expect(err.message).toBe(
      "Invalid JSON: send_message: field `target.type`: Invalid discriminator value. Expected 'room' | 'dm'",
    );
    // A bad tag from an upstream client is told only of upstream's variants.
    up.client.send({ ...frame, target: { type: 'channel' } });
    expect((await up.client.nextOf('error')).message).toBe(err.message);
    const hist = await a.client.request({ type: 'get_messages', target: target(conv.id) });
    expect(hist.messages).toEqual([]);
    // A room send on the same upstream socket still works.
    const room = await a.client.request({ type: 'create_room', name: `cv-${randomUUID().slice(0, 8)}` });
    const ok = await up.client.request({
      type: 'send_message',
      target: { type: 'room', room_id: room.room.id },
      content: 'fine',
    });
    expect(ok.success).toBe(true);
  });

  it('presence (§8): sharing only a group conversation is enough to hear user_online / user_offline', async () => {
    const [subject, p1, p2, stranger] = await Promise.all([
      relay.register(),
      relay.register(),
      relay.register(),
      relay.register(),
    ]);
    await relay.services.conversations.create(subject.user.id, { participant_ids: [p1.user.id, p2.user.id] });
    const watchers = [];
    for (const auth of [p1, p2, stranger]) {
      const { client } = await connectUser(relay, { auth, extensions: ['lair.social'] });
      clients.push(client);
      watchers.push(client);
    }
    const { client: me } = await connectUser(relay, { auth: subject, extensions: ['lair.social'] });
    const about = (type: string) => (m: Msg) => m.type === type && m.user_id === subject.user.id;
    for (const w of watchers.slice(0, 2)) await w.next(about('user_online'));
    expect(await watchers[2]!.expectNone(about('user_online'), 200)).toBe(true);
    me.destroy();
    for (const w of watchers.slice(0, 2)) await w.next(about('user_offline'));
  });

  it('blocking: the blocked user cannot add the blocker (recipient_unavailable); a blocked participant’s messages skip the blocker', async () => {
    const [a, b, c, d] = [await user(), await user(), await user(), await user()];
    await b.client.request({ type: 'block_user', user_id: a.id }); // b blocks a
    expectFail(
      await a.client.request({ type: 'create_conversation', participant_ids: [b.id, c.id] }),
      'create_conversation_response',
      'recipient_unavailable',
      'Recipient unavailable',
    );
    const conv = await createConv(a, [c, d]);
    expectFail(
      await a.client.request({ type: 'add_participants', conversation_id: conv.id, user_ids: [b.id] }),
      'add_participants_response',
      'recipient_unavailable',
    );
    const withB = await c.client.request({
      type: 'add_participants',
      conversation_id: conv.id,
      user_ids: [b.id],
    });
    expect(withB.success).toBe(true);
    await b.client.nextOf('participant_added');
    await a.client.request({ type: 'send_message', target: target(conv.id), content: 'from a' });
    await d.client.request({ type: 'send_message', target: target(conv.id), content: 'from d' });
    await b.client.next(msgIn(conv.id, 'from d'));
    expect(b.client.inbox.all.some(msgIn(conv.id, 'from a'))).toBe(false);
  });
});
