// Two relay PROCESSES (relay/main.ts) over one DynamoDB Local table deliver to each other's clients; a Lambda-style publisher reaches both.
import { randomUUID } from 'node:crypto';
import { composeServices } from '../../../shared/compose.js';
import type { AuthResult } from '../../../shared/features/auth/index.js';
import { RelayEventPublisher } from '../../../shared/delivery/relay-publisher.js';
import type { Services } from '../../../shared/features/index.js';
import { createTestTable, deleteTestTable, type TestTable } from '../../support/dynamo.js';
import { spawnRelayProcess, type RelayProcess } from '../../support/relay-process.js';
import { RELAY_TEST_SECRET, testLogger, TestTcpClient, TestWsClient } from '../../support/relay.js';
import { userInput } from '../../support/services.js';
import type { PresenceRepository } from '../../../shared/features/presence/index.js';

describe('two relay processes', () => {
  let table: TestTable;
  let services: Services;
  let presence: PresenceRepository;
  let a: RelayProcess;
  let b: RelayProcess;
  const clients: (TestTcpClient | TestWsClient)[] = [];

  beforeAll(async () => {
    table = await createTestTable();
    // The "Lambda" side: services whose publisher has no selfRelayId and no local delivery.
    const composed = composeServices({
      doc: table.doc,
      tableName: table.tableName,
      jwtSecret: RELAY_TEST_SECRET,
      events: (repos) =>
        new RelayEventPublisher({
          presence: repos.presence,
          secret: RELAY_TEST_SECRET,
          logger: testLogger(),
          relayCacheMs: 0,
        }),
    });
    services = composed.services;
    presence = composed.repos.presence;
    [a, b] = await Promise.all([
      spawnRelayProcess(table, { LAIR_RELAY_ID: 'relay-a' }),
      spawnRelayProcess(table, { LAIR_RELAY_ID: 'relay-b' }),
    ]);
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) {
      if (c instanceof TestTcpClient) c.destroy();
      else c.close();
    }
    for (const p of [a, b] as (RelayProcess | undefined)[]) {
      if (p !== undefined && p.child.exitCode === null) {
        p.child.kill('SIGTERM');
        const force = setTimeout(() => p.child.kill('SIGKILL'), 5000);
        await p.exited;
        clearTimeout(force);
      }
    }
    await deleteTestTable(table);
  });

  async function tcpUser(port: number, encrypt = false, preset?: AuthResult) {
    const auth = preset ?? (await services.auth.register(userInput(), 'http'));
    const client = await TestTcpClient.connect(port);
    await client.login(auth.token, encrypt);
    clients.push(client);
    return { client, auth };
  }

  /** Presence goes to contacts only (docs/protocol/extensions.md §8): make two users friends. */
  async function friends(): Promise<[AuthResult, AuthResult]> {
    const [x, y] = [
      await services.auth.register(userInput(), 'http'),
      await services.auth.register(userInput(), 'http'),
    ];
    await services.friends.send(x.user.id, { user_id: y.user.id });
    await services.friends.send(y.user.id, { user_id: x.user.id });
    return [x, y];
  }

  it('both relays registered themselves', async () => {
    const ids = (await presence.listRelays()).map((r) => r.relayId).sort();
    expect(ids).toEqual(['relay-a', 'relay-b']);
  });

  it('events cross processes: joins, messages, presence, WebSocket', async () => {
    const [aliceAuth, bobAuth] = await friends();
    const alice = await tcpUser(a.port, true, aliceAuth);
    const bob = await tcpUser(b.port, false, bobAuth);
    expect(
      await alice.client.nextOf('user_online', 5000, (m) => m.user_id === bob.auth.user.id),
    ).toBeTruthy();

    const room = (await alice.client.request({ type: 'create_room', name: `mp-${randomUUID().slice(0, 8)}` }))
      .room;
    await bob.client.request({ type: 'join_room', room_id: room.id });
    await alice.client.nextOf('user_joined_room', 5000, (m) => m.user.id === bob.auth.user.id);

    const sent = await bob.client.request({
      type: 'send_message',
      target: { type: 'room', room_id: room.id },
      content: 'across',
    });
    for (const c of [alice.client, bob.client]) {
      await c.nextOf('message_received', 5000, (m) => m.message.id === sent.message.id);
    }

    const wsAuth = await services.auth.register(userInput(), 'http');
    const ws = await TestWsClient.connect(b.wsPort, wsAuth.token);
    clients.push(ws);
    await ws.nextOf('authenticate_response');
    await ws.request({ type: 'join_room', room_id: room.id });
    const fromA = await alice.client.request({
      type: 'send_message',
      target: { type: 'room', room_id: room.id },
      content: 'to ws on b',
    });
    await ws.nextOf('message_received', 5000, (m) => m.message.id === fromA.message.id);
    expect(alice.client.garbage).toHaveLength(0);
  });

  it('a publisher without selfRelayId (as a Lambda) reaches TCP clients on every relay', async () => {
    const alice = await tcpUser(a.port);
    const bob = await tcpUser(b.port, true);
    const room = await services.rooms.create(alice.auth.user.id, {
      name: `lambda-${randomUUID().slice(0, 8)}`,
    });
    await services.rooms.join(bob.auth.user.id, room.id);
    const msg = await services.messages.send(
      alice.auth.user.id,
      { type: 'room', room_id: room.id },
      'from lambda',
    );
    for (const c of [alice.client, bob.client]) {
      expect(await c.nextOf('message_received', 5000, (m) => m.message.id === msg.id)).toMatchObject({
        author_username: alice.auth.user.username,
      });
    }
    const dm = await services.messages.send(
      alice.auth.user.id,
      { type: 'dm', recipient: bob.auth.user.id },
      'dm',
    );
    await bob.client.nextOf('message_received', 5000, (m) => m.message.id === dm.id);
  });

  it('SIGTERM stops a relay gracefully: its clients see EOF, others get user_offline, it deregisters', async () => {
    const [leavingAuth, stayingAuth] = await friends();
    const leaving = await tcpUser(a.port, false, leavingAuth);
    const staying = await tcpUser(b.port, false, stayingAuth);
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    await leaving.client.waitClosed();
    await staying.client.nextOf('user_offline', 5000, (m) => m.user_id === leaving.auth.user.id);
    expect((await presence.listRelays()).map((r) => r.relayId)).toEqual(['relay-b']);
    // The remaining relay still works, and publishing to the dead one's address does not block it.
    const sent = await staying.client.request({
      type: 'send_message',
      target: { type: 'dm', recipient: staying.auth.user.id },
      content: 'alone',
    });
    await staying.client.nextOf('message_received', 5000, (m) => m.message.id === sent.message.id);
  });
});
