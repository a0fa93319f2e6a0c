// LairTcpClient against a scripted in-process TCP server: handshake, encryption, extensions, correlation, events, lifecycle methods.
import { LairTcpClient } from '../../../client/sdk/tcp.js';
import { LAIR_MESSAGES, LairRequestError, LairTimeoutError } from '../../../client/sdk/session.js';
import type { EventPayload } from '../../../shared/kernel/events.js';
import { startScriptedServer } from './scripted-tcp-server.js';
import type { Received, Script, ScriptedServer } from './scripted-tcp-server.js';
import { ROOM_ID, aMessage, aUser } from './fixtures.js';

const session = { id: 'c0ffee00-1234-4abc-8def-0123456789ab', expires_at: '2025-01-22T12:00:00+00:00' };
const received = (text = 'Hello!'): EventPayload => ({
  type: 'message_received',
  message: aMessage({ content: text }),
  author_username: 'alice',
});

/** Script answering `authenticate` with success and echoing the request_id. */
const authOk: Script = (msg, conn) => {
  if (msg.type === 'authenticate') {
    conn.send({
      type: 'authenticate_response',
      request_id: msg.request_id ?? null,
      success: true,
      user: aUser(),
      session,
    });
  }
};

describe('LairTcpClient', () => {
  let server: ScriptedServer | undefined;
  let client: LairTcpClient | undefined;

  afterEach(async () => {
    client?.close();
    await server?.close();
    client = undefined;
    server = undefined;
  });

  async function setup(
    script: Script,
    options: Parameters<typeof startScriptedServer>[1] = {},
    encryption = false,
  ) {
    server = await startScriptedServer(script, options);
    client = new LairTcpClient();
    await client.connect({ host: '127.0.0.1', port: server.port, encryption, keepaliveMs: 0 });
    return { server, client };
  }

  it('sends client_hello without encryption and authenticates in plaintext', async () => {
    const { server: s, client: c } = await setup(authOk);
    const res = await c.authenticate('jwt');
    expect(res.user?.username).toBe('alice');
    expect(c.encrypted).toBe(false);
    expect(s.connections[0]!.received[0]).toEqual({
      type: 'client_hello',
      version: '1.0',
      client_name: 'Lair Chat TS SDK',
      features: [],
    });
    expect(s.connections[0]!.received[1]).toMatchObject({ type: 'authenticate', token: 'jwt' });
  });

  it('performs the key exchange and encrypts every later frame both ways (docs/protocol/tcp.md §5.3)', async () => {
    // The event is written in the same TCP write as key_exchange_response, already encrypted.
    const events: EventPayload[] = [];
    server = await startScriptedServer(authOk, { afterKeyExchange: [received('first encrypted')] });
    client = new LairTcpClient();
    client.on('event', (e) => events.push(e));
    await client.connect({ host: '127.0.0.1', port: server.port, encryption: true, keepaliveMs: 0 });
    const res = await client.authenticate('jwt');

    expect(res.success).toBe(true);
    expect(client.encrypted).toBe(true);
    const conn = server.connections[0]!;
    expect(conn.received.map((m) => m.type)).toEqual(['client_hello', 'key_exchange', 'authenticate']);
    expect(conn.received[0]).toMatchObject({ features: ['encryption'] });
    expect(conn.encryptedFlags).toEqual([false, false, true]);
    expect(events).toEqual([received('first encrypted')]);
  });

  it('requests extensions in client_hello after "encryption" (docs/protocol/extensions.md §0.1)', async () => {
    server = await startScriptedServer(authOk);
    client = new LairTcpClient();
    const hello = await client.connect({
      host: '127.0.0.1',
      port: server.port,
      encryption: true,
      features: [LAIR_MESSAGES],
      keepaliveMs: 0,
    });
    expect(hello.features).toContain('lair.messages');
    expect(server.connections[0]!.received[0]).toMatchObject({ features: ['encryption', 'lair.messages'] });
  });

  it('sends the lifecycle commands with typed methods and unwraps their payloads', async () => {
    const message = aMessage({ reactions: [{ emoji: '👍', count: 1, users: [aUser().id] }] });
    const { server: s, client: c } = await setup((msg, conn) => {
      const base = { type: `${msg.type}_response`, request_id: msg.request_id ?? null, success: true };
      const payload: Record<string, Record<string, unknown>> = {
        send_message: { message },
        edit_message: { message },
        delete_message: {},
        get_messages: { messages: [message], has_more: true, next_cursor: 'c2' },
        get_message_versions: {
          versions: [{ version: 1, content: 'Hello!', created_at: message.created_at }],
        },
        add_reaction: { message },
        remove_reaction: { message },
        get_thread: { root: message, replies: [] },
      };
      conn.send({ ...base, ...payload[msg.type] });
    });
    const target = { type: 'room', room_id: ROOM_ID } as const;
    const id = message.id;
    await expect(c.sendMessage(target, 're', { reply_to: id })).resolves.toEqual(message);
    await expect(c.editMessage(id, 'v2')).resolves.toEqual(message);
    await expect(c.deleteMessage(id)).resolves.toBeUndefined();
    await expect(c.getMessages(target, { limit: 5, cursor: 'c1' })).resolves.toEqual({
      messages: [message],
      has_more: true,
      next_cursor: 'c2',
    });
    await expect(c.getMessageVersions(id)).resolves.toHaveLength(1);
    await expect(c.addReaction(id, '👍')).resolves.toEqual(message);
    await expect(c.removeReaction(id, ':tada:')).resolves.toEqual(message);
    await expect(c.getThread(id, { limit: 3 })).resolves.toEqual({
      root: message,
      replies: [],
      next_cursor: null,
    });
    expect(s.connections[0]!.received.slice(1).map(({ request_id: _, ...rest }) => rest)).toEqual([
      { type: 'send_message', target, content: 're', reply_to: id },
      { type: 'edit_message', message_id: id, content: 'v2' },
      { type: 'delete_message', message_id: id },
      { type: 'get_messages', target, limit: 5, cursor: 'c1' },
      { type: 'get_message_versions', message_id: id },
      { type: 'add_reaction', message_id: id, emoji: '👍' },
      { type: 'remove_reaction', message_id: id, emoji: ':tada:' },
      { type: 'get_thread', message_id: id, limit: 3 },
    ]);
  });

  it('dispatches reaction_added, reaction_removed and thread_updated as events', async () => {
    const target = { type: 'room', room_id: ROOM_ID } as const;
    const pushed: EventPayload[] = [
      {
        type: 'reaction_added',
        message_id: aMessage().id,
        target,
        emoji: '👍',
        user_id: aUser().id,
        count: 1,
      },
      {
        type: 'reaction_removed',
        message_id: aMessage().id,
        target,
        emoji: '👍',
        user_id: aUser().id,
        count: 0,
      },
      { type: 'thread_updated', root_id: aMessage().id, target, reply_count: 2, last_reply_at: null },
    ];
    const { client: c } = await setup((msg, conn) => {
      conn.send(...pushed, {
        type: 'leave_room_response',
        request_id: msg.request_id ?? null,
        success: true,
      });
    });
    const events: EventPayload[] = [];
    const warnings: Error[] = [];
    const threads: number[] = [];
    c.on('event', (e) => events.push(e));
    c.on('warning', (w) => warnings.push(w));
    c.on('thread_updated', (e) => threads.push(e.reply_count));
    await c.call({ type: 'leave_room', room_id: ROOM_ID });
    expect(events).toEqual(pushed);
    expect(threads).toEqual([2]);
    expect(warnings).toEqual([]);
  });

  it('correlates out-of-order responses by request_id', async () => {
    const held: Received[] = [];
    const { client: c } = await setup((msg, conn) => {
      held.push(msg);
      if (held.length === 2) {
        for (const m of [...held].reverse()) {
          conn.send({
            type: 'get_user_response',
            request_id: m.request_id ?? null,
            success: true,
            user: aUser({ username: String(m.user_id) }),
          });
        }
      }
    });
    const [a, b] = await Promise.all([
      c.call({ type: 'get_user', user_id: 'first' }),
      c.call({ type: 'get_user', user_id: 'second' }),
    ]);
    expect(a.user?.username).toBe('first');
    expect(b.user?.username).toBe('second');
    expect(held[0]!.request_id).not.toEqual(held[1]!.request_id);
  });

  it('falls back to the oldest pending request of that type when request_id is null (upstream)', async () => {
    const { client: c } = await setup((msg, conn) => {
      if (msg.type === 'join_room')
        conn.send({ type: 'join_room_response', request_id: null, success: true });
      if (msg.type === 'leave_room')
        conn.send({ type: 'leave_room_response', request_id: null, success: true });
    });
    const [join, leave] = await Promise.all([
      c.request({ type: 'join_room', room_id: ROOM_ID }),
      c.request({ type: 'leave_room', room_id: ROOM_ID }),
    ]);
    expect(join.type).toBe('join_room_response');
    expect(leave.type).toBe('leave_room_response');
  });

  it('dispatches events to `event` and per-type listeners, even before the response', async () => {
    const { client: c } = await setup((msg, conn) => {
      const message = aMessage({ content: String(msg.content) });
      conn.send(
        { type: 'message_received', message, author_username: 'alice' },
        { type: 'send_message_response', request_id: msg.request_id ?? null, success: true, message },
      );
    });
    const all: EventPayload[] = [];
    const typed: string[] = [];
    c.on('event', (e) => all.push(e));
    c.on('message_received', (e) => typed.push(e.message.content));
    const res = await c.call({
      type: 'send_message',
      target: { type: 'room', room_id: ROOM_ID },
      content: 'hi',
    });
    expect(res.message?.content).toBe('hi');
    expect(all.map((e) => e.type)).toEqual(['message_received']);
    expect(typed).toEqual(['hi']);
  });

  it('call() rejects with LairRequestError on success:false; request() resolves', async () => {
    const { client: c } = await setup((msg, conn) => {
      conn.send({
        type: 'join_room_response',
        request_id: msg.request_id ?? null,
        success: false,
        error: { code: 'room_full', message: 'Room is full' },
      });
    });
    await expect(c.call({ type: 'join_room', room_id: ROOM_ID })).rejects.toMatchObject({
      name: 'LairRequestError',
      code: 'room_full',
    });
    const res = await c.request({ type: 'join_room', room_id: ROOM_ID });
    expect(res.error).toEqual({ code: 'room_full', message: 'Room is full' });
    await expect(c.call({ type: 'join_room', room_id: ROOM_ID })).rejects.toBeInstanceOf(LairRequestError);
  });

  it('emits server_error for a top-level error frame', async () => {
    const { client: c } = await setup((_msg, conn) => {
      conn.send({ type: 'error', code: 'unauthorized', message: 'Must authenticate first' });
    });
    const errors = new Promise((resolve) => c.once('server_error', resolve));
    c.typing({ type: 'room', room_id: ROOM_ID });
    await expect(errors).resolves.toEqual({
      type: 'error',
      code: 'unauthorized',
      message: 'Must authenticate first',
    });
  });

  it('ping() resolves with pong.server_time', async () => {
    const { client: c } = await setup(() => undefined);
    await expect(c.ping()).resolves.toBe('2025-01-21T12:00:30.000123456+00:00');
  });

  it('rejects a request with LairTimeoutError when no response comes', async () => {
    const { client: c } = await setup(() => undefined);
    c.requestTimeoutMs = 50;
    await expect(c.request({ type: 'get_current_user' })).rejects.toBeInstanceOf(LairTimeoutError);
  });

  it('rejects pending requests and emits close when the server drops the connection', async () => {
    const { client: c } = await setup((_msg, conn) => conn.socket.destroy());
    const closed = new Promise((resolve) => c.once('close', resolve));
    await expect(c.request({ type: 'list_invitations' })).rejects.toThrow();
    await closed;
    expect(c.isClosed).toBe(true);
  });

  it('logout() resolves and closes', async () => {
    const { client: c } = await setup((msg, conn) => {
      conn.send({ type: 'logout_response', request_id: msg.request_id ?? null, success: true });
      conn.socket.end();
    });
    await expect(c.logout()).resolves.toMatchObject({ success: true });
  });

  it('sends keepalive pings on its interval', async () => {
    server = await startScriptedServer(() => undefined);
    client = new LairTcpClient();
    await client.connect({ host: '127.0.0.1', port: server.port, keepaliveMs: 20 });
    const pings = (): number => server!.connections[0]!.received.filter((m) => m.type === 'ping').length;
    const deadline = Date.now() + 5_000; // generous: the machine may be loaded
    while (pings() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(pings()).toBeGreaterThanOrEqual(2);
  });

  it('fails connect() when nothing listens', async () => {
    server = await startScriptedServer(() => undefined);
    const port = server.port;
    await server.close();
    server = undefined;
    client = new LairTcpClient();
    await expect(client.connect({ host: '127.0.0.1', port, keepaliveMs: 0 })).rejects.toThrow();
  });
});
