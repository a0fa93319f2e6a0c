// Invitations against DynamoDB Local's real TTL + stream: expiry reaches both parties, and stats counters equal a brute-force recount after 500 random operations.
import { randomUUID } from 'node:crypto';
import type { Invitation, InvitationStats } from '../../../shared/features/invitations/index.js';
import { estimateMedian, responseBucket } from '../../../shared/features/invitations/index.js';
import type { Room } from '../../../shared/features/rooms/index.js';
import type { Composition } from '../../../shared/compose.js';
import { createStreamHandler, type StreamHandler } from '../../../lambdas/streams/handler.js';
import { startDynamoDbLocal, type DynamoDbLocalHandle } from '../../../local/dynamodb-local.js';
import { startStreamPoller, type StreamPoller } from '../../../local/stream-poller.js';
import { testLogger } from '../../support/relay.js';
import {
  createTestClock,
  createTestServices,
  registerUser,
  type TestServices,
} from '../../support/services.js';
import { eventually } from '../../support/streams.js';

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

describe('invitations over the real stream (DynamoDB Local)', () => {
  const clock = createTestClock();
  let ts: TestServices;
  let poller: StreamPoller;

  // Its own DynamoDB Local: the TTL jobs of the run's shared instance share 10 threads and page 20
  // items per 10 s through every suite's table, so a busy run can take minutes to reach this one.
  let local: DynamoDbLocalHandle;
  let sharedEndpoint: string | undefined;
  let handler: StreamHandler;

  beforeAll(async () => {
    local = await startDynamoDbLocal({ port: 0 });
    sharedEndpoint = process.env.LAIR_DYNAMODB_ENDPOINT;
    process.env.LAIR_DYNAMODB_ENDPOINT = local.endpoint;
    ts = await createTestServices({ clock });
    const composition: Composition = {
      services: ts.services,
      repos: ts.repos,
      deps: ts.deps,
      storage: { doc: ts.doc, tableName: ts.tableName },
    };
    handler = createStreamHandler({ logger: testLogger(), deps: () => Promise.resolve(composition) });
    poller = await startStreamPoller({
      endpoint: local.endpoint,
      region: 'us-east-1',
      tableName: ts.tableName,
      logger: testLogger(),
      intervalMs: 200,
      handler,
    });
  });
  afterAll(async () => {
    await poller.stop();
    await ts.close();
    process.env.LAIR_DYNAMODB_ENDPOINT = sharedEndpoint;
    await local.stop();
  });

  // DynamoDB Local's TTL job deletes only items that carry every key attribute of the table (GSI keys
  // included): the slot carries GSI1 keys for that (docs/adr/017-invitation-ttl-on-dynamodb-local.md).
  it('TTL removes an expired slot; the consumer marks the record expired, tells invitee and inviter and counts it', async () => {
    const inviter = await registerUser(ts.services);
    const invitee = await registerUser(ts.services);
    const room = await ts.services.rooms.create(inviter.user.id, { name: `ttl-${randomUUID().slice(0, 8)}` });
    const past = new Date(Date.now() - 3600_000).toISOString();
    const id = randomUUID();
    await ts.repos.invitations.create({
      id,
      room_id: room.id,
      room_name: room.name,
      inviter_id: inviter.user.id,
      inviter_name: inviter.user.username,
      invitee_id: invitee.user.id,
      invitee_name: invitee.user.username,
      status: 'pending',
      message: null,
      created_at: past,
      expires_at: past,
      responded_at: null,
      role: 'member',
      cancelled_at: null,
      cancelled_by: null,
    });
    await eventually(async () => (await ts.repos.invitations.getById(id))?.status === 'expired', 150_000);
    // The consumer stores `expired` first and then emits: wait for both notices, not just the status.
    const ofThis = () => ts.events.filter((e) => JSON.stringify(e.payload).includes(id));
    await eventually(() => Promise.resolve(ofThis().length >= 2), 30_000);
    const mine = ofThis();
    expect(mine.map((e) => [e.payload.type, e.audience])).toEqual([
      ['invitation_cancelled', { kind: 'users', userIds: [invitee.user.id] }],
      ['invitation_status_changed', { kind: 'users', userIds: [inviter.user.id] }],
    ]);
    expect(mine[0]?.payload).toMatchObject({ reason: 'expired', invitee: invitee.user.id });
    expect(mine[1]?.payload).toMatchObject({ invitation: { id, status: 'expired' } });
    expect(handler.stats.invitationsExpired).toBe(1);
    // the counters see the record leave `pending` through the same stream
    await eventually(
      async () => (await ts.services.inviteLinks.stats(inviter.user.id, {})).expired === 1,
      30_000,
    );
    expect(await ts.services.inviteLinks.stats(inviter.user.id, {})).toMatchObject({
      sent: 1,
      pending: 0,
      expired: 1,
    });
    expect(await ts.services.inviteLinks.stats(room.owner, { roomId: room.id })).toMatchObject({
      expired: 1,
    });
  }, 180_000);

  it('stats from the stream equal a brute-force recount after 500 random operations', async () => {
    const next = rng(12);
    const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!;
    const inviters = await Promise.all([0, 1, 2].map(() => registerUser(ts.services)));
    const invitees = await Promise.all(Array.from({ length: 12 }, () => registerUser(ts.services)));
    const rooms: Room[] = [];
    for (const [i, u] of inviters.slice(0, 2).entries()) {
      const r = await ts.services.rooms.create(u.user.id, { name: `stats-${i}-${randomUUID().slice(0, 6)}` });
      for (const other of inviters) await ts.services.rooms.join(other.user.id, r.id).catch(() => undefined);
      rooms.push(r);
    }
    const pending: Invitation[] = [];
    const all: string[] = [];
    for (let op = 0; op < 500; op++) {
      clock.advance(Math.floor(next() * 600_000)); // up to 10 minutes between operations
      const roll = next();
      try {
        if (roll < 0.45 || pending.length === 0) {
          const inv = await ts.services.invitations.create(
            pick(inviters).user.id,
            pick(rooms).id,
            pick(invitees).user.id,
            { requireModerator: false },
          );
          pending.push(inv);
          all.push(inv.id);
          continue;
        }
        const i = Math.floor(next() * pending.length);
        const inv = pending.splice(i, 1)[0]!;
        if (roll < 0.6) {
          await ts.services.invitations.accept(inv.invitee_id, inv.id);
          await ts.services.rooms.leave(inv.invitee_id, inv.room_id); // so the invitee can be invited again
        } else if (roll < 0.8) await ts.services.invitations.decline(inv.invitee_id, inv.id);
        else if (roll < 0.93) await ts.services.invitations.revoke(inv.inviter_id, inv.id);
        else await ts.services.invitations.closeBySystem(inv.id, 'expired');
      } catch (e) {
        if (!(e instanceof Error && 'code' in e)) throw e; // already_invited etc. are part of the game
      }
    }

    // Brute force: every record, read back.
    const records = (await Promise.all(all.map((id) => ts.repos.invitations.getById(id)))).filter(
      (r) => r !== null,
    );
    const recount = (keep: (r: Invitation) => boolean): InvitationStats => {
      const mine = records.filter(keep);
      const n = (s: string) => mine.filter((r) => r.status === s).length;
      const closed = mine.length - n('pending');
      const hist = new Map<number, number>();
      for (const r of mine) {
        if ((r.status === 'accepted' || r.status === 'declined') && r.responded_at !== null) {
          const b = responseBucket((Date.parse(r.responded_at) - Date.parse(r.created_at)) / 1000);
          hist.set(b, (hist.get(b) ?? 0) + 1);
        }
      }
      return {
        sent: mine.length,
        pending: n('pending'),
        accepted: n('accepted'),
        declined: n('declined'),
        expired: n('expired'),
        cancelled: n('cancelled'),
        acceptance_rate: closed === 0 ? 0 : Math.round((n('accepted') / closed) * 1000) / 1000,
        median_response_seconds: estimateMedian(hist),
      };
    };
    const scopes = [
      ...inviters.map((u) => ({
        actor: u.user.id,
        scope: {},
        keep: (r: Invitation) => r.inviter_id === u.user.id,
      })),
      ...rooms.map((r) => ({
        actor: r.owner,
        scope: { roomId: r.id },
        keep: (x: Invitation) => x.room_id === r.id,
      })),
    ];
    const snapshot = () => Promise.all(scopes.map((s) => ts.services.inviteLinks.stats(s.actor, s.scope)));
    const expected = scopes.map((s) => recount(s.keep));
    // the consumer runs behind the writes (~200 ms polls): wait until it caught up, then compare exactly
    await eventually(
      async () => JSON.stringify(await snapshot()) === JSON.stringify(expected),
      180_000,
    ).catch(() => undefined);
    expect(await snapshot()).toEqual(expected);
    // the exact median is within one histogram bucket (≤ 19 %) of the estimate
    const exact = records
      .filter((r) => r.status === 'accepted' || r.status === 'declined')
      .map((r) => (Date.parse(r.responded_at!) - Date.parse(r.created_at)) / 1000)
      .sort((a, b) => a - b);
    const mid = (exact[Math.floor((exact.length - 1) / 2)]! + exact[Math.ceil((exact.length - 1) / 2)]!) / 2;
    const est = recount(() => true).median_response_seconds!;
    expect(Math.abs(est - mid) / mid).toBeLessThan(0.2);
  }, 400_000);
});
