// The pending slot carries every attribute of the table's AttributeDefinitions, which DynamoDB Local's TTL job needs to delete it (docs/adr/017-invitation-ttl-on-dynamodb-local.md).
import { slotItem, type Invitation } from '../../../shared/features/invitations/index.js';
import { tableDefinition } from '../../../shared/storage/table.js';

describe('invitation slot item', () => {
  it('has a string value for every AttributeDefinition of the table (else local TTL never expires it)', () => {
    const inv: Invitation = {
      id: '00000000-0000-4000-8000-000000000001',
      room_id: '00000000-0000-4000-8000-000000000002',
      room_name: 'r',
      inviter_id: '00000000-0000-4000-8000-000000000003',
      inviter_name: 'a',
      invitee_id: '00000000-0000-4000-8000-000000000004',
      invitee_name: 'b',
      status: 'pending',
      message: null,
      created_at: '2026-12-07T00:00:00.000Z',
      expires_at: '2026-12-14T00:00:00.000Z',
      responded_at: null,
      role: 'member',
      cancelled_at: null,
      cancelled_by: null,
    };
    const item = slotItem(inv);
    const names = (tableDefinition('t').AttributeDefinitions ?? []).map((a) => a.AttributeName!);
    expect(names.filter((n) => typeof item[n] !== 'string')).toEqual([]);
    expect(item.conversation).not.toBe(inv.room_id); // never in a room's GSI3 partition (sync)
    expect(item.entity).not.toBe('message'); // never in sync's GSI4 feed
  });
});
