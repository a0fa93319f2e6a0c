// Integration: DynamoInvitationRepository on DynamoDB Local (pending uniqueness, re-invite, expiry, status moves).
import { randomUUID } from 'node:crypto';
import type { Invitation } from '../../../shared/features/invitations/index.js';
import { createRepositories, type Repositories } from '../../../shared/features/index.js';
import { createTestTable, deleteTestTable, type TestTable } from '../../support/dynamo.js';
import { aMembership, aRoom, anInvitation, iso, movableClock, ownerOf } from './fixtures.js';

const DAY = 24 * 3600 * 1000;

describe('DynamoInvitationRepository', () => {
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

  /** Creates the invitation, creating its room first when it does not exist yet. */
  const create = async (inv: Invitation): Promise<void> => {
    if (!(await repos.rooms.get(inv.room_id))) {
      const room = aRoom({ id: inv.room_id });
      await repos.rooms.create(room, ownerOf(room));
    }
    await repos.invitations.create(inv);
  };

  it('creates a pending invitation readable by id and by (room, invitee)', async () => {
    const inv = anInvitation();
    await create(inv);

    expect(await repos.invitations.getById(inv.id)).toMatchObject(inv);
    expect(await repos.invitations.getPending(inv.room_id, inv.invitee_id)).toMatchObject(inv);
    expect(await repos.invitations.getById(randomUUID())).toBeNull();
    expect(await repos.invitations.getPending(inv.room_id, randomUUID())).toBeNull();
  });

  it('refuses a second live pending invitation for the same room and invitee', async () => {
    const inv = anInvitation();
    await create(inv);

    await expect(
      repos.invitations.create(anInvitation({ room_id: inv.room_id, invitee_id: inv.invitee_id })),
    ).rejects.toMatchObject({ name: 'ConflictError', code: 'already_invited' });
    expect(await repos.invitations.getById(inv.id)).toMatchObject(inv);
  });

  it('refuses inviting a member or into an unknown room', async () => {
    const inv = anInvitation();
    await create(inv);
    const member = aMembership({ id: inv.room_id });
    await repos.memberships.add(member);

    await expect(
      repos.invitations.create(anInvitation({ room_id: inv.room_id, invitee_id: member.user_id })),
    ).rejects.toMatchObject({ name: 'ConflictError', code: 'already_member' });
    await expect(repos.invitations.create(anInvitation())).rejects.toMatchObject({ code: 'room_not_found' });
  });

  it('allows re-inviting after a decline', async () => {
    const first = anInvitation();
    await create(first);
    const declined = await repos.invitations.transition(first, {
      status: 'declined',
      at: iso(clock.now()),
      by: first.invitee_id,
    });
    expect(declined).toMatchObject({ ...first, status: 'declined', responded_at: iso(clock.now()) });
    expect(await repos.invitations.getPending(first.room_id, first.invitee_id)).toBeNull();

    const again = anInvitation({ room_id: first.room_id, invitee_id: first.invitee_id });
    await create(again);

    expect(await repos.invitations.getPending(first.room_id, first.invitee_id)).toEqual(again);
    // one record per invitation: the declined one is kept, with its history (extensions.md §6.1)
    expect(await repos.invitations.getById(first.id)).toMatchObject({
      status: 'declined',
      history: [
        { status: 'pending', by: first.inviter_id },
        { status: 'declined', by: first.invitee_id },
      ],
    });
  });

  it('allows re-inviting over an expired pending invitation', async () => {
    const old = anInvitation({}, clock.now() - 8 * DAY);
    await create(old);

    const fresh = anInvitation({ room_id: old.room_id, invitee_id: old.invitee_id });
    await create(fresh);

    expect(await repos.invitations.getPending(old.room_id, old.invitee_id)).toEqual(fresh);
  });

  it('moves status only from pending', async () => {
    const inv = anInvitation();
    await create(inv);
    await repos.invitations.transition(inv, { status: 'accepted', at: iso(clock.now()), by: inv.invitee_id });

    await expect(
      repos.invitations.transition(inv, { status: 'declined', at: iso(clock.now()), by: inv.invitee_id }),
    ).rejects.toMatchObject({ code: 'invitation_not_pending' });
    expect((await repos.invitations.getById(inv.id))?.status).toBe('accepted');
  });

  it('lists only pending, unexpired invitations of the invitee, newest first', async () => {
    const invitee = randomUUID();
    const now = clock.now();
    const oldest = anInvitation({ invitee_id: invitee }, now - 3 * DAY);
    const newest = anInvitation({ invitee_id: invitee }, now - 1 * DAY);
    const middle = anInvitation({ invitee_id: invitee }, now - 2 * DAY);
    const expired = anInvitation({ invitee_id: invitee }, now - 7 * DAY - 1000);
    const declined = anInvitation({ invitee_id: invitee }, now - 1000);
    for (const inv of [oldest, newest, middle, expired, declined]) await create(inv);
    await repos.invitations.transition(declined, { status: 'declined', at: iso(now), by: invitee });
    await create(anInvitation()); // someone else's

    const list = await repos.invitations.listPendingForUser(invitee, now);

    expect(list.map((i) => i.id)).toEqual([newest.id, middle.id, oldest.id]);
    // the expired one is still readable as stored, for `invitation_expired` answers
    expect(await repos.invitations.getById(expired.id)).toMatchObject({ status: 'pending' });
    // three days later only `newest` is still live
    expect((await repos.invitations.listPendingForUser(invitee, now + 5 * DAY)).map((i) => i.id)).toEqual([
      newest.id,
    ]);
  });
});
