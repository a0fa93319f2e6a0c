// Integration: DynamoPresenceRepository and DynamoRateLimiter on DynamoDB Local (TTL'd items read as absent once expired).
import { randomUUID } from 'node:crypto';
import { createRepositories, type Repositories } from '../../../shared/features/index.js';
import { createTestTable, deleteTestTable, type TestTable } from '../../support/dynamo.js';
import { movableClock } from './fixtures.js';

describe('DynamoPresenceRepository', () => {
  let table: TestTable;
  let repos: Repositories;
  const clock = movableClock();

  beforeAll(async () => {
    table = await createTestTable();
    repos = createRepositories(table.doc, table.tableName, { clock });
  });
  afterAll(async () => {
    await deleteTestTable(table);
  });
  beforeEach(() => {
    clock.set(Date.now());
  });

  it('counts live connections across relays and forgets them once expired or deleted', async () => {
    const user = randomUUID();
    await repos.presence.putConnection(user, 'relay-a', 'c1', 30);
    await repos.presence.putConnection(user, 'relay-b', 'c2', 90);
    await repos.presence.putConnection(user, 'relay-b', 'c2', 90); // heartbeat refresh, same item

    expect(await repos.presence.countConnections(user)).toBe(2);
    clock.advance(60_000);
    expect(await repos.presence.countConnections(user)).toBe(1);
    await repos.presence.deleteConnection(user, 'relay-b', 'c2');
    expect(await repos.presence.countConnections(user)).toBe(0);
  });

  it('hasConnections: true while one live item exists, also behind more than a page (10) of expired ones', async () => {
    const user = randomUUID();
    expect(await repos.presence.hasConnections(user)).toBe(false);
    for (let i = 0; i < 12; i++) await repos.presence.putConnection(user, 'relay-x', `a${i}`, 5);
    await repos.presence.putConnection(user, 'relay-x', 'z-live', 90); // sorts after the a* items
    expect(await repos.presence.hasConnections(user)).toBe(true);
    clock.advance(10_000); // the 12 short ones expire, z-live stays
    expect(await repos.presence.hasConnections(user)).toBe(true);
    await repos.presence.deleteConnection(user, 'relay-x', 'z-live');
    expect(await repos.presence.hasConnections(user)).toBe(false);
  });

  it('refreshConnections extends every item in one batched call, across the 25-item chunk limit', async () => {
    const users = Array.from({ length: 30 }, () => randomUUID());
    for (const u of users) await repos.presence.putConnection(u, 'relay-h', `c-${u}`, 30);
    clock.advance(20_000);
    await repos.presence.refreshConnections(
      users.map((u) => ({ userId: u, relayId: 'relay-h', connectionId: `c-${u}` })),
      60,
    );
    clock.advance(30_000); // 50 s after the first put: only refreshed items are still live
    const counts = await Promise.all(users.map((u) => repos.presence.countConnections(u)));
    expect(counts).toEqual(users.map(() => 1));
    clock.advance(31_000); // past the refreshed lifetime
    expect(await repos.presence.countConnections(users[0]!)).toBe(0);
  });

  it('putConnection: 60 connections put in one turn (BatchWriteItems of 25, docs/adr/029) are all stored', async () => {
    const users = Array.from({ length: 30 }, () => randomUUID());
    await Promise.all(
      users.flatMap((u) => [
        repos.presence.putConnection(u, 'relay-s', `${u}-1`, 60),
        repos.presence.putConnection(u, 'relay-s', `${u}-2`, 60),
      ]),
    );
    const counts = await Promise.all(users.map((u) => repos.presence.countConnections(u)));
    expect(counts).toEqual(users.map(() => 2));
  });

  it('lists distinct online users with at least one live connection', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await repos.presence.putConnection(a, 'relay-a', 'a1', 60);
    await repos.presence.putConnection(a, 'relay-b', 'a2', 60);
    await repos.presence.putConnection(b, 'relay-a', 'b1', 60);
    await repos.presence.putConnection(c, 'relay-a', 'c1', 5);
    clock.advance(10_000);

    const online = await repos.presence.listOnlineUserIds();

    expect(online).toEqual(expect.arrayContaining([a, b]));
    expect(online).not.toContain(c);
    expect(online.filter((id) => id === a)).toHaveLength(1);
  });

  it('registers, lists, expires and deregisters relays', async () => {
    await repos.presence.registerRelay({ relayId: 'r1', endpoint: 'http://127.0.0.1:40001' }, 30);
    await repos.presence.registerRelay({ relayId: 'r2', endpoint: 'http://127.0.0.1:40002' }, 120);

    expect((await repos.presence.listRelays()).map((r) => r.relayId).sort()).toEqual(['r1', 'r2']);
    clock.advance(60_000);
    expect(await repos.presence.listRelays()).toEqual([
      { relayId: 'r2', endpoint: 'http://127.0.0.1:40002' },
    ]);
    await repos.presence.deregisterRelay('r2');
    expect(await repos.presence.listRelays()).toEqual([]);
  });
});

describe('DynamoRateLimiter', () => {
  let table: TestTable;
  let repos: Repositories;
  const clock = movableClock();

  beforeAll(async () => {
    table = await createTestTable();
    repos = createRepositories(table.doc, table.tableName, { clock });
  });
  afterAll(async () => {
    await deleteTestTable(table);
  });

  it('allows `limit` requests per window, then refuses until the next window', async () => {
    clock.set(Date.UTC(2025, 0, 21, 12, 0, 15)); // 15 s into a 60 s window
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await repos.rateLimiter.consume('10.0.0.1', 'auth', 3, 60));

    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    expect(decisions[0]).toMatchObject({ limit: 3, resetSeconds: 45 });

    clock.advance(45_000); // next window
    expect(await repos.rateLimiter.consume('10.0.0.1', 'auth', 3, 60)).toEqual({
      allowed: true,
      limit: 3,
      remaining: 2,
      resetSeconds: 60,
    });
  });

  it('keeps keys and buckets apart and counts concurrent requests exactly', async () => {
    clock.set(Date.UTC(2025, 0, 21, 13, 0, 0));
    await Promise.all(
      Array.from({ length: 10 }, () => repos.rateLimiter.consume('10.0.0.2', 'general', 100, 60)),
    );

    expect((await repos.rateLimiter.consume('10.0.0.2', 'general', 100, 60)).remaining).toBe(89);
    expect((await repos.rateLimiter.consume('10.0.0.2', 'messaging', 30, 60)).remaining).toBe(29);
    expect((await repos.rateLimiter.consume('10.0.0.3', 'general', 100, 60)).remaining).toBe(99);
  });
});
