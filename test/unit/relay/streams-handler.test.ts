// Streams Lambda handler (lambdas/streams/handler.ts): only TTL removals of pending invitations count; nothing else does.
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import {
  createStreamHandler,
  isTtlRemoval,
  type ExpiredInvitation,
} from '../../../lambdas/streams/handler.js';
import { testLogger } from '../../support/relay.js';

const invitationItem = (status: string) => ({
  PK: 'ROOM#r1',
  SK: 'INVITE#u2',
  entity: 'invitation',
  id: 'i1',
  room_id: 'r1',
  room_name: 'general',
  inviter_id: 'u1',
  invitee_id: 'u2',
  status,
  expires_at: '2025-01-01T00:00:00.000Z',
  expiresAt: 1735689600,
});

function record(
  eventName: string,
  oldImage: Record<string, unknown> | undefined,
  ttl: boolean,
): DynamoDBRecord {
  return {
    eventID: Math.random().toString(36),
    eventName: eventName as DynamoDBRecord['eventName'],
    ...(ttl ? { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } } : {}),
    dynamodb: oldImage
      ? { OldImage: marshall(oldImage) as NonNullable<DynamoDBRecord['dynamodb']>['OldImage'] }
      : {},
  };
}

describe('streams handler', () => {
  it('recognises TTL removals: AWS REMOVE by the DynamoDB service, and DynamoDB Local UNKNOWN_TO_SDK_VERSION', () => {
    expect(isTtlRemoval(record('REMOVE', undefined, true))).toBe(true);
    expect(isTtlRemoval(record('UNKNOWN_TO_SDK_VERSION', undefined, false))).toBe(true);
    expect(isTtlRemoval(record('REMOVE', undefined, false))).toBe(false);
    expect(isTtlRemoval(record('INSERT', undefined, false))).toBe(false);
  });

  it('counts expired pending invitations, calls the extension hook, ignores everything else, never throws', async () => {
    const seen: ExpiredInvitation[] = [];
    const handler = createStreamHandler({
      logger: testLogger(),
      onInvitationExpired: (inv) => {
        seen.push(inv);
        return inv.invitationId === 'boom' ? Promise.reject(new Error('hook failure')) : Promise.resolve();
      },
    });
    const event: DynamoDBStreamEvent = {
      Records: [
        record('REMOVE', invitationItem('pending'), true),
        record('UNKNOWN_TO_SDK_VERSION', { ...invitationItem('pending'), id: 'boom' }, false),
        record('REMOVE', invitationItem('accepted'), true), // answered earlier: TTL is just cleanup
        record('REMOVE', { PK: 'USER#u', SK: 'SESSION#s', entity: 'session' }, true),
        record('REMOVE', invitationItem('pending'), false), // a user delete, not TTL
        record('INSERT', undefined, false),
        record('MODIFY', undefined, false),
        { eventName: 'UNKNOWN_TO_SDK_VERSION' } as unknown as DynamoDBRecord, // no image at all
      ],
    };
    await expect(handler(event)).resolves.toBeUndefined();
    expect(seen.map((i) => i.invitationId)).toEqual(['i1', 'boom']);
    expect(seen[0]).toEqual({
      invitationId: 'i1',
      roomId: 'r1',
      roomName: 'general',
      inviterId: 'u1',
      inviteeId: 'u2',
      status: 'pending',
      expiresAt: '2025-01-01T00:00:00.000Z',
    });
    expect(handler.stats).toEqual({ invitationsExpired: 2, ttlRemovalsIgnored: 3, recordsIgnored: 3 });
  });
});
