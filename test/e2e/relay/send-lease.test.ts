// send_message's authorization lease (docs/adr/005) and the room-index re-verification over real sockets and DynamoDB Local: what ends access at once, what ends it late.
import { randomUUID } from 'node:crypto';
import { userInput } from '../../support/services.js';
import { connectUser, expectFail, expectOk, startTestRelay, type TestRelay } from '../../support/relay.js';

/** Short lease for the "runs out" cases; the "ends at once" cases use a long one, so only the event can end it. */
const LEASE_MS = 400;

describe('send_message lease', () => {
  let relay: TestRelay;
  let longLease: TestRelay;

  beforeAll(async () => {
    relay = await startTestRelay({ authLeaseMs: LEASE_MS });
    longLease = await startTestRelay({ authLeaseMs: 600_000, table: relay.table });
  });
  afterAll(async () => {
    await longLease.close();
    await relay.close();
  });

  /** Owner + member in a fresh room, both connected; the member has sent once (lease confirmed). */
  async function roomWithLeasedMember(on: TestRelay = relay) {
    const owner = await connectUser(on);
    const member = await connectUser(on);
    const room = await on.services.rooms.create(owner.auth.user.id, {
      name: `lease-${randomUUID().slice(0, 8)}`,
    });
    await member.client.request({ type: 'join_room', room_id: room.id });
    const target = { type: 'room', room_id: room.id };
    expectOk(
      await member.client.request({ type: 'send_message', target, content: 'first' }),
      'send_message_response',
      null,
    );
    return { owner, member, room, target };
  }

  it('a kick ends the lease at once: the next send is not_room_member and the room stops reaching the socket', async () => {
    const { owner, member, room, target } = await roomWithLeasedMember(longLease);
    await longLease.services.rooms.kick(owner.auth.user.id, room.id, member.auth.user.id);
    await member.client.nextOf('user_left_room', 5000, (m) => m.reason === 'kicked');
    expectFail(
      await member.client.request({ type: 'send_message', target, content: 'after kick' }),
      'send_message_response',
      'not_room_member',
    );
    await owner.client.request({ type: 'send_message', target, content: 'members only' });
    expect(
      await member.client.expectNone(
        (m) => m.type === 'message_received' && m.message.content === 'members only',
      ),
    ).toBe(true);
    owner.client.destroy();
    member.client.destroy();
  });

  it('a logout elsewhere ends the lease at once and stops events to that session only', async () => {
    const { owner, member, target } = await roomWithLeasedMember(longLease);
    const secondSession = await longLease.services.auth.login(
      { identifier: member.auth.user.username, password: userInput().password },
      'http',
    );
    const second = await connectUser(longLease, { auth: secondSession });
    await longLease.services.auth.logout(member.auth.user.id, member.auth.session.id);
    expectFail(
      await member.client.request({ type: 'send_message', target, content: 'after logout' }),
      'send_message_response',
      'session_not_found',
    );
    const sent = await owner.client.request({ type: 'send_message', target, content: 'still here?' });
    await second.client.nextOf('message_received', 5000, (m) => m.message.id === sent.message.id);
    // pong is written after the event would have been: nothing for the logged-out session before it.
    member.client.send({ type: 'ping' });
    await member.client.nextOf('pong');
    expect(
      member.client.inbox.peek((m) => m.type === 'message_received' && m.message.id === sent.message.id),
    ).toEqual([]);
    // The relay notice itself never reaches any client, and garbage would show here too.
    for (const c of [owner.client, member.client, second.client]) {
      expect(c.inbox.peek((m) => m.type === 'session_revoked')).toEqual([]);
      expect(c.garbage).toHaveLength(0);
    }
    for (const c of [owner.client, member.client, second.client]) c.destroy();
  });

  it('a logout handled by another process reaches this relay over the internal POST and ends the lease', async () => {
    const { member, target } = await roomWithLeasedMember(longLease);
    await relay.services.auth.logout(member.auth.user.id, member.auth.session.id); // the other relay's services
    expectFail(
      await member.client.request({ type: 'send_message', target, content: 'after remote logout' }),
      'send_message_response',
      'session_not_found',
    );
    expect(member.client.inbox.peek((m) => m.type === 'session_revoked')).toEqual([]);
    member.client.destroy();
  });

  it('a membership removed without an event (lost user_left_room) is caught when the lease runs out', async () => {
    const { owner, member, room, target } = await roomWithLeasedMember();
    await relay.repos.memberships.remove(room.id, member.auth.user.id); // storage only, no event
    await new Promise((r) => setTimeout(r, LEASE_MS + 50));
    expectFail(
      await member.client.request({ type: 'send_message', target, content: 'stale' }),
      'send_message_response',
      'not_room_member',
    );
    // The relay's room index dropped the room too: the socket no longer gets its messages.
    await owner.client.request({ type: 'send_message', target, content: 'after repair' });
    expect(
      await member.client.expectNone(
        (m) => m.type === 'message_received' && m.message.content === 'after repair',
      ),
    ).toBe(true);
    owner.client.destroy();
    member.client.destroy();
  });

  it('a session deleted without an event is caught when the lease runs out', async () => {
    const { member, target } = await roomWithLeasedMember();
    await relay.repos.sessions.delete(member.auth.user.id, member.auth.session.id); // storage only, no event
    await new Promise((r) => setTimeout(r, LEASE_MS + 50));
    expectFail(
      await member.client.request({ type: 'send_message', target, content: 'late' }),
      'send_message_response',
      'session_not_found',
    );
    member.client.destroy();
  });

  it("room-index re-verification stops a removed member's socket from receiving the room (lost event)", async () => {
    const { owner, member, room, target } = await roomWithLeasedMember(longLease);
    await longLease.repos.memberships.remove(room.id, member.auth.user.id); // storage only, no event
    const pass = await longLease.relay.registry.reconcile();
    expect(pass.removed).toBeGreaterThanOrEqual(1);
    const sent = await owner.client.request({ type: 'send_message', target, content: 'members only' });
    await owner.client.nextOf('message_received', 5000, (m) => m.message.id === sent.message.id);
    expect(
      await member.client.expectNone(
        (m) => m.type === 'message_received' && m.message.id === sent.message.id,
      ),
    ).toBe(true);
    owner.client.destroy();
    member.client.destroy();
  });
});
