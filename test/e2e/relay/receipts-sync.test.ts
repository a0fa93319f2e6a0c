// Receipts and sync over real TCP and WebSocket connections (docs/protocol/extensions.md §2, §3): mark_read, get_unread, delivered, sync, opt-in events, and a relay restart that misses nothing.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestTable, deleteTestTable, type TestTable } from '../../support/dynamo.js';
import {
  connectUser,
  expectFail,
  expectOk,
  startTestRelay,
  TestWsClient,
  type Msg,
  type TestRelay,
} from '../../support/relay.js';

const EXT = ['lair.messages', 'lair.receipts', 'lair.sync'];

describe('receipts and sync over TCP/WS', () => {
  let table: TestTable;
  let relay: TestRelay;

  beforeAll(async () => {
    table = await createTestTable();
    relay = await startTestRelay({ table });
  });
  afterAll(async () => {
    await relay.close();
    await deleteTestTable(table);
  });

  it('mark_read / get_unread / delivered: counts, events only for lair.receipts, bad input refused', async () => {
    const { client: a, auth: alice } = await connectUser(relay, { extensions: EXT });
    const { client: b, auth: bob } = await connectUser(relay, { extensions: EXT });
    const { client: up, auth: carol } = await connectUser(relay); // upstream client: no extensions
    const room = await relay.services.rooms.create(alice.user.id, {
      name: `rs-${randomBytes(4).toString('hex')}`,
    });
    await relay.services.rooms.join(bob.user.id, room.id);
    await relay.services.rooms.join(carol.user.id, room.id);
    const target = { type: 'room' as const, room_id: room.id };
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await a.request({ type: 'send_message', target, content: `m${i}` })).message.id);

    const unread = await b.request({ type: 'get_unread', request_id: 'u1' });
    expectOk(unread, 'get_unread_response', 'u1');
    expect(unread.unread).toEqual([
      expect.objectContaining({
        target,
        unread_count: 3,
        mention_count: 0,
        last_message_id: ids[2],
        up_to: null,
      }),
    ]);
    const me = await b.request({ type: 'get_current_user' });
    expect(me.unread_counts).toMatchObject({ total: 3, by_room: { [room.id]: 3 } });

    const marked = await b.request({ type: 'mark_read', request_id: 'm1', target, up_to: ids[1] });
    expectOk(marked, 'mark_read_response', 'm1');
    expect(marked).toMatchObject({
      unread_count: 1,
      receipt: { target, user_id: bob.user.id, up_to: ids[1] },
    });
    expect(await b.nextOf('read_marker_updated')).toMatchObject({ target, up_to: ids[1], unread_count: 1 });
    expect(await a.nextOf('read_receipt')).toMatchObject({ user_id: bob.user.id, up_to: ids[1] });
    // The upstream client never sees a lair.receipts event (extensions.md §0.2) and keeps working.
    expect(
      await up.expectNone((m: Msg) => m.type === 'read_receipt' || m.type === 'read_marker_updated'),
    ).toBe(true);
    expectOk(
      await up.request({ type: 'get_current_user', request_id: 'c' }),
      'get_current_user_response',
      'c',
    );

    // A marker on a message of another target, or a malformed id: validation_failed, nothing changed.
    const dm = (
      await a.request({ type: 'send_message', target: { type: 'dm', recipient: bob.user.id }, content: 'dm' })
    ).message;
    expectFail(
      await b.request({ type: 'mark_read', target, up_to: dm.id }),
      'mark_read_response',
      'validation_failed',
    );
    expectFail(
      await b.request({ type: 'mark_read', target, up_to: 'nope' }),
      'mark_read_response',
      'validation_failed',
    );
    expect((await b.request({ type: 'get_unread' })).unread).toEqual(
      expect.arrayContaining([expect.objectContaining({ target, unread_count: 1, up_to: ids[1] })]),
    );

    // delivered: no response, the author gets delivery_receipt.
    b.send({ type: 'delivered', message_ids: [dm.id] });
    expect(await a.nextOf('delivery_receipt')).toMatchObject({ message_id: dm.id, user_id: bob.user.id });
    expect(await b.expectNone((m: Msg) => m.type === 'delivered_response' || m.type === 'error')).toBe(true);
    for (const c of [a, b, up]) c.destroy();
  });

  it('sync over TCP and WS: same result shape, bad tokens refused', async () => {
    const { client: a, auth: alice } = await connectUser(relay, { extensions: EXT });
    const room = await relay.services.rooms.create(alice.user.id, {
      name: `sy-${randomBytes(4).toString('hex')}`,
    });
    const target = { type: 'room' as const, room_id: room.id };
    const first = await a.request({ type: 'sync', request_id: 's0', limit: 10 });
    expectOk(first, 'sync_response', 's0');
    const m = (await a.request({ type: 'send_message', target, content: 'after the token' })).message;
    const http = createServer((_req, res) => res.writeHead(404).end());
    relay.relay.attachWebSocket(http);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const ws = await TestWsClient.connect((http.address() as AddressInfo).port, alice.token, EXT.join(','));
    const viaWs = await ws.request({ type: 'sync', request_id: 's1', since: first.next_since });
    expectOk(viaWs, 'sync_response', 's1');
    expect(viaWs.targets).toEqual([
      expect.objectContaining({ target, messages: [expect.objectContaining({ id: m.id })] }),
    ]);
    expect(viaWs).toMatchObject({
      memberships: [{ room_id: room.id, change: 'joined' }],
      invitations: [],
      notices: [],
    });
    expectFail(await ws.request({ type: 'sync', since: 'garbage' }), 'sync_response', 'validation_failed');
    const other = await relay.register();
    const foreign = await relay.services.sync.sync(other.user.id, null, 1);
    expectFail(
      await a.request({ type: 'sync', since: foreign.next_since }),
      'sync_response',
      'validation_failed',
    );
    a.destroy();
    ws.close();
    await new Promise((resolve) => http.close(resolve));
  });

  it('sync across a relay restart misses nothing', async () => {
    const { client: a, auth: alice } = await connectUser(relay, { extensions: EXT });
    const { client: b, auth: bob } = await connectUser(relay, { extensions: EXT });
    const room = await relay.services.rooms.create(alice.user.id, {
      name: `rr-${randomBytes(4).toString('hex')}`,
    });
    await relay.services.rooms.join(bob.user.id, room.id);
    const target = { type: 'room' as const, room_id: room.id };
    const keep = (await a.request({ type: 'send_message', target, content: 'before' })).message;
    const token = (await b.request({ type: 'sync', limit: 5 })).next_since as string;

    // The relay goes away; writes continue through the services (the HTTP API's path).
    await relay.close();
    const svc = relay.services;
    const sent: string[] = [];
    for (let i = 0; i < 30; i++) sent.push((await svc.messages.send(alice.user.id, target, `away ${i}`)).id);
    await svc.messages.edit(alice.user.id, keep.id, 'before, edited');
    await svc.messages.delete(alice.user.id, sent[3]!);
    await svc.messages.react(alice.user.id, sent[7]!, '👀', true);

    relay = await startTestRelay({ table });
    const { client: b2 } = await connectUser(relay, { auth: bob, extensions: EXT });
    const res = await b2.request({ type: 'sync', since: token, limit: 100 });
    expectOk(res, 'sync_response', null);
    const row = (res.targets as Msg[]).find((x) => x.target.room_id === room.id)!;
    const byId = new Map((row.messages as Msg[]).map((m) => [m.id as string, m]));
    for (const id of sent) expect(byId.has(id)).toBe(true);
    expect(byId.get(keep.id)).toMatchObject({ content: 'before, edited' });
    expect(byId.get(sent[3]!)).toMatchObject({ deleted: true });
    expect(byId.get(sent[7]!)?.reactions).toEqual([{ emoji: '👀', count: 1, users: [alice.user.id] }]);
    expect(row.unread_count).toBe(30); // 31 by alice, one of them deleted
    for (const c of [a, b, b2]) c.destroy();
  });
});
