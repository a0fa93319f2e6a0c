// Terminal client catch-up (docs/protocol/extensions.md §3): what "while you were away" says after a first sync, a live session and a later sync; /unread and /rooms counts.
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatState } from '../../../client/tui/commands.js';
import type { Message } from '../../../shared/features/messages/index.js';
import { FakeSession, type FakeScript } from './fake-session.js';
import { ALICE_ID, BOB_ID, ROOM_ID, aMessage, aUser } from './fixtures.js';

/** Recent change times: the client keeps what it saw for a minute past the token. */
const NOW = Date.now() - 5_000;
const id = (i: number): string => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const target = { type: 'room', room_id: ROOM_ID } as const;
const byBob = (i: number, overrides: Partial<Message> = {}): Message =>
  aMessage({
    id: id(i),
    author: BOB_ID,
    content: `b${i}`,
    updated_at: new Date(NOW + i).toISOString(),
    ...overrides,
  });
// eslint-disable-next-line no-control-regex
const plain = (lines: string[]) => lines.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''));

describe('CatchUp', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lair-catchup-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('first sync reports unread counts; the next one exactly the new, edited and deleted messages; the token survives a restart', async () => {
    const seenLive = byBob(1);
    let reply: Record<string, unknown> = {
      next_since: 'T1',
      targets: [{ target, messages: [seenLive], has_more: false, unread_count: 2 }],
      memberships: [],
    };
    const script: FakeScript = (m) => (m.type === 'sync' ? reply : undefined);
    const file = join(dir, 'sync.json');
    const session = new FakeSession(script);
    const state = new ChatState(session, aUser({ id: ALICE_ID }), undefined, undefined, undefined, file);
    expect(plain(await state.catchUp.run())).toEqual([`2 unread in #${ROOM_ID.slice(0, 8)}`]);
    expect(session.sentOf('sync')[0]).not.toHaveProperty('since');

    // While away: 30 new by bob, one of them edited and one deleted; an old message seen live is unchanged.
    const away = Array.from({ length: 30 }, (_, i) => byBob(i + 10));
    away[4] = { ...away[4]!, content: 'edited', edit_count: 1, edited: true };
    away[9] = { ...away[9]!, content: '', deleted: true };
    reply = {
      next_since: 'T2',
      // The feed is in change order: the edit comes last; the client prints it where it was sent.
      targets: [
        {
          target,
          messages: [seenLive, ...away.filter((_, i) => i !== 4), away[4]],
          has_more: false,
          unread_count: 29,
        },
      ],
      memberships: [],
    };

    // A restarted client (new state, same file) continues from T1.
    const againSession = new FakeSession(script);
    const again = new ChatState(againSession, aUser({ id: ALICE_ID }), undefined, undefined, undefined, file);
    const lines = plain(await again.catchUp.run());
    expect(lines[0]).toBe(`while you were away: 29 new in #${ROOM_ID.slice(0, 8)} (1 edited, 1 deleted)`);
    expect(lines).toHaveLength(30);
    expect(lines[4]).toContain('b13');
    expect(lines[5]).toContain('edited');
    expect(lines[6]).toContain('b15');
    expect(againSession.sentOf('sync')[0]).toMatchObject({ since: 'T1' });

    // Nothing new since: said so; a repeated change inside the server's margin is not reported twice.
    const third = new ChatState(
      new FakeSession(script),
      aUser({ id: ALICE_ID }),
      undefined,
      undefined,
      undefined,
      file,
    );
    expect(plain(await third.catchUp.run())).toEqual(['while you were away: nothing new']);
  });

  it('a later sync prints the invitation changes it carries (extensions.md §6.3), each once', async () => {
    const inv = (status: string, inviteeId: string) => ({
      id: id(900 + (inviteeId === ALICE_ID ? 1 : 2)),
      room_id: ROOM_ID,
      room_name: 'general',
      inviter_id: inviteeId === ALICE_ID ? BOB_ID : ALICE_ID,
      inviter_name: inviteeId === ALICE_ID ? 'bob' : 'alice',
      invitee_id: inviteeId,
      invitee_name: inviteeId === ALICE_ID ? 'alice' : 'bob',
      status,
      message: null,
      created_at: new Date(NOW).toISOString(),
      expires_at: '2030-01-01T00:00:00.000Z',
      responded_at: null,
      role: 'member',
      cancelled_at: null,
      cancelled_by: null,
    });
    let reply: Record<string, unknown> = { next_since: 'T1', targets: [], memberships: [], invitations: [] };
    const state = new ChatState(
      new FakeSession((m) => (m.type === 'sync' ? reply : undefined)),
      aUser({ id: ALICE_ID }),
      undefined,
      undefined,
      undefined,
      join(dir, 'sync.json'),
    );
    await state.catchUp.run();
    reply = {
      next_since: 'T2',
      targets: [],
      memberships: [],
      invitations: [inv('accepted', BOB_ID), inv('pending', ALICE_ID)],
    };
    const lines = plain(await state.catchUp.run());
    expect(lines[0]).toBe("✉ while you were away: bob's invitation to #general is accepted");
    expect(lines[1]).toMatch(
      /^✉ while you were away: invitation to #general from bob \(expires .*\) — \/accept /,
    );
    expect(plain(await state.catchUp.run())).toEqual(['while you were away: nothing new']);
  });

  it('/unread lists counts and mentions; /rooms shows unread per room', async () => {
    const room = { id: ROOM_ID, name: 'general', settings: { is_private: false, description: null } };
    const script: FakeScript = (m) => {
      if (m.type === 'get_unread')
        return {
          unread: [{ target, unread_count: 3, mention_count: 1, last_message_id: id(3), up_to: null }],
        };
      if (m.type === 'list_rooms') return { rooms: [{ room, member_count: 2, is_member: true }] };
      return undefined;
    };
    const state = new ChatState(new FakeSession(script), aUser({ id: ALICE_ID }));
    await state.run('/rooms');
    expect(plain((await state.run('/unread')).lines)).toEqual(['Unread:', '  #general  3 unread, 1 mention']);
    expect(plain((await state.run('/rooms')).lines)[1]).toContain('3 unread');
  });

  it('entering a room marks what was shown of it read; own messages do not send mark_read', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
    try {
      const room = { id: ROOM_ID, name: 'general', settings: { is_private: false, description: null } };
      const script: FakeScript = (m) => {
        if (m.type === 'list_rooms') return { rooms: [{ room, member_count: 2, is_member: true }] };
        if (m.type === 'mark_read') return { unread_count: 0, receipt: null };
        return undefined;
      };
      const session = new FakeSession(script);
      const state = new ChatState(session, aUser({ id: ALICE_ID }));
      // Two messages by bob arrive while alice is in no room (printed, not yet read).
      for (const i of [1, 2]) {
        state.observe({ type: 'message_received', message: byBob(i), author_username: 'bob' } as never);
      }
      expect(session.sentOf('mark_read')).toHaveLength(0);
      await state.run('/join general');
      await jest.advanceTimersByTimeAsync(1_100);
      expect(session.sentOf('mark_read')).toEqual([
        expect.objectContaining({ target: { type: 'room', room_id: ROOM_ID }, up_to: id(2) }),
      ]);
      // Her own message in the current room is not a reason to move her marker (no receipt noise).
      state.observe({
        type: 'message_received',
        message: aMessage({ id: id(3), author: ALICE_ID }),
        author_username: 'alice',
      } as never);
      await jest.advanceTimersByTimeAsync(1_100);
      expect(session.sentOf('mark_read')).toHaveLength(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
