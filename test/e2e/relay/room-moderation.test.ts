// E2E room moderation over TCP and WebSocket (docs/protocol/extensions.md §9): commands, `muted`/`slow_mode` on send_message, opt-in events, a room ban's user_left_room and refused rejoin.
import { randomUUID } from 'node:crypto';
import {
  serveWebSocket,
  connectUser,
  expectFail,
  startTestRelay,
  TestWsClient,
  type TestRelay,
  type TestTcpClient,
} from '../../support/relay.js';

describe('room moderation over the relay', () => {
  let relay: TestRelay;
  let ws: Awaited<ReturnType<typeof serveWebSocket>>;
  let wsPort: number;
  const open: TestTcpClient[] = [];
  let owner: TestTcpClient;
  let plainMember: TestTcpClient;
  let member: TestTcpClient;
  let memberId: string;
  let memberName: string;
  let roomId: string;

  const say = (c: TestTcpClient | TestWsClient, content: string, room = roomId) =>
    c.request({ type: 'send_message', target: { type: 'room', room_id: room }, content });

  beforeAll(async () => {
    relay = await startTestRelay({ authLeaseMs: 30_000 });
    ws = await serveWebSocket(relay);
    wsPort = ws.port;
    const o = await connectUser(relay, { extensions: ['lair.moderation'] });
    const m = await connectUser(relay, { extensions: ['lair.moderation'] });
    const p = await connectUser(relay); // an upstream client: no lair.moderation
    owner = o.client;
    member = m.client;
    plainMember = p.client;
    memberId = m.auth.user.id;
    memberName = m.auth.user.username;
    open.push(owner, member, plainMember);
    const created = await owner.request({ type: 'create_room', name: `rm${randomUUID().slice(0, 8)}` });
    roomId = created.room.id;
    for (const c of [member, plainMember])
      expect((await c.request({ type: 'join_room', room_id: roomId })).success).toBe(true);
  });
  afterAll(async () => {
    for (const c of open) c.destroy();
    await relay.close();
    await ws.close();
  });

  it('mute_member: the leased sender is refused with `muted`; member_muted reaches only lair.moderation connections', async () => {
    expect((await say(member, 'warm the send lease')).success).toBe(true);
    const res = await owner.request({
      type: 'mute_member',
      room_id: roomId,
      user: memberName,
      duration_minutes: 5,
    });
    expect(res).toMatchObject({ success: true, mute: { room_id: roomId, user_id: memberId } });
    const ev = await member.nextOf('member_muted');
    expect(ev).toMatchObject({ room_id: roomId, user_id: memberId, muted_by: expect.any(String) });
    expect(await plainMember.expectNone((m) => m.type === 'member_muted')).toBe(true);
    expectFail(await say(member, 'muted now'), 'send_message_response', 'muted');
    const un = await owner.request({ type: 'unmute_member', room_id: roomId, user: memberId });
    expect(un.success).toBe(true);
    await member.nextOf('member_unmuted');
    expect((await say(member, 'free again')).success).toBe(true);
  });

  it('set_slow_mode: the second send inside the window answers slow_mode with retry_after_ms; the owner is exempt; room_updated for everyone', async () => {
    const res = await owner.request({ type: 'set_slow_mode', room_id: roomId, seconds: 30 });
    expect(res).toMatchObject({ success: true, room: { settings: { slow_mode_seconds: 30 } } });
    await plainMember.nextOf('room_updated'); // upstream type: reaches everyone
    expect((await say(member, 'one')).success).toBe(true);
    const second = await say(member, 'two');
    expectFail(second, 'send_message_response', 'slow_mode');
    expect(second.error.retry_after_ms).toBeGreaterThan(20_000);
    expect((await say(owner, 'a')).success).toBe(true);
    expect((await say(owner, 'b')).success).toBe(true);
    expectFail(
      await owner.request({ type: 'set_slow_mode', room_id: roomId, seconds: 3601 }),
      'set_slow_mode_response',
      'validation_failed',
    );
    expectFail(
      await member.request({ type: 'set_slow_mode', room_id: roomId, seconds: 0 }),
      'set_slow_mode_response',
      'permission_denied',
    );
    expect((await owner.request({ type: 'set_slow_mode', room_id: roomId, seconds: 0 })).success).toBe(true);
  });

  it('ban_from_room over WebSocket: user_left_room reason banned to the room and the user; rejoin answers room_banned; unban lets them back', async () => {
    const auth = await relay.register();
    const ws = await TestWsClient.connect(wsPort, auth.token);
    await ws.nextOf('authenticate_response');
    try {
      const victimId = auth.user.id;
      expect((await ws.request({ type: 'join_room', room_id: roomId })).success).toBe(true);
      const res = await owner.request({
        type: 'ban_from_room',
        room_id: roomId,
        user: victimId,
        reason: 'abuse',
      });
      expect(res).toMatchObject({
        success: true,
        ban: { room_id: roomId, user_id: victimId, reason: 'abuse' },
      });
      expect(await ws.nextOf('user_left_room')).toMatchObject({
        room_id: roomId,
        user_id: victimId,
        reason: 'banned',
      });
      expect(await plainMember.nextOf('user_left_room', 5000, (m) => m.user_id === victimId)).toMatchObject({
        reason: 'banned',
      });
      expectFail(
        await ws.request({ type: 'join_room', room_id: roomId }),
        'join_room_response',
        'room_banned',
      );
      const bans = await owner.request({ type: 'list_room_bans', room_id: roomId });
      expect(bans.bans.map((b: { user_id: string }) => b.user_id)).toContain(victimId);
      expectFail(
        await member.request({ type: 'list_room_bans', room_id: roomId }),
        'list_room_bans_response',
        'permission_denied',
      );
      expect(
        (await owner.request({ type: 'unban_from_room', room_id: roomId, user: victimId })).success,
      ).toBe(true);
      expect((await ws.request({ type: 'join_room', room_id: roomId })).success).toBe(true);
    } finally {
      ws.close();
    }
  });
});
