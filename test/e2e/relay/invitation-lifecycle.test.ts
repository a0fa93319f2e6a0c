// TCP: the invitation lifecycle commands of docs/protocol/extensions.md §6.2 and their events — reaching exactly inviter and invitee, extension events only to lair.invitations connections.
import { randomUUID } from 'node:crypto';
import {
  connectUser,
  expectFail,
  expectOk,
  startTestRelay,
  type TestRelay,
  type TestTcpClient,
} from '../../support/relay.js';

const EXT = ['lair.invitations'];

describe('invitation lifecycle over TCP', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay();
  });
  afterAll(async () => {
    await relay.close();
  });

  let n = 0;
  const rid = () => `r${++n}`;

  async function setup() {
    const owner = await connectUser(relay, { extensions: EXT });
    const invitee = await connectUser(relay, { extensions: EXT });
    const upstreamInvitee = await connectUser(relay); // no extensions: an upstream client
    const bystander = await connectUser(relay, { extensions: EXT });
    const created = await owner.client.request({
      type: 'create_room',
      request_id: rid(),
      name: `tcp-${randomUUID().slice(0, 8)}`,
    });
    const roomId = created.room.id as string;
    await bystander.client.request({ type: 'join_room', request_id: rid(), room_id: roomId });
    return { owner, invitee, upstreamInvitee, bystander, roomId };
  }

  const noInvitationEvent = (c: TestTcpClient) =>
    c.expectNone((m) => String(m.type).startsWith('invitation_'));

  it('invite (message, role, ttl) → accept: status change to the inviter only; bad input answers documented codes', async () => {
    const { owner, invitee, bystander, roomId } = await setup();
    const bad = [
      [{ ttl_hours: 0 }, 'validation_failed'],
      [{ ttl_hours: 10_000 }, 'validation_failed'],
      [{ message: 'x'.repeat(501) }, 'validation_failed'],
    ] as const;
    for (const [extra, code] of bad) {
      const res = await owner.client.request({
        type: 'invite_to_room',
        request_id: rid(),
        room_id: roomId,
        user_id: invitee.auth.user.id,
        ...extra,
      });
      expectFail(res, 'invite_to_room_response', code);
    }
    const self = await owner.client.request({
      type: 'invite_to_room',
      request_id: rid(),
      room_id: roomId,
      user_id: owner.auth.user.id,
    });
    expectFail(self, 'invite_to_room_response', 'already_member');
    // a system-banned invitee (docs/protocol-extensions.md §6)
    const [admin, banned] = [(await relay.register()).user, (await relay.register()).user];
    await relay.repos.moderation.setRole(admin.id, 'user', 'admin', {
      id: randomUUID(),
      at: new Date().toISOString(),
      actor_id: null,
      actor_username: null,
      action: 'role.grant',
      target_type: 'user',
      target_id: admin.id,
      details: {},
      ip: null,
      request_id: null,
    });
    await relay.services.moderation.ban(admin.id, banned.id, { reason: 'spam' });
    const toBanned = await owner.client.request({
      type: 'invite_to_room',
      request_id: rid(),
      room_id: roomId,
      user_id: banned.id,
    });
    expectFail(toBanned, 'invite_to_room_response', 'account_banned');

    const res = await owner.client.request({
      type: 'invite_to_room',
      request_id: 'inv-1',
      room_id: roomId,
      user_id: invitee.auth.user.id,
      message: 'welcome',
      role: 'moderator',
      ttl_hours: 1,
    });
    expectOk(res, 'invite_to_room_response', 'inv-1');
    expect(res.invitation).toMatchObject({ message: 'welcome', role: 'moderator', status: 'pending' });
    const received = await invitee.client.nextOf('invitation_received');
    expect(received.invitation.id).toBe(res.invitation.id);

    const acc = await invitee.client.request({
      type: 'accept_invitation',
      request_id: rid(),
      invitation_id: res.invitation.id,
    });
    expect(acc.membership).toMatchObject({ role: 'moderator' });
    const changed = await owner.client.nextOf('invitation_status_changed');
    expect(changed.invitation).toMatchObject({ id: res.invitation.id, status: 'accepted' });
    expect(await noInvitationEvent(bystander.client)).toBe(true);
  });

  it('bulk invite, decline and revoke; invitation_cancelled reaches upstream clients too, status changes only extension clients', async () => {
    const { owner, invitee, upstreamInvitee, bystander, roomId } = await setup();
    const bulk = await owner.client.request({
      type: 'invite_multiple',
      request_id: rid(),
      room_id: roomId,
      user_ids: [invitee.auth.user.id, upstreamInvitee.auth.user.id, randomUUID()],
      usernames: [bystander.auth.user.username],
    });
    expect(bulk).toMatchObject({ success: true, created: 2, failed: 2 });
    const [toInvitee, toUpstream] = bulk.results
      .slice(0, 2)
      .map((r: { invitation: { id: string } }) => r.invitation.id);
    expect(bulk.results[2].error.code).toBe('user_not_found');
    expect(bulk.results[3].error.code).toBe('already_member');

    const dec = await invitee.client.request({
      type: 'decline_invitation',
      request_id: rid(),
      invitation_id: toInvitee,
    });
    expectOk(dec, 'decline_invitation_response', dec.request_id);
    expect((await owner.client.nextOf('invitation_status_changed')).invitation).toMatchObject({
      id: toInvitee,
      status: 'declined',
    });

    const notMine = await invitee.client.request({
      type: 'revoke_invitation',
      request_id: rid(),
      invitation_id: toUpstream,
    });
    expectFail(notMine, 'revoke_invitation_response', 'invitation_not_found');
    const rev = await owner.client.request({
      type: 'revoke_invitation',
      request_id: rid(),
      invitation_id: toUpstream,
    });
    expect(rev.invitation).toMatchObject({ status: 'cancelled', cancelled_by: owner.auth.user.id });
    const cancelled = await upstreamInvitee.client.nextOf('invitation_cancelled');
    expect(cancelled).toMatchObject({
      invitation_id: toUpstream,
      invitee: upstreamInvitee.auth.user.id,
      reason: 'cancelled_by_inviter',
    });
    expect(await upstreamInvitee.client.expectNone((m) => m.type === 'invitation_status_changed')).toBe(true);
    const again = await owner.client.request({
      type: 'revoke_invitation',
      request_id: rid(),
      invitation_id: toUpstream,
    });
    expectFail(again, 'revoke_invitation_response', 'invitation_not_pending');
    expect(await noInvitationEvent(bystander.client)).toBe(true);

    const sent = await owner.client.request({
      type: 'list_sent_invitations',
      request_id: rid(),
      status: 'all',
      limit: 1,
    });
    expect(sent.invitations).toHaveLength(1);
    expect(typeof sent.next_cursor).toBe('string');
    const page2 = await owner.client.request({
      type: 'list_sent_invitations',
      request_id: rid(),
      status: 'all',
      cursor: sent.next_cursor,
    });
    // Invitations of one bulk call share a timestamp, so which one is on page 1 is not fixed: the
    // pages must be disjoint and together hold every sent invitation.
    const ids = (page: Record<string, unknown>) => (page.invitations as { id: string }[]).map((i) => i.id);
    expect(ids(page2)).not.toContain(ids(sent)[0]);
    expect([...ids(sent), ...ids(page2)]).toEqual(expect.arrayContaining([toInvitee, toUpstream]));
    const badLimit = await owner.client.request({
      type: 'list_sent_invitations',
      request_id: rid(),
      limit: 0,
    });
    expectFail(badLimit, 'list_sent_invitations_response', 'validation_failed');
    const got = await invitee.client.request({
      type: 'get_invitation',
      request_id: rid(),
      invitation_id: toInvitee,
    });
    expect(got.invitation.status).toBe('declined');
    // upstream list_invitations (no new field) keeps its shape
    const plain = await invitee.client.request({ type: 'list_invitations', request_id: rid() });
    expect(plain).not.toHaveProperty('next_cursor');
  });

  it('accept_all_invitations, invitation_summary, invitation_stats, join_by_invite_link', async () => {
    const { owner, invitee, roomId } = await setup();
    const other = await owner.client.request({
      type: 'create_room',
      request_id: rid(),
      name: `tcp2-${randomUUID().slice(0, 8)}`,
    });
    for (const room of [roomId, other.room.id]) {
      await owner.client.request({
        type: 'invite_to_room',
        request_id: rid(),
        room_id: room,
        user_id: invitee.auth.user.id,
      });
    }
    const summary = await invitee.client.request({ type: 'invitation_summary', request_id: rid() });
    expect(summary.pending).toHaveLength(2);
    const all = await invitee.client.request({ type: 'accept_all_invitations', request_id: rid() });
    expect(all.results).toHaveLength(2);
    expect(all.results.every((r: Record<string, unknown>) => 'membership' in r)).toBe(true);

    const stats = await owner.client.request({ type: 'invitation_stats', request_id: rid() });
    expect(stats.stats).toMatchObject({ sent: expect.any(Number) });
    const roomStatsByMember = await invitee.client.request({
      type: 'invitation_stats',
      request_id: rid(),
      room_id: roomId,
    });
    expectFail(roomStatsByMember, 'invitation_stats_response', 'permission_denied');

    const link = await relay.services.inviteLinks.createLink(owner.auth.user.id, roomId, { maxUses: 1 });
    const joiner = await connectUser(relay, { extensions: EXT });
    const joined = await joiner.client.request({
      type: 'join_by_invite_link',
      request_id: rid(),
      code: link.code,
    });
    expect(joined.room.id).toBe(roomId);
    const late = await connectUser(relay);
    const used = await late.client.request({
      type: 'join_by_invite_link',
      request_id: rid(),
      code: link.code,
    });
    expectFail(used, 'join_by_invite_link_response', 'invite_link_invalid');
  });
});
