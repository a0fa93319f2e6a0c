// E2E docs/protocol/extensions.md §7.3 friend commands over real TCP sockets: request/accept/decline/remove, the events reach exactly the two parties (and only lair.social connections, §0.2).
import {
  connectUser,
  expectFail,
  startTestRelay,
  type Msg,
  type TestRelay,
  type TestTcpClient,
} from '../../support/relay.js';

describe('friend commands on the relay (extensions.md §7.3)', () => {
  let relay: TestRelay;
  const clients: TestTcpClient[] = [];
  beforeAll(async () => {
    relay = await startTestRelay();
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await relay.close();
  });

  async function user(extensions = ['lair.social']) {
    const { client, auth } = await connectUser(relay, { extensions });
    clients.push(client);
    return { client, id: auth.user.id, username: auth.user.username, auth };
  }
  const social = (m: Msg) => m.type.startsWith('friend_');

  it('send -> friend_request_received (recipient only); accept -> friend_request_accepted to both; lists; remove -> friend_removed', async () => {
    const [a, b, bystander] = [await user(), await user(), await user()];
    const plain = await connectUser(relay, { auth: b.auth }); // b's second socket without lair.social
    clients.push(plain.client);
    const sent = await a.client.request({
      type: 'send_friend_request',
      request_id: 's',
      username: b.username,
      message: 'hi',
    });
    expect(sent).toMatchObject({
      type: 'send_friend_request_response',
      request_id: 's',
      success: true,
      request: { from: a.id, to: b.id, status: 'pending', message: 'hi' },
    });
    const got = await b.client.nextOf('friend_request_received');
    expect(got.request).toEqual(sent.request);
    const incoming = await b.client.request({ type: 'list_friend_requests' });
    expect(incoming.requests).toEqual([sent.request]);
    const outgoing = await a.client.request({ type: 'list_friend_requests', direction: 'outgoing' });
    expect(outgoing.requests).toEqual([sent.request]);
    const acc = await b.client.request({
      type: 'respond_friend_request',
      friend_request_id: sent.request.id,
      accept: true,
    });
    expect(acc.friendship.user.id).toBe(a.id);
    expect((await a.client.nextOf('friend_request_accepted')).friendship.user.id).toBe(b.id);
    expect((await b.client.nextOf('friend_request_accepted')).friendship.user.id).toBe(a.id);
    const friends = await a.client.request({ type: 'list_friends' });
    expect(friends.friends).toEqual([
      { user: expect.objectContaining({ id: b.id }), since: expect.any(String), is_online: true },
    ]);
    expect((await a.client.request({ type: 'remove_friend', user_id: b.id })).success).toBe(true);
    expect((await b.client.nextOf('friend_removed')).user_id).toBe(a.id);
    expect((await a.client.nextOf('friend_removed')).user_id).toBe(b.id);
    expectFail(
      await a.client.request({ type: 'remove_friend', user_id: b.id }),
      'remove_friend_response',
      'not_found',
    );
    expect(await bystander.client.expectNone(social, 200)).toBe(true);
    expect(await plain.client.expectNone(social, 0)).toBe(true); // no lair.social: never sees the new events
  });

  it('decline is silent; cancel_friend_request; bad ids and self answer the documented codes', async () => {
    const [a, b] = [await user(), await user()];
    const sent = await a.client.request({ type: 'send_friend_request', user_id: b.id });
    await b.client.nextOf('friend_request_received');
    expectFail(
      await a.client.request({
        type: 'respond_friend_request',
        friend_request_id: sent.request.id,
        accept: true,
      }),
      'respond_friend_request_response',
      'not_found',
    );
    const dec = await b.client.request({
      type: 'respond_friend_request',
      friend_request_id: sent.request.id,
      accept: false,
    });
    expect(dec).toMatchObject({ success: true });
    expect(await a.client.expectNone(social, 200)).toBe(true);
    const again = await a.client.request({ type: 'send_friend_request', user_id: b.id });
    expect(
      (await a.client.request({ type: 'cancel_friend_request', friend_request_id: again.request.id }))
        .success,
    ).toBe(true);
    expectFail(
      await a.client.request({ type: 'send_friend_request', user_id: a.id }),
      'send_friend_request_response',
      'validation_failed',
    );
    expectFail(
      await a.client.request({ type: 'respond_friend_request', friend_request_id: 'x', accept: true }),
      'respond_friend_request_response',
      'not_found',
    );
    a.client.send({ type: 'respond_friend_request', friend_request_id: 'x' }); // schema failure: top-level error (tcp.md §9.2)
    expect((await a.client.nextOf('error')).code).toBe('invalid_message');
  });

  it('get_preferences / update_preferences round-trip; a bad value is validation_failed and changes nothing', async () => {
    const a = await user();
    const got = await a.client.request({ type: 'get_preferences' });
    expect(got.preferences).toEqual({
      notifications: { dm: true, mentions: true, rooms: 'all' },
      privacy: { dm_from: 'everyone', show_online: true, send_read_receipts: true },
      theme: 'default',
    });
    const up = await a.client.request({
      type: 'update_preferences',
      preferences: { notifications: { rooms: 'mentions' }, theme: 'dark' },
    });
    expect(up.preferences).toMatchObject({ notifications: { dm: true, rooms: 'mentions' }, theme: 'dark' });
    expectFail(
      await a.client.request({ type: 'update_preferences', preferences: { privacy: { dm_from: 'nobody' } } }),
      'update_preferences_response',
      'validation_failed',
    );
    expect((await a.client.request({ type: 'get_preferences' })).preferences.privacy.dm_from).toBe(
      'everyone',
    );
  });

  it('update_profile -> user; friends with lair.social get user_updated, strangers nothing; bad time zone refused', async () => {
    const [a, b, stranger] = [await user(), await user(), await user()];
    await a.client.request({ type: 'send_friend_request', user_id: b.id });
    await b.client.request({ type: 'send_friend_request', user_id: a.id });
    const res = await a.client.request({
      type: 'update_profile',
      display_name: 'Ay',
      timezone: 'Asia/Tokyo',
    });
    expect(res.user).toMatchObject({ id: a.id, display_name: 'Ay', timezone: 'Asia/Tokyo' });
    expect((await b.client.nextOf('user_updated')).user).toMatchObject({ id: a.id, display_name: 'Ay' });
    expect(await stranger.client.expectNone((m) => m.type === 'user_updated', 200)).toBe(true);
    expectFail(
      await a.client.request({ type: 'update_profile', timezone: 'Nowhere/Land' }),
      'update_profile_response',
      'validation_failed',
    );
  });
});
