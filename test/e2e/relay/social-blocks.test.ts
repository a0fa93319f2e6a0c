// E2E docs/protocol/extensions.md §7.3 blocking over real TCP and WebSocket sockets: commands, DM refusal, and the delivery filter (a blocked user's room messages, edits, pins of them, reactions, mentions and typing never reach the blocker).
import { randomUUID } from 'node:crypto';
import {
  serveWebSocket,
  connectUser,
  expectFail,
  startTestRelay,
  TestTcpClient,
  TestWsClient,
  type Msg,
  type TestRelay,
} from '../../support/relay.js';

describe('blocking on the relay (extensions.md §7.3)', () => {
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

  async function tcpUser() {
    const { client, auth } = await connectUser(relay, { extensions: ['lair.social', 'lair.messages'] });
    clients.push(client);
    return { client, id: auth.user.id, username: auth.user.username, token: auth.token };
  }

  const msgIn = (roomId: string, content: string) => (m: Msg) =>
    m.type === 'message_received' && m.message.target.room_id === roomId && m.message.content === content;

  it('block_user / list_blocks / unblock_user over TCP; unknown, self and not-blocked answer the documented codes', async () => {
    const [a, b] = [await tcpUser(), await tcpUser()];
    const ok = await a.client.request({ type: 'block_user', request_id: 'b1', username: b.username });
    expect(ok).toMatchObject({ type: 'block_user_response', request_id: 'b1', success: true });
    expect(ok).not.toHaveProperty('error');
    const list = await a.client.request({ type: 'list_blocks', request_id: 'l1' });
    expect(list).toMatchObject({ success: true, blocks: [{ user_id: b.id, username: b.username }] });
    expect(list.next_cursor ?? null).toBeNull(); // null payload fields are omitted on TCP (tcp.md §2.2)
    expectFail(
      await a.client.request({ type: 'block_user', user_id: a.id }),
      'block_user_response',
      'validation_failed',
    );
    expectFail(
      await a.client.request({ type: 'block_user', username: 'nobody_here_x' }),
      'block_user_response',
      'user_not_found',
    );
    expectFail(await a.client.request({ type: 'block_user' }), 'block_user_response', 'validation_failed');
    expectFail(
      await a.client.request({ type: 'list_blocks', limit: 101 }),
      'list_blocks_response',
      'validation_failed',
    );
    expect((await a.client.request({ type: 'unblock_user', user_id: b.id })).success).toBe(true);
    expectFail(
      await a.client.request({ type: 'unblock_user', user_id: b.id }),
      'unblock_user_response',
      'not_found',
      'Not found',
    );
  });

  it('a DM to or from a blocked user is refused exactly like dm_from: friends refuses a stranger', async () => {
    const [a, b, c] = [await tcpUser(), await tcpUser(), await tcpUser()];
    await b.client.request({ type: 'block_user', user_id: a.id });
    const dm = (from: typeof a, to: typeof a) =>
      from.client.request({
        type: 'send_message',
        request_id: 'dm',
        target: { type: 'dm', recipient: to.id },
        content: 'x',
      });
    const refused = await dm(a, b);
    expectFail(refused, 'send_message_response', 'recipient_unavailable', 'Recipient unavailable');
    expectFail(await dm(b, a), 'send_message_response', 'recipient_unavailable');
    await c.client.request({ type: 'update_preferences', preferences: { privacy: { dm_from: 'friends' } } });
    const stranger = await dm(a, c);
    expect(JSON.stringify(stranger)).toBe(JSON.stringify(refused));
    expect(await b.client.expectNone((m) => m.type === 'message_received', 200)).toBe(true);
  });

  it("the blocker's TCP and WS sockets never get the blocked user's room messages, mentions or typing; others do; unblock resumes", async () => {
    const [a, b, c] = [await tcpUser(), await tcpUser(), await tcpUser()];
    const ws = await TestWsClient.connect(wsPort, a.token, 'lair.social,lair.messages');
    clients.push(ws);
    await ws.nextOf('authenticate_response');
    const roomId = (await a.client.request({ type: 'create_room', name: `blk-${randomUUID().slice(0, 8)}` }))
      .room.id as string;
    for (const u of [b, c]) await u.client.request({ type: 'join_room', room_id: roomId });
    await a.client.request({ type: 'block_user', user_id: b.id });
    const target = { type: 'room', room_id: roomId };
    await b.client.request({ type: 'send_message', target, content: `hey @${a.username}` });
    b.client.send({ type: 'typing', target });
    await c.client.request({ type: 'send_message', target, content: 'from c' });
    await a.client.next(msgIn(roomId, 'from c'));
    await ws.next(msgIn(roomId, 'from c'));
    await c.client.next(msgIn(roomId, `hey @${a.username}`));
    for (const sock of [a.client, ws]) {
      expect(sock.inbox.all.some((m) => m.type === 'message_received' && m.message.author === b.id)).toBe(
        false,
      );
      expect(sock.inbox.all.some((m) => m.type === 'mention' && m.message.author === b.id)).toBe(false);
      expect(sock.inbox.all.some((m) => m.type === 'user_typing' && m.user_id === b.id)).toBe(false);
    }
    await a.client.request({ type: 'unblock_user', user_id: b.id });
    await b.client.request({ type: 'send_message', target, content: 'back' });
    await a.client.next(msgIn(roomId, 'back'));
    await ws.next(msgIn(roomId, 'back'));
  });

  it("the blocker gets no edit, pin or reaction that carries the blocked user's message or action; others do", async () => {
    const [a, b, c] = [await tcpUser(), await tcpUser(), await tcpUser()];
    const roomId = (await c.client.request({ type: 'create_room', name: `blk-${randomUUID().slice(0, 8)}` }))
      .room.id as string;
    for (const u of [a, b]) await u.client.request({ type: 'join_room', room_id: roomId });
    const target = { type: 'room', room_id: roomId };
    const orig = (await b.client.request({ type: 'send_message', target, content: 'orig' })).message
      .id as string;
    const fromC = (await c.client.request({ type: 'send_message', target, content: 'from c' })).message
      .id as string;
    await a.client.next(msgIn(roomId, 'from c'));
    await a.client.request({ type: 'block_user', user_id: b.id });
    await b.client.request({ type: 'edit_message', message_id: orig, content: 'changed' });
    await b.client.request({ type: 'add_reaction', message_id: fromC, emoji: '👍' });
    await c.client.request({ type: 'pin_message', message_id: orig });
    await c.client.next((m) => m.type === 'message_edited' && m.message.id === orig);
    await c.client.next((m) => m.type === 'reaction_added' && m.user_id === b.id);
    await c.client.next((m) => m.type === 'message_pinned' && m.message.id === orig);
    // A reaction by c after all of the above reaches a: everything before it has been delivered.
    await c.client.request({ type: 'add_reaction', message_id: fromC, emoji: '🎉' });
    await a.client.next((m) => m.type === 'reaction_added' && m.user_id === c.id);
    const inbox = a.client.inbox.all;
    expect(inbox.some((m) => m.type === 'message_edited')).toBe(false);
    expect(inbox.some((m) => m.type === 'message_pinned')).toBe(false);
    expect(inbox.some((m) => m.type === 'reaction_added' && m.user_id === b.id)).toBe(false);
  });

  it('a block made over HTTP-side services (another connection) reaches an already-connected blocker', async () => {
    const [a, b] = [await tcpUser(), await tcpUser()];
    const roomId = (await a.client.request({ type: 'create_room', name: `blk-${randomUUID().slice(0, 8)}` }))
      .room.id as string;
    await b.client.request({ type: 'join_room', room_id: roomId });
    await relay.services.blocks.block(a.id, b.id);
    await b.client.request({
      type: 'send_message',
      target: { type: 'room', room_id: roomId },
      content: 'hidden',
    });
    await b.client.next(msgIn(roomId, 'hidden'));
    expect(await a.client.expectNone(msgIn(roomId, 'hidden'), 300)).toBe(true);
    // A fresh connection of the blocker loads the block from storage.
    const again = await connectUser(relay, {
      auth: {
        ...(await relay.services.auth.login(
          { identifier: a.username, password: 'plaid-otter-quarry-9' },
          'http',
        )),
      },
    });
    clients.push(again.client);
    await b.client.request({
      type: 'send_message',
      target: { type: 'room', room_id: roomId },
      content: 'hidden2',
    });
    await b.client.next(msgIn(roomId, 'hidden2'));
    expect(await again.client.expectNone(msgIn(roomId, 'hidden2'), 300)).toBe(true);
  });
});
