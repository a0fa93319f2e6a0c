// Pushed events (docs/protocol/tcp.md §8) reach exactly their audience over real sockets: members yes, non-members no.
import { randomUUID } from 'node:crypto';
import { connectUser, startTestRelay, TestTcpClient, type Msg, type TestRelay } from '../../support/relay.js';

interface Peer {
  client: TestTcpClient;
  id: string;
  token: string;
  username: string;
}

const isType =
  (type: string, extra: (m: Msg) => boolean = () => true) =>
  (m: Msg) =>
    m.type === type && extra(m);

describe('event audiences (docs/protocol/tcp.md §8)', () => {
  let relay: TestRelay;
  let alice: Peer;
  let bob: Peer;
  let carol: Peer;
  let roomId: string;

  async function peer(encrypt: boolean): Promise<Peer> {
    const { client, auth } = await connectUser(relay, { encrypt });
    return { client, id: auth.user.id, token: auth.token, username: auth.user.username };
  }

  beforeAll(async () => {
    relay = await startTestRelay();
    alice = await peer(true);
    bob = await peer(false);
    carol = await peer(true);
    // alice creates over TCP (no event: the relay must still learn she is a member), bob joins.
    roomId = (await alice.client.request({ type: 'create_room', name: `ev-${randomUUID().slice(0, 8)}` }))
      .room.id;
    await bob.client.request({ type: 'join_room', room_id: roomId });
    await alice.client.nextOf('user_joined_room');
    await bob.client.nextOf('user_joined_room');
  });
  afterAll(async () => {
    for (const p of [alice, bob, carol]) p.client.destroy();
    await relay.close();
  });
  afterEach(() => {
    for (const p of [alice, bob, carol]) expect(p.client.garbage).toHaveLength(0);
  });

  it('message_received/edited/deleted reach room members (author included), not outsiders', async () => {
    const target = { type: 'room', room_id: roomId };
    const sent = await bob.client.request({ type: 'send_message', target, content: 'hi all' });
    const id = sent.message.id as string;
    for (const p of [alice, bob]) {
      const ev = await p.client.next(isType('message_received', (m) => m.message.id === id));
      expect(ev).toEqual({ type: 'message_received', message: sent.message, author_username: bob.username });
    }
    await bob.client.request({ type: 'edit_message', message_id: id, content: 'hi everyone' });
    for (const p of [alice, bob]) {
      const ev = await p.client.next(isType('message_edited', (m) => m.message.id === id));
      expect(ev).toMatchObject({
        previous_content: 'hi all',
        message: { content: 'hi everyone', edited: true },
      });
    }
    await alice.client.request({ type: 'delete_message', message_id: id });
    for (const p of [alice, bob]) {
      const ev = await p.client.next(isType('message_deleted', (m) => m.message_id === id));
      expect(ev).toEqual({ type: 'message_deleted', message_id: id, target, deleted_by: alice.id });
    }
    expect(await carol.client.expectNone((m) => String(m.type).startsWith('message_'))).toBe(true);
  });

  it('a room created outside the relay (HTTP path) still delivers to its connected owner', async () => {
    const room = await relay.services.rooms.create(alice.id, { name: `http-${randomUUID().slice(0, 8)}` });
    const sent = await relay.services.messages.send(
      alice.id,
      { type: 'room', room_id: room.id },
      'from http',
    );
    const ev = await alice.client.next(isType('message_received', (m) => m.message.id === sent.id));
    expect(ev.author_username).toBe(alice.username);
    expect(await bob.client.expectNone(isType('message_received', (m) => m.message.id === sent.id))).toBe(
      true,
    );
  });

  it("room typing from a non-member reaches no one; a member's reaches the room", async () => {
    const target = { type: 'room', room_id: roomId };
    carol.client.send({ type: 'typing', target }); // carol is not a member
    bob.client.send({ type: 'typing', target });
    for (const p of [alice, bob]) {
      expect(await p.client.next(isType('user_typing'))).toEqual({
        type: 'user_typing',
        user_id: bob.id,
        target,
      });
    }
    expect(await alice.client.expectNone(isType('user_typing', (m) => m.user_id === carol.id))).toBe(true);
  });

  it('DM events reach author and recipient only', async () => {
    const target = { type: 'dm', recipient: carol.id };
    const sent = await alice.client.request({ type: 'send_message', target, content: 'secret' });
    for (const p of [alice, carol])
      await p.client.next(isType('message_received', (m) => m.message.id === sent.message.id));
    alice.client.send({ type: 'typing', target });
    for (const p of [alice, carol]) {
      expect(await p.client.next(isType('user_typing'))).toEqual({
        type: 'user_typing',
        user_id: alice.id,
        target,
      });
    }
    expect(
      await bob.client.expectNone((m) => m.type === 'message_received' || m.type === 'user_typing'),
    ).toBe(true);
  });

  it('user_joined_room reaches members and the joiner; user_left_room reaches members and the leaver, who then gets nothing', async () => {
    await carol.client.request({ type: 'join_room', room_id: roomId });
    for (const p of [alice, bob, carol]) {
      const ev = await p.client.next(isType('user_joined_room', (m) => m.user.id === carol.id));
      expect(ev).toMatchObject({ room_id: roomId, membership: { user_id: carol.id, role: 'member' } });
    }
    await carol.client.request({ type: 'leave_room', room_id: roomId });
    for (const p of [alice, bob, carol]) {
      const ev = await p.client.next(isType('user_left_room', (m) => m.user_id === carol.id));
      expect(ev).toEqual({ type: 'user_left_room', room_id: roomId, user_id: carol.id, reason: 'left' });
    }
    const sent = await bob.client.request({
      type: 'send_message',
      target: { type: 'room', room_id: roomId },
      content: 'after',
    });
    await alice.client.next(isType('message_received', (m) => m.message.id === sent.message.id));
    expect(await carol.client.expectNone(isType('message_received'))).toBe(true);
  });

  it('kick, role change and room deletion (HTTP paths) reach the right connections', async () => {
    const room = (await alice.client.request({ type: 'create_room', name: `k-${randomUUID().slice(0, 8)}` }))
      .room;
    await bob.client.request({ type: 'join_room', room_id: room.id });
    await carol.client.request({ type: 'join_room', room_id: room.id });
    await carol.client.next(isType('user_joined_room', (m) => m.user.id === carol.id));

    await relay.services.rooms.changeRole(alice.id, room.id, bob.id, 'moderator');
    for (const p of [alice, bob, carol]) {
      expect(await p.client.next(isType('member_role_changed', (m) => m.room_id === room.id))).toMatchObject({
        user_id: bob.id,
        username: bob.username,
        old_role: 'member',
        new_role: 'moderator',
        changed_by: alice.id,
      });
    }

    await relay.services.rooms.kick(alice.id, room.id, carol.id);
    for (const p of [alice, bob, carol]) {
      expect(
        await p.client.next(isType('user_left_room', (m) => m.room_id === room.id && m.user_id === carol.id)),
      ).toMatchObject({
        reason: 'kicked',
      });
    }

    await relay.services.rooms.delete(alice.id, room.id);
    for (const p of [alice, bob]) {
      expect(await p.client.next(isType('room_deleted', (m) => m.room_id === room.id))).toEqual({
        type: 'room_deleted',
        room_id: room.id,
        room_name: room.name,
        deleted_by: alice.id,
      });
    }
    expect(await carol.client.expectNone(isType('room_deleted'))).toBe(true);
    expect(relay.relay.registry.roomsOf(alice.id).has(room.id)).toBe(false);
  });

  it('invitation_received reaches only the invitee', async () => {
    const inv = await alice.client.request({ type: 'invite_to_room', room_id: roomId, user_id: carol.id });
    expect(await carol.client.next(isType('invitation_received'))).toEqual({
      type: 'invitation_received',
      invitation: inv.invitation,
    });
    expect(await alice.client.expectNone(isType('invitation_received'))).toBe(true);
    expect(await bob.client.expectNone(isType('invitation_received'))).toBe(true);
  });

  it('user_online reaches the room co-members (not outsiders, not the new connection, extensions.md §8); a second connection is silent; user_offline after the last', async () => {
    const auth = await relay.register();
    await relay.services.rooms.join(auth.user.id, roomId); // shares the room with alice and bob, not carol
    const first = await TestTcpClient.connect(relay.relay.port);
    await first.login(auth.token);
    expect(await carol.client.expectNone(isType('user_online', (m) => m.user_id === auth.user.id))).toBe(
      true,
    );
    for (const p of [alice, bob]) {
      expect(await p.client.next(isType('user_online', (m) => m.user_id === auth.user.id))).toEqual({
        type: 'user_online',
        user_id: auth.user.id,
        username: auth.user.username,
      });
    }
    expect(await first.expectNone(isType('user_online', (m) => m.user_id === auth.user.id))).toBe(true);

    const second = await TestTcpClient.connect(relay.relay.port);
    await second.login(auth.token, true);
    expect(await alice.client.expectNone(isType('user_online', (m) => m.user_id === auth.user.id))).toBe(
      true,
    );

    // both connections of one user receive a DM
    const dm = await bob.client.request({
      type: 'send_message',
      target: { type: 'dm', recipient: auth.user.id },
      content: 'x',
    });
    for (const c of [first, second])
      await c.next(isType('message_received', (m) => m.message.id === dm.message.id));

    first.destroy();
    expect(
      await alice.client.expectNone(
        isType('user_offline', (m) => m.user_id === auth.user.id),
        500,
      ),
    ).toBe(true);
    second.close();
    await second.waitClosed();
    for (const p of [alice, bob]) {
      expect(await p.client.next(isType('user_offline', (m) => m.user_id === auth.user.id))).toEqual({
        type: 'user_offline',
        user_id: auth.user.id,
        username: auth.user.username,
      });
    }
  });

  it('unauthenticated connections receive no events', async () => {
    const idle = await TestTcpClient.connect(relay.relay.port);
    await idle.handshake();
    await bob.client.request({
      type: 'send_message',
      target: { type: 'room', room_id: roomId },
      content: 'nobody else',
    });
    const extra = await relay.register();
    const late = await TestTcpClient.connect(relay.relay.port);
    await late.login(extra.token);
    expect(await idle.expectNone(() => true, 400)).toBe(true);
    idle.destroy();
    late.destroy();
  });
});
