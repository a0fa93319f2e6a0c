// Per-user message rate limits on TCP/WS (issue 17 finding 4): a pipelined flood is cut with rate_limited + retry_after_ms, the budget is shared across relays and HTTP, typing is throttled.
import { DynamoRateLimiter } from '../../../shared/storage/index.js';
import { connectUser, startTestRelay, type Msg, type TestRelay } from '../../support/relay.js';
import { createTestTable, deleteTestTable, type TestTable } from '../../support/dynamo.js';

/** Sends `n` send_message frames back to back (pipelined) and collects their responses. */
async function flood(client: Awaited<ReturnType<typeof connectUser>>['client'], roomId: string, n: number) {
  for (let i = 0; i < n; i++)
    client.send({
      type: 'send_message',
      request_id: `f${i}`,
      target: { type: 'room', room_id: roomId },
      content: `m${i}`,
    });
  const out: Msg[] = [];
  for (let i = 0; i < n; i++) out.push(await client.nextOf('send_message_response', 15_000));
  return out;
}

describe('message rate limits on the relay', () => {
  let table: TestTable;
  let a: TestRelay;
  let b: TestRelay;
  // Frozen 30 s into a window: shared counts never straddle a window boundary during the test.
  const now = Math.floor(Date.now() / 60_000) * 60_000 + 30_000;
  beforeAll(async () => {
    table = await createTestTable();
    const limiter = new DynamoRateLimiter(table.doc, table.tableName, { now: () => now });
    a = await startTestRelay({ table, messagesPerMinute: 8, messageLimiter: limiter });
    b = await startTestRelay({ table, messagesPerMinute: 8, messageLimiter: limiter });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await deleteTestTable(table);
  });

  it('80 pipelined sends: the first few pass, the rest answer rate_limited with retry_after_ms', async () => {
    const alice = await connectUser(a);
    const room = (await alice.client.request({ type: 'create_room', name: `rl-${Date.now()}` })).room;
    const out = await flood(alice.client, room.id, 80);
    const ok = out.filter((r) => r.success === true);
    const refused = out.filter((r) => r.success === false);
    expect(ok.length).toBeGreaterThan(0);
    expect(ok.length).toBeLessThanOrEqual(8);
    expect(refused.length).toBe(80 - ok.length);
    for (const r of refused) {
      expect(r.error).toEqual({
        code: 'rate_limited',
        message: expect.stringMatching(/^Rate limited, retry after \d+ seconds$/),
        retry_after_ms: expect.any(Number),
      });
      expect(r.error.retry_after_ms).toBeGreaterThan(0);
    }
    // Nothing refused was stored.
    const history = await alice.client.request({
      type: 'get_messages',
      target: { type: 'room', room_id: room.id },
      limit: 100,
    });
    expect(history.messages).toHaveLength(ok.length);
    alice.client.close();
  });

  it('the budget is one per user across relays (shared DynamoDB counter)', async () => {
    const auth = await a.register();
    const onA = await connectUser(a, { auth });
    const onB = await connectUser(b, { auth });
    const room = (await onA.client.request({ type: 'create_room', name: `rl2-${Date.now()}` })).room;
    const fromA = await flood(onA.client, room.id, 5);
    const fromB = await flood(onB.client, room.id, 5);
    const accepted = [...fromA, ...fromB].filter((r) => r.success === true).length;
    expect(accepted).toBe(8); // each relay's local burst (5) would allow 10; the shared counter stops at 8
    onA.client.close();
    onB.client.close();
  });

  it('typing is throttled: a burst of typing frames relays one user_typing', async () => {
    const alice = await connectUser(a);
    const bob = await connectUser(a);
    const room = (await alice.client.request({ type: 'create_room', name: `ty-${Date.now()}` })).room;
    await bob.client.request({ type: 'join_room', room_id: room.id });
    for (let i = 0; i < 20; i++)
      alice.client.send({ type: 'typing', target: { type: 'room', room_id: room.id } });
    await bob.client.nextOf('user_typing');
    await alice.client.request({ type: 'get_current_user' }); // all typing frames processed
    await bob.client.request({ type: 'get_current_user' });
    expect(bob.client.inbox.all.filter((m) => m.type === 'user_typing')).toHaveLength(1);
    alice.client.close();
    bob.client.close();
  });
});
