// TCP list_users / list_rooms filters (issue 17 finding 5): search and online_only/public_only are applied, not ignored.
import { connectUser, startTestRelay, type Msg, type TestRelay } from '../../support/relay.js';

describe('TCP list filters', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay();
  });
  afterAll(async () => {
    await relay.close();
  });

  it('list_users: filter.search matches username substrings; filter.online_only keeps connected users', async () => {
    const alice = await connectUser(relay);
    const bob = await connectUser(relay);
    await relay.register(); // offline user
    const all = await alice.client.request({ type: 'list_users', limit: 100 });
    expect(all.users).toHaveLength(3);
    const needle = bob.auth.user.username.slice(2, 8).toUpperCase();
    const found = await alice.client.request({ type: 'list_users', filter: { search: needle } });
    expect(found.users.map((u: { id: string }) => u.id)).toEqual([bob.auth.user.id]);
    const online = await alice.client.request({ type: 'list_users', filter: { online_only: true } });
    expect(online.users.map((u: { id: string }) => u.id).sort()).toEqual(
      [alice.auth.user.id, bob.auth.user.id].sort(),
    );
    alice.client.close();
    bob.client.close();
  });

  it('list_rooms: filter.search on public and joined lists; public_only drops private joined rooms', async () => {
    const alice = await connectUser(relay);
    const tag = `q${Date.now()}`;
    for (const [name, pub] of [
      [`${tag}-alpha`, true],
      [`${tag}-beta`, true],
      [`${tag}-hidden`, false],
      [`other-${Date.now()}`, true],
    ] as const)
      await alice.client.request({ type: 'create_room', name, settings: { public: pub } });
    const names = (res: Msg): string[] => res.rooms.map((r: { room: { name: string } }) => r.room.name);
    expect(names(await alice.client.request({ type: 'list_rooms', filter: { search: tag } }))).toEqual([
      `${tag}-alpha`,
      `${tag}-beta`,
    ]);
    expect(
      names(await alice.client.request({ type: 'list_rooms', filter: { search: tag, joined_only: true } })),
    ).toEqual([`${tag}-alpha`, `${tag}-beta`, `${tag}-hidden`]);
    expect(
      names(
        await alice.client.request({
          type: 'list_rooms',
          filter: { search: `${tag}-`, joined_only: true, public_only: true },
        }),
      ),
    ).toEqual([`${tag}-alpha`, `${tag}-beta`]);
    alice.client.close();
  });
});
