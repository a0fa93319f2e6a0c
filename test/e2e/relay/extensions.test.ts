// Opt-in extensions over real sockets (docs/protocol/extensions.md §0, §1): only connections that asked for lair.messages get its events; upstream clients keep working.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  connectUser,
  expectFail,
  startTestRelay,
  TestWsClient,
  type Msg,
  type TestRelay,
  type TestTcpClient,
} from '../../support/relay.js';

const NEW_EVENT_TYPES = ['reaction_added', 'reaction_removed', 'thread_updated'];

describe('lair.messages opt-in (extensions.md §0.1–§0.2)', () => {
  let relay: TestRelay;
  let http: Server;
  let wsPort: number;
  let upstream: TestTcpClient; // no extensions requested (upstream 0.8 client)
  let plain: TestTcpClient; // lair.messages, plaintext
  let encrypted: TestTcpClient; // lair.messages, encrypted
  let ws: TestWsClient; // lair.messages via ?features=
  let roomId: string;

  beforeAll(async () => {
    relay = await startTestRelay();
    http = createServer((_req, res) => {
      res.statusCode = 404;
      res.end();
    });
    relay.relay.attachWebSocket(http);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    wsPort = (http.address() as AddressInfo).port;
    upstream = (await connectUser(relay)).client;
    plain = (await connectUser(relay, { extensions: ['lair.messages'] })).client;
    encrypted = (await connectUser(relay, { encrypt: true, extensions: ['lair.messages', 'lair.unknown'] }))
      .client;
    const wsAuth = await relay.register();
    ws = await TestWsClient.connect(wsPort, wsAuth.token, 'lair.messages,nonsense');
    await ws.nextOf('authenticate_response');
    roomId = (await upstream.request({ type: 'create_room', name: `ext-${randomUUID().slice(0, 8)}` })).room
      .id;
    for (const c of [plain, encrypted, ws]) {
      await c.request({ type: 'join_room', room_id: roomId });
    }
    // Let every join reach every member before the exercise starts.
    const ready = (
      await upstream.request({
        type: 'send_message',
        target: { type: 'room', room_id: roomId },
        content: 'ready',
      })
    ).message;
    for (const c of [upstream, plain, encrypted, ws]) {
      await c.next((m) => m.type === 'message_received' && m.message.id === ready.id);
    }
  });
  afterAll(async () => {
    for (const c of [upstream, plain, encrypted]) c.destroy();
    ws.close();
    await relay.close();
    await new Promise((resolve) => http.close(resolve));
  });

  it('server_hello advertises the implemented extensions', async () => {
    const probe = await TestWsClient.connect(wsPort);
    expect(await probe.nextOf('server_hello')).toMatchObject({
      features: [
        'encryption',
        'lair.messages',
        'lair.invitations',
        'lair.receipts',
        'lair.sync',
        'lair.moderation',
        'lair.social',
      ],
    });
    probe.close();
  });

  it('a session exercising edit, reactions, threads and delete: extension clients get the new events, the upstream client none of them and keeps working', async () => {
    const target = { type: 'room', room_id: roomId };
    const root = (await plain.request({ type: 'send_message', target, content: 'root' })).message;
    expect(root).toMatchObject({ reply_count: 0, reactions: [], deleted: false, edit_count: 0 });
    const reply = await encrypted.request({
      type: 'send_message',
      target,
      content: 'reply',
      reply_to: root.id,
    });
    expect(reply).toMatchObject({ success: true, message: { reply_to: root.id, thread_root_id: root.id } });
    const reacted = await ws.request({ type: 'add_reaction', message_id: root.id, emoji: '👍' });
    expect(reacted.message.reactions).toEqual([{ emoji: '👍', count: 1, users: [expect.any(String)] }]);
    await upstream.request({ type: 'add_reaction', message_id: root.id, emoji: '👍' }); // new commands work for anyone
    await plain.request({ type: 'remove_reaction', message_id: root.id, emoji: '👍' }).then((r: Msg) => {
      expectFail(r, 'remove_reaction_response', 'reaction_not_found');
    });
    await plain.request({ type: 'edit_message', message_id: root.id, content: 'root v2' });
    const versions = await upstream.request({ type: 'get_message_versions', message_id: root.id });
    expect(versions.versions.map((v: Msg) => v.content)).toEqual(['root', 'root v2']);
    const thread = await ws.request({ type: 'get_thread', message_id: root.id });
    expect(thread.replies.map((m: Msg) => m.id)).toEqual([reply.message.id]);
    await encrypted.request({ type: 'delete_message', message_id: reply.message.id });
    const marker = (await upstream.request({ type: 'send_message', target, content: 'marker' })).message;

    // Every connection saw the marker; by then every earlier event has been delivered in order.
    for (const c of [upstream, plain, encrypted, ws]) {
      await c.next((m) => m.type === 'message_received' && m.message.id === marker.id);
    }
    const seen = (c: TestTcpClient | TestWsClient): string[] => c.inbox.all.map((m) => String(m.type));
    for (const c of [plain, encrypted, ws]) {
      const types = seen(c);
      expect(types).toEqual(
        expect.arrayContaining(['reaction_added', 'thread_updated', 'message_edited', 'message_deleted']),
      );
    }
    const upstreamTypes = seen(upstream);
    expect(upstreamTypes).toEqual(
      expect.arrayContaining(['message_received', 'message_edited', 'message_deleted']),
    );
    for (const t of NEW_EVENT_TYPES) expect(upstreamTypes).not.toContain(t);
    // History for everyone omits the tombstone unless asked.
    const history = await upstream.request({ type: 'get_messages', target, limit: 50 });
    expect(history.messages.some((m: Msg) => m.id === reply.message.id)).toBe(false);
    expect(history).not.toHaveProperty('next_cursor');
  });

  it('bad input gets the documented code and the connection stays open', async () => {
    const target = { type: 'room', room_id: roomId };
    const m = (await plain.request({ type: 'send_message', target, content: 'x' })).message;
    expectFail(
      await plain.request({ type: 'add_reaction', message_id: m.id, emoji: 'not one' }),
      'add_reaction_response',
      'validation_failed',
    );
    expectFail(
      await plain.request({ type: 'add_reaction', message_id: 'nope', emoji: '👍' }),
      'add_reaction_response',
      'invalid_id',
    );
    expectFail(
      await plain.request({ type: 'send_message', target, content: 'x', reply_to: randomUUID() }),
      'send_message_response',
      'invalid_reply',
    );
    expectFail(
      await plain.request({ type: 'get_message_versions', message_id: randomUUID() }),
      'get_message_versions_response',
      'message_not_found',
    );
    expect((await plain.request({ type: 'send_message', target, content: 'still here' })).success).toBe(true);
  });
});
