// Unit tests for client message parsing: docs/protocol/tcp.md examples, leniency and invalid_message cases (§2, §4–§7, §9.2).
import { CLIENT_MESSAGE_TYPES, parseClientMessage } from '../../../../relay/commands/index.js';
import type { ClientMessage } from '../../../../relay/commands/index.js';

const ROOM = '7d0e5a44-3c1f-4d7a-b2a9-6e8f1c2d3b4a';
const USER = 'a9b8c7d6-e5f4-4a3b-9c2d-1e0f9a8b7c6d';

/** One example per client message type, copied from docs/protocol/tcp.md. */
const EXAMPLES: Record<string, string> = {
  client_hello:
    '{"type":"client_hello","version":"1.0","client_name":"Lair Chat TUI","features":["encryption"]}',
  key_exchange: '{"type":"key_exchange","public_key":"3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08="}',
  authenticate:
    '{"type":"authenticate","request_id":"r1","token":"eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOi"}',
  login: '{"type":"login","identifier":"alice","password":"hunter22!"}',
  register: '{"type":"register","username":"bob","email":"bob@example.com","password":"correct horse"}',
  logout: '{"type":"logout","request_id":"r9"}',
  send_message: `{"type":"send_message","request_id":"m1","target":{"type":"room","room_id":"${ROOM}"},"content":"Hello!"}`,
  edit_message:
    '{"type":"edit_message","message_id":"0b8f6c1d-2e3a-4f5b-8c9d-0e1f2a3b4c5d","content":"Hello, all!"}',
  delete_message: '{"type":"delete_message","message_id":"0b8f6c1d-2e3a-4f5b-8c9d-0e1f2a3b4c5d"}',
  get_messages: `{"type":"get_messages","target":{"type":"dm","recipient":"${USER}"},"limit":50}`,
  create_room: '{"type":"create_room","name":"general","description":"Talk here","settings":{"public":true}}',
  get_room: `{"type":"get_room","room_id":"${ROOM}"}`,
  list_rooms: '{"type":"list_rooms","filter":{"joined_only":false},"limit":20,"offset":0}',
  join_room: `{"type":"join_room","request_id":"j1","room_id":"${ROOM}"}`,
  leave_room: `{"type":"leave_room","room_id":"${ROOM}"}`,
  invite_to_room: `{"type":"invite_to_room","room_id":"${ROOM}","user_id":"${USER}"}`,
  accept_invitation: '{"type":"accept_invitation","invitation_id":"5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c"}',
  decline_invitation: '{"type":"decline_invitation","invitation_id":"5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c"}',
  list_invitations: '{"type":"list_invitations"}',
  get_user: `{"type":"get_user","user_id":"${USER}"}`,
  list_users: '{"type":"list_users","limit":50,"offset":0}',
  get_current_user: '{"type":"get_current_user","request_id":"me"}',
  // docs/protocol/extensions.md §1.2–§1.5
  get_message_versions:
    '{"type":"get_message_versions","request_id":"v","message_id":"0b8f6c1d-2e3a-4f5b-8c9d-0e1f2a3b4c5d"}',
  add_reaction:
    '{"type":"add_reaction","request_id":"r","message_id":"0b8f6c1d-2e3a-4f5b-8c9d-0e1f2a3b4c5d","emoji":"👍"}',
  remove_reaction:
    '{"type":"remove_reaction","request_id":"r","message_id":"0b8f6c1d-2e3a-4f5b-8c9d-0e1f2a3b4c5d","emoji":"👍"}',
  search_messages:
    '{"type":"search_messages","request_id":"s","query":"crème from:alice","filters":{"has":"pin"},"limit":20}',
  pin_message: '{"type":"pin_message","request_id":"p","message_id":"0b8f6c1d-2e3a-4f5b-8c9d-0e1f2a3b4c5d"}',
  unpin_message:
    '{"type":"unpin_message","request_id":"p","message_id":"0b8f6c1d-2e3a-4f5b-8c9d-0e1f2a3b4c5d"}',
  list_pins:
    '{"type":"list_pins","request_id":"l","target":{"type":"room","room_id":"0b8f6c1d-2e3a-4f5b-8c9d-0e1f2a3b4c5d"}}',
  list_mentions: '{"type":"list_mentions","request_id":"m","limit":10}',
  ban_user: '{"type":"ban_user","request_id":"b","user":"mallory","reason":"spam","duration_minutes":30}',
  unban_user: '{"type":"unban_user","request_id":"u","user":"mallory"}',
  set_user_role: '{"type":"set_user_role","request_id":"r","user":"alice","role":"moderator"}',
  kick_member:
    '{"type":"kick_member","request_id":"k","room_id":"0b8f6c1d-2e3a-4f5b-8c9d-0e1f2a3b4c5d","user":"bob"}',
  get_audit_log: '{"type":"get_audit_log","request_id":"a","filters":{"action":"user.ban"},"limit":20}',
  send_server_notice:
    '{"type":"send_server_notice","request_id":"n","message":"Maintenance","severity":"info"}',
  get_notices: '{"type":"get_notices","request_id":"g"}',
  mute_member:
    '{"type":"mute_member","request_id":"m","room_id":"0b8f6c1d-2e3a-4f5b-8c9d-0e1f2a3b4c5d","user":"bob","duration_minutes":10}',
  unmute_member:
    '{"type":"unmute_member","request_id":"m","room_id":"0b8f6c1d-2e3a-4f5b-8c9d-0e1f2a3b4c5d","user":"bob"}',
  ban_from_room:
    '{"type":"ban_from_room","request_id":"b","room_id":"0b8f6c1d-2e3a-4f5b-8c9d-0e1f2a3b4c5d","user":"bob","reason":"spam"}',
  unban_from_room:
    '{"type":"unban_from_room","request_id":"b","room_id":"0b8f6c1d-2e3a-4f5b-8c9d-0e1f2a3b4c5d","user":"bob"}',
  list_room_bans:
    '{"type":"list_room_bans","request_id":"l","room_id":"0b8f6c1d-2e3a-4f5b-8c9d-0e1f2a3b4c5d"}',
  set_slow_mode:
    '{"type":"set_slow_mode","request_id":"s","room_id":"0b8f6c1d-2e3a-4f5b-8c9d-0e1f2a3b4c5d","seconds":30}',
  // docs/protocol/extensions.md §2, §3
  mark_read:
    '{"type":"mark_read","request_id":"r","target":{"type":"room","room_id":"550e8400-e29b-41d4-a716-446655440000"},"up_to":"6ba7b810-9dad-11d1-80b4-00c04fd430c8"}',
  get_unread: '{"type":"get_unread","request_id":"u"}',
  delivered: '{"type":"delivered","message_ids":["6ba7b810-9dad-11d1-80b4-00c04fd430c8"]}',
  sync: '{"type":"sync","request_id":"s","since":null,"limit":50}',
  get_thread:
    '{"type":"get_thread","request_id":"t","message_id":"0b8f6c1d-2e3a-4f5b-8c9d-0e1f2a3b4c5d","limit":20}',
  // docs/protocol/extensions.md §6.2
  invite_multiple: `{"type":"invite_multiple","request_id":"b","room_id":"${ROOM}","usernames":["bob"],"ttl_hours":48}`,
  list_sent_invitations: '{"type":"list_sent_invitations","request_id":"s","status":"all","limit":20}',
  get_invitation:
    '{"type":"get_invitation","request_id":"g","invitation_id":"5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c"}',
  revoke_invitation:
    '{"type":"revoke_invitation","request_id":"v","invitation_id":"5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c"}',
  accept_all_invitations: '{"type":"accept_all_invitations","request_id":"a"}',
  invitation_stats: `{"type":"invitation_stats","request_id":"st","room_id":"${ROOM}"}`,
  invitation_summary: '{"type":"invitation_summary","request_id":"su"}',
  join_by_invite_link: '{"type":"join_by_invite_link","request_id":"jl","code":"AbCdEf012345"}',
  typing: `{"type":"typing","target":{"type":"room","room_id":"${ROOM}"}}`,
  ping: '{"type":"ping"}',
  // docs/protocol/extensions.md §7.1, §7.3, §8 (lair.social)
  block_user: '{"type":"block_user","request_id":"b","username":"mallory"}',
  unblock_user: '{"type":"unblock_user","request_id":"ub","user_id":"5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c"}',
  list_blocks: '{"type":"list_blocks","request_id":"lb","limit":20}',
  send_friend_request: '{"type":"send_friend_request","request_id":"f","username":"bob","message":"hi"}',
  respond_friend_request:
    '{"type":"respond_friend_request","request_id":"r","friend_request_id":"5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c","accept":true}',
  cancel_friend_request:
    '{"type":"cancel_friend_request","request_id":"c","friend_request_id":"5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c"}',
  list_friends: '{"type":"list_friends","request_id":"lf"}',
  list_friend_requests: '{"type":"list_friend_requests","request_id":"lr","direction":"outgoing"}',
  remove_friend: '{"type":"remove_friend","request_id":"rf","username":"bob"}',
  get_preferences: '{"type":"get_preferences","request_id":"gp"}',
  update_preferences:
    '{"type":"update_preferences","request_id":"up","preferences":{"privacy":{"dm_from":"friends"}}}',
  set_presence: '{"type":"set_presence","request_id":"sp","status":"away"}',
  update_profile:
    '{"type":"update_profile","request_id":"pr","display_name":"Bob","timezone":"Europe/Berlin"}',
  // docs/protocol/extensions.md §7.2
  create_conversation:
    '{"type":"create_conversation","request_id":"cc","participant_ids":["5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c","6f5e4d3c-2b1a-4f9e-8d7c-6b5a4f3e2d1c"],"title":"Trio"}',
  list_conversations: '{"type":"list_conversations","request_id":"lc","limit":20}',
  get_conversation:
    '{"type":"get_conversation","request_id":"gc","conversation_id":"5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c"}',
  update_conversation:
    '{"type":"update_conversation","request_id":"uc","conversation_id":"5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c","title":"Quad"}',
  add_participants:
    '{"type":"add_participants","request_id":"ap","conversation_id":"5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c","user_ids":["6f5e4d3c-2b1a-4f9e-8d7c-6b5a4f3e2d1c"]}',
  leave_conversation:
    '{"type":"leave_conversation","request_id":"lv","conversation_id":"5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c"}',
};

