// E2E docs/protocol/extensions.md §8 presence scope over real sockets: user_online/user_offline/presence_changed reach exactly the users who share a room or a friendship, nobody when show_online is false.
import { randomUUID } from 'node:crypto';
import type { AuthResult } from '../../../shared/features/auth/index.js';
import {
  connectUser,
  startTestRelay,
  type Msg,
  type TestRelay,
  type TestTcpClient,
} from '../../support/relay.js';

describe('presence scope (extensions.md §8)', () => {
  let relay: TestRelay;
  const clients: TestTcpClient[] = [];
  beforeAll(async () => {
    relay = await startTestRelay();
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await relay.close();
  });

  const connect = async (auth: AuthResult, extensions = ['lair.social']) => {
    const { client } = await connectUser(relay, { auth, extensions });
    clients.push(client);
    return client;
  };
  const about = (type: string, userId: string) => (m: Msg) => m.type === type && m.user_id === userId;

  it('three users who share nothing / a room / a friendship: only the room co-member and the friend hear of it', async () => {
    const [subject, roomMate, friend, stranger] = await Promise.all([
      relay.register(),
      relay.register(),
      relay.register(),
      relay.register(),
    ]);
    const room = await relay.services.rooms.create(subject.user.id, {
      name: `ps-${randomUUID().slice(0, 8)}`,
    });
    await relay.services.rooms.join(roomMate.user.id, room.id);
    await relay.services.friends.send(subject.user.id, { user_id: friend.user.id });
    await relay.services.friends.send(friend.user.id, { user_id: subject.user.id }); // mutual: friends now
    const [m, f, s] = [await connect(roomMate), await connect(friend), await connect(stranger)];
    const upstream = await connect(roomMate, []); // an upstream client: user_online yes, presence_changed no

    const me = await connect(subject);
    const id = subject.user.id;
    for (const c of [m, f, upstream]) await c.next(about('user_online', id));
    expect(await s.expectNone(about('user_online', id), 200)).toBe(true);
    expect(me.inbox.all.some(about('user_online', id))).toBe(false);

    expect((await me.request({ type: 'set_presence', status: 'away' })).success).toBe(true);
    for (const c of [m, f]) expect((await c.next(about('presence_changed', id))).status).toBe('away');
    expect(await s.expectNone(about('presence_changed', id), 200)).toBe(true);
    expect(upstream.inbox.all.some(about('presence_changed', id))).toBe(false);

    me.destroy();
    for (const c of [m, f, upstream]) await c.next(about('user_offline', id));
    expect(await s.expectNone(about('user_offline', id), 200)).toBe(true);
  });

  it('show_online false: no user_online, user_offline or presence_changed for that user at all', async () => {
    const [hidden, mate] = await Promise.all([relay.register(), relay.register()]);
    const room = await relay.services.rooms.create(hidden.user.id, {
      name: `ps-${randomUUID().slice(0, 8)}`,
    });
    await relay.services.rooms.join(mate.user.id, room.id);
    await relay.services.preferences.update(hidden.user.id, { privacy: { show_online: false } });
    const watcher = await connect(mate);
    const me = await connect(hidden);
    await me.request({ type: 'set_presence', status: 'dnd' });
    me.destroy();
    const id = hidden.user.id;
    expect(
      await watcher.expectNone(
        (x) => x.user_id === id && /^(user_online|user_offline|presence_changed)$/.test(String(x.type)),
        500,
      ),
    ).toBe(true);
  });

  it('show_online false: left out of list_users.online_user_ids for others, not for themself', async () => {
    const [hidden, mate] = await Promise.all([relay.register(), relay.register()]);
    const room = await relay.services.rooms.create(mate.user.id, { name: `ps-${randomUUID().slice(0, 8)}` });
    await relay.services.rooms.join(hidden.user.id, room.id);
    await relay.services.preferences.update(hidden.user.id, { privacy: { show_online: false } });
    const me = await connect(hidden);
    const watcher = await connect(mate);
    const listed = await watcher.request({ type: 'list_users', limit: 100 });
    expect(listed.online_user_ids).toEqual(expect.arrayContaining([mate.user.id]));
    expect(listed.online_user_ids).not.toContain(hidden.user.id);
    const own = await me.request({ type: 'list_users', limit: 100 });
    expect(own.online_user_ids).toContain(hidden.user.id);
  });

  it('set_presence with an unknown status is refused at the schema (top-level invalid_message)', async () => {
    const me = await connect(await relay.register());
    me.send({ type: 'set_presence', status: 'sleeping' });
    expect((await me.nextOf('error')).code).toBe('invalid_message');
  });
});
