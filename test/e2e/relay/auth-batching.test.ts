// E2E: the relay's authenticate path over coalesced reads (docs/adr/029) — concurrent authentications succeed with their GetItems batched, a revoked session is refused, last_used_at is still refreshed, and user_online reaches the room read at attach.
import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { connectUser, startTestRelay, TestTcpClient, type Msg, type TestRelay } from '../../support/relay.js';

describe('authenticate over coalesced reads (docs/adr/029)', () => {
  let relay: TestRelay;
  const batches: number[] = [];
  const clients: TestTcpClient[] = [];
  beforeAll(async () => {
    relay = await startTestRelay({ onGetBatch: (n) => batches.push(n) });
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await relay.close();
  });

  const open = async (): Promise<TestTcpClient> => {
    const c = await TestTcpClient.connect(relay.relay.port);
    clients.push(c);
    await c.handshake(false, ['lair.social']);
    return c;
  };

  it("twelve authentications sent at once all succeed; each one's session, user and ban reads share a batch", async () => {
    const users = await Promise.all(Array.from({ length: 12 }, () => relay.register()));
    const sockets = await Promise.all(users.map(() => open()));
    batches.length = 0;
    const answers = await Promise.all(
      sockets.map((c, i) => c.request({ type: 'authenticate', request_id: `a${i}`, token: users[i]!.token })),
    );
    answers.forEach((res, i) => {
      expect(res).toMatchObject({ type: 'authenticate_response', success: true, request_id: `a${i}` });
      expect(res.user.id).toBe(users[i]!.user.id);
    });
    expect(batches.some((n) => n >= 3)).toBe(true);
    expect(batches.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3 * users.length);
  });

  it('a session revoked just before authenticate is refused, on the same socket a live one then succeeds', async () => {
    const user = await relay.register();
    await relay.services.auth.logout(user.user.id, user.session.id);
    const c = await open();
    const res: Msg = await c.request({ type: 'authenticate', request_id: 'r', token: user.token });
    expect(res).toMatchObject({ success: false, error: { code: 'session_not_found' } });
    const again = await relay.services.auth.login(
      { identifier: user.user.username, password: 'plaid-otter-quarry-9' },
      'tcp',
    );
    const ok = await c.request({ type: 'authenticate', request_id: 'ok', token: again.token });
    expect(ok).toMatchObject({ success: true });
  });

  it('refreshes an old last_used_at without the answer waiting for it', async () => {
    const user = await relay.register();
    const key = { PK: `USER#${user.user.id}`, SK: `SESSION#${user.session.id}` };
    const old = '2020-01-01T00:00:00.000Z';
    await relay.table.doc.send(
      new UpdateCommand({
        TableName: relay.table.tableName,
        Key: key,
        UpdateExpression: 'SET last_used_at = :t',
        ExpressionAttributeValues: { ':t': old },
      }),
    );
    const { client } = await connectUser(relay, { auth: user });
    clients.push(client);
    let seen = old;
    for (let i = 0; i < 200 && seen === old; i++) {
      const out = await relay.table.doc.send(
        new GetCommand({ TableName: relay.table.tableName, Key: key, ConsistentRead: true }),
      );
      seen = String(out.Item?.last_used_at);
      if (seen === old) await new Promise((r) => setTimeout(r, 10));
    }
    expect(seen).not.toBe(old);
  });

  it('user_online reaches the members of the rooms the connection loaded at attach', async () => {
    const [subject, mate] = await Promise.all([relay.register(), relay.register()]);
    const room = await relay.services.rooms.create(subject.user.id, {
      name: `ab-${randomUUID().slice(0, 8)}`,
    });
    await relay.services.rooms.join(mate.user.id, room.id);
    const { client: m } = await connectUser(relay, { auth: mate, extensions: ['lair.social'] });
    clients.push(m);
    const { client: s } = await connectUser(relay, { auth: subject, extensions: ['lair.social'] });
    clients.push(s);
    const online = await m.next((x) => x.type === 'user_online' && x.user_id === subject.user.id);
    expect(online).toMatchObject({ username: subject.user.username });
  });
});