function parse(text: string | Buffer) {
  return parseClientMessage(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
}

function parsed(text: string): ClientMessage {
  const result = parse(text);
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.message;
}

function invalidDetail(text: string | Buffer): string {
  const result = parse(text);
  if (result.ok || result.kind !== 'invalid')
    throw new Error(`expected invalid, got ${JSON.stringify(result)}`);
  return result.detail;
}

describe('parseClientMessage: docs/protocol/tcp.md examples', () => {
  it('has an example for every client message type', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...CLIENT_MESSAGE_TYPES].sort());
  });

  it.each(Object.entries(EXAMPLES))('parses %s', (type, text) => {
    expect(parsed(text).type).toBe(type);
  });

  it('keeps field values', () => {
    expect(parsed(EXAMPLES.send_message!)).toEqual({
      type: 'send_message',
      request_id: 'm1',
      target: { type: 'room', room_id: ROOM },
      content: 'Hello!',
    });
  });
});

describe('parseClientMessage: leniency', () => {
  it('ignores unknown keys, including request_id where it is not declared', () => {
    expect(parsed('{"type":"ping","request_id":7,"extra":{"a":1}}')).toEqual({ type: 'ping' });
    expect(parsed('{"type":"logout","foo":"bar"}')).toEqual({ type: 'logout' });
  });

  it('accepts request_id null and absent', () => {
    expect(parsed('{"type":"logout","request_id":null}')).toEqual({ type: 'logout', request_id: null });
    expect(parsed('{"type":"list_invitations"}')).toEqual({ type: 'list_invitations' });
  });

  it('canonicalises target UUIDs in upstream-accepted forms', () => {
    const msg = parsed(
      `{"type":"typing","target":{"type":"dm","recipient":"${USER.toUpperCase().replace(/-/g, '')}"}}`,
    );
    expect(msg).toEqual({ type: 'typing', target: { type: 'dm', recipient: USER } });
  });

  it('leaves plain-string ids for the command to validate', () => {
    expect(parsed('{"type":"join_room","room_id":"not-a-uuid"}')).toMatchObject({ room_id: 'not-a-uuid' });
  });
});

