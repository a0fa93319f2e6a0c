// The invitation stream consumer (lambdas/streams/invitation-expiry.ts) fed with stream records of real items: TTL expiry, room deletion, upstream join_room accept, stats counted once.
import { marshall } from '@aws-sdk/util-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { createStreamHandler } from '../../../lambdas/streams/handler.js';
import type { Composition } from '../../../shared/compose.js';
import { slotItem, type Invitation } from '../../../shared/features/invitations/index.js';
import { testLogger } from '../../support/relay.js';
import {
  createTestClock,
  createTestServices,
  populatedRoom,
  registerCast,
  registerUser,
  type Cast,
  type TestServices,
} from '../../support/services.js';

type Image = Record<string, unknown>;
const img = (i: Image) =>
  marshall(i, { removeUndefinedValues: true }) as NonNullable<DynamoDBRecord['dynamodb']>['OldImage'];

/** A stream record as DynamoDB Streams delivers it (`ttl`: the service principal's REMOVE). */
function rec(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  old: Image | undefined,
  now: Image | undefined,
  ttl = false,
): DynamoDBRecord {
  return {
    eventID: Math.random().toString(36),
    eventName,
    ...(ttl ? { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } } : {}),
    dynamodb: { ...(old ? { OldImage: img(old) } : {}), ...(now ? { NewImage: img(now) } : {}) },
  };
}

const clock = createTestClock();
let t: TestServices;
let cast: Cast;
let handler: ReturnType<typeof createStreamHandler>;

beforeAll(async () => {
  t = await createTestServices({ clock });
  cast = await registerCast(t.services);
  const composition: Composition = {
    services: t.services,
    repos: t.repos,
    deps: t.deps,
    storage: { doc: t.doc, tableName: t.tableName },
  };
  handler = createStreamHandler({ logger: testLogger(), deps: () => Promise.resolve(composition) });
});
afterAll(async () => {
  await t.close();
});

const recordItem = async (id: string): Promise<Image> =>
  (
    await t.doc.send(
      new GetCommand({ TableName: t.tableName, Key: { PK: `INVITATION#${id}`, SK: 'INVITATION' } }),
    )
  ).Item ?? {};

async function invite(): Promise<Invitation> {
  const room = await populatedRoom(t, cast, `sc-${Math.random().toString(36).slice(2, 8)}`);
  const carol = (await registerUser(t.services)).user;
  return t.services.invitations.create(cast.alice.user.id, room.id, carol.id, { requireModerator: true });
}

describe('invitation stream consumer', () => {
  it('a TTL REMOVE of a pending slot (fake clock past expiry) expires the record and tells both parties; a replay does nothing', async () => {
    const inv = await invite();
    clock.advance(8 * 24 * 3600 * 1000);
    t.events.length = 0;
    const removal = rec('REMOVE', slotItem(inv), undefined, true);
    await handler({ Records: [removal] });
    expect((await t.repos.invitations.getById(inv.id))?.status).toBe('expired');
    expect(t.events.map((e) => [e.payload.type, e.audience])).toEqual([
      ['invitation_cancelled', { kind: 'users', userIds: [inv.invitee_id] }],
      ['invitation_status_changed', { kind: 'users', userIds: [inv.inviter_id] }],
    ]);
    t.events.length = 0;
    await handler({ Records: [removal] });
    expect(t.events).toEqual([]);
  });

  it('a non-TTL REMOVE of a pending slot (room deleted) cancels with reason room_deleted; our own transitions do not', async () => {
    const inv = await invite();
    t.events.length = 0;
    await handler({ Records: [rec('REMOVE', slotItem(inv), undefined)] });
    expect(await t.repos.invitations.getById(inv.id)).toMatchObject({
      status: 'cancelled',
      cancelled_by: null,
    });
    expect(t.events[0]?.payload).toMatchObject({ type: 'invitation_cancelled', reason: 'room_deleted' });

    const other = await invite();
    await t.services.invitations.decline(other.invitee_id, other.id);
    t.events.length = 0;
    await handler({ Records: [rec('REMOVE', slotItem(other), undefined)] });
    expect((await t.repos.invitations.getById(other.id))?.status).toBe('declined');
    expect(t.events).toEqual([]);
  });

  it('upstream join_room on a private room: slot accepted by rooms → the record is accepted and the inviter told', async () => {
    const room = await t.services.rooms.create(cast.alice.user.id, {
      name: `priv-${Math.random().toString(36).slice(2, 8)}`,
      settings: { public: false },
    });
    const carol = (await registerUser(t.services)).user;
    const inv = await t.services.invitations.create(cast.alice.user.id, room.id, carol.id, {
      requireModerator: true,
    });
    await t.services.rooms.join(carol.id, room.id);
    // read view: already accepted (slot), before the consumer ran
    expect((await t.repos.invitations.getById(inv.id))?.status).toBe('accepted');
    expect((await recordItem(inv.id)).status).toBe('pending');
    const slotNow = (
      await t.doc.send(
        new GetCommand({ TableName: t.tableName, Key: { PK: `ROOM#${room.id}`, SK: `INVITE#${carol.id}` } }),
      )
    ).Item;
    t.events.length = 0;
    await handler({ Records: [rec('MODIFY', slotItem(inv), slotNow)] });
    expect((await recordItem(inv.id)).status).toBe('accepted');
    expect(t.events.map((e) => e.payload.type)).toEqual(['invitation_status_changed']);
  });

  it('stats: INSERT and the pending→terminal MODIFY count once each, even when delivered twice', async () => {
    const inv = await invite();
    const before = await t.services.inviteLinks.stats(cast.alice.user.id, {});
    const inserted = await recordItem(inv.id);
    clock.advance(90_000);
    await t.services.invitations.decline(inv.invitee_id, inv.id);
    const declined = await recordItem(inv.id);
    const records = [rec('INSERT', undefined, inserted), rec('MODIFY', inserted, declined)];
    await handler({ Records: [...records, ...records] });
    const after = await t.services.inviteLinks.stats(cast.alice.user.id, {});
    expect(after.sent - before.sent).toBe(1);
    expect(after.declined - before.declined).toBe(1);
    expect(after.median_response_seconds).not.toBeNull();
  });
});
