// local/stream-poller.ts against DynamoDB Local's real stream: records reach the same Lambda handler, TTL expiry included.
import { randomUUID } from 'node:crypto';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { createStreamHandler, type ExpiredInvitation } from '../../../lambdas/streams/handler.js';
import { startStreamPoller, type StreamPoller } from '../../../local/stream-poller.js';
import { startDynamoDbLocal, type DynamoDbLocalHandle } from '../../../local/dynamodb-local.js';
import { testLogger } from '../../support/relay.js';
import { createTestServices, registerUser, type TestServices } from '../../support/services.js';
import { eventually } from '../../support/streams.js';

describe('stream poller (DynamoDB Local)', () => {
  let ts: TestServices;
  let poller: StreamPoller;
  const expired: ExpiredInvitation[] = [];
  const batches: DynamoDBStreamEvent[] = [];
  const handler = createStreamHandler({
    logger: testLogger(),
    onInvitationExpired: (inv) => {
      expired.push(inv);
      return Promise.resolve();
    },
  });

  // Its own DynamoDB Local: the TTL sweep of the run's shared instance walks every suite's tables and
  // can take minutes to reach this one on a busy run (seen at 120 s+), so TTL is tested in isolation.
  let local: DynamoDbLocalHandle;
  let sharedEndpoint: string | undefined;

  beforeAll(async () => {
    local = await startDynamoDbLocal({ port: 0 });
    sharedEndpoint = process.env.LAIR_DYNAMODB_ENDPOINT;
    process.env.LAIR_DYNAMODB_ENDPOINT = local.endpoint;
    ts = await createTestServices();
    poller = await startStreamPoller({
      endpoint: process.env.LAIR_DYNAMODB_ENDPOINT,
      region: 'us-east-1',
      tableName: ts.tableName,
      logger: testLogger(),
      intervalMs: 200,
      handler: async (event) => {
        batches.push(event);
        await handler(event);
      },
    });
  });
  afterAll(async () => {
    await poller.stop();
    await ts.close();
    process.env.LAIR_DYNAMODB_ENDPOINT = sharedEndpoint;
    await local.stop();
  });

  it('feeds writes made after start to the handler, which ignores them', async () => {
    await registerUser(ts.services);
    await eventually(() => batches.some((b) => b.Records.some((r) => r.eventName === 'INSERT')), 20_000);
    expect(handler.stats.recordsIgnored).toBeGreaterThan(0);
    expect(handler.stats.invitationsExpired).toBe(0);
  }, 30_000);

  // The slot carries every key attribute of the table (GSI1 included): DynamoDB Local's TTL job cannot
  // delete an item without them (docs/adr/017-invitation-ttl-on-dynamodb-local.md).
  it('reports a pending invitation removed by TTL', async () => {
    const inviter = await registerUser(ts.services);
    const invitee = await registerUser(ts.services);
    const room = await ts.services.rooms.create(inviter.user.id, { name: `ttl-${randomUUID().slice(0, 8)}` });
    const past = new Date(Date.now() - 60 * 60 * 1000).toISOString();
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
    await eventually(() => expired.some((e) => e.invitationId === id), 120_000);
    expect(expired.find((e) => e.invitationId === id)).toMatchObject({
      roomId: room.id,
      inviteeId: invitee.user.id,
      status: 'pending',
    });
  }, 150_000);
});