describe('parseClientMessage: failures', () => {
  it('reports invalid UTF-8 as not_utf8', () => {
    expect(parse(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]))).toEqual({ ok: false, kind: 'not_utf8' });
  });

  it.each([
    ['empty payload', ''],
    ['bad JSON', '{"type":'],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"ping"'],
    ['missing type', '{"request_id":"x"}'],
    ['a BOM before the JSON', '\uFEFF{"type":"ping"}'],
  ])('rejects %s as invalid', (_label, text) => {
    expect(invalidDetail(text).length).toBeGreaterThan(0);
  });

  it('rejects an unknown type, naming it', () => {
    expect(invalidDetail('{"type":"pong"}')).toContain('unknown variant `pong`');
  });

  it('rejects a bad UUID inside target', () => {
    expect(
      invalidDetail('{"type":"send_message","target":{"type":"room","room_id":"nope"},"content":"x"}'),
    ).toContain('target.room_id');
  });

  it('rejects the HTTP-only direct_message target tag', () => {
    invalidDetail(`{"type":"typing","target":{"type":"direct_message","recipient":"${USER}"}}`);
  });

  it('rejects request_id as a number', () => {
    expect(invalidDetail('{"type":"join_room","request_id":5,"room_id":"x"}')).toContain('request_id');
  });

  it('rejects missing and mistyped fields', () => {
    invalidDetail('{"type":"client_hello"}');
    invalidDetail('{"type":"login","identifier":"alice"}');
    invalidDetail('{"type":"send_message","target":{"type":"room","room_id":"' + ROOM + '"},"content":5}');
  });

  it('rejects negative, fractional or oversized u32 fields', () => {
    invalidDetail('{"type":"list_users","limit":-1}');
    invalidDetail('{"type":"list_rooms","offset":1.5}');
    invalidDetail('{"type":"create_room","name":"x","settings":{"max_members":4294967296}}');
  });
});
