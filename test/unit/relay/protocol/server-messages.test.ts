// Unit tests for server message builders and the serializer (protocol docs/protocol/tcp.md §2.2, §9.1).
import { failResponse } from '../../../../relay/commands/index.js';
import {
  SERVER_HELLO,
  errorFrame,
  okResponse,
  serializeServerMessage,
} from '../../../../relay/protocol/server-messages.js';
import type { Room } from '../../../../shared/features/rooms/index.js';

const room: Room = {
  id: '7d0e5a44-3c1f-4d7a-b2a9-6e8f1c2d3b4a',
  name: 'general',
  owner: '1c6c7e2a-8f3b-4b8e-9a51-2f0d6b3c9e11',
  settings: { description: null, is_private: false, max_members: null, retention_days: null },
  created_at: '2025-01-21T12:00:00Z',
};

const text = (msg: Parameters<typeof serializeServerMessage>[0]): string =>
  serializeServerMessage(msg).toString('utf8');

describe('serializeServerMessage', () => {
  it('writes compact JSON with type first (docs/protocol/tcp.md §4.1 example)', () => {
    expect(text(SERVER_HELLO)).toBe(
      '{"type":"server_hello","version":"1.0","server_name":"Lair Chat","features":["encryption","lair.messages","lair.invitations","lair.receipts","lair.sync","lair.moderation","lair.social"],"encryption_required":false}',
    );
  });

  it('puts type first even if the object was built in another order', () => {
    expect(text({ server_time: 'now', type: 'pong' })).toBe('{"type":"pong","server_time":"now"}');
  });

  it('keeps null entity fields', () => {
    expect(text(okResponse('create_room_response', null, { room }))).toContain('"description":null');
  });
});

describe('response builders', () => {
  it('okResponse echoes request_id and omits null payload fields', () => {
    const msg = okResponse('get_room_response', 'g1', { room, membership: null, member_count: 3 });
    expect(msg).toEqual({
      type: 'get_room_response',
      request_id: 'g1',
      success: true,
      room,
      member_count: 3,
    });
  });

  it('okResponse maps an absent request_id to null', () => {
    expect(text(okResponse('leave_room_response', undefined, {}))).toBe(
      '{"type":"leave_room_response","request_id":null,"success":true}',
    );
  });

  it('failResponse fills listed counters with false/0', () => {
    expect(text(failResponse('list_rooms_response', null, 'session_expired', 'Session expired'))).toBe(
      '{"type":"list_rooms_response","request_id":null,"success":false,"error":{"code":"session_expired","message":"Session expired"},"has_more":false,"total_count":0}',
    );
    expect(failResponse('get_room_response', 'x', 'not_found', 'Room not found')).toMatchObject({
      member_count: 0,
    });
  });

  it('failResponse adds no counters where none are listed', () => {
    expect(failResponse('join_room_response', 'j1', 'room_full', 'Room is full')).toEqual({
      type: 'join_room_response',
      request_id: 'j1',
      success: false,
      error: { code: 'room_full', message: 'Room is full' },
    });
  });

  it('errorFrame builds the top-level error (docs/protocol/tcp.md §9.1)', () => {
    expect(text(errorFrame('unauthorized', 'Must authenticate first'))).toBe(
      '{"type":"error","code":"unauthorized","message":"Must authenticate first"}',
    );
  });
});
