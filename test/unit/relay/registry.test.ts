// DeliveryRegistry: audience resolution (docs/protocol/tcp.md §8), room-index upkeep from events, de-duplication, first-sight room reads.
import { randomUUID } from 'node:crypto';
import { DeliveryRegistry, type DeliveryTarget } from '../../../relay/delivery/registry.js';
import type { Audience, DomainEvent, EventPayload, RelayNotice } from '../../../shared/kernel/events.js';
import { NO_FEATURES, type FeatureSet } from '../../../shared/kernel/extensions.js';
import { testLogger, type Msg } from '../../support/relay.js';

class Target implements DeliveryTarget {
  readonly id = randomUUID();
  readonly sessionId = randomUUID();
  readonly got: Msg[] = [];
  revoked = false;
  constructor(
    readonly userId: string,
    readonly features: FeatureSet = NO_FEATURES,
  ) {}
  sessionRevoked(): void {
    this.revoked = true;
  }
  deliver(json: Buffer): void {
    this.got.push(JSON.parse(json.toString('utf8')) as Msg);
  }
  types(): string[] {
    return this.got.map((m) => String(m.type));
  }
}

const ev = (
  audience: Audience,
  payload: EventPayload | RelayNotice,
  id: string = randomUUID(),
): DomainEvent => ({
  id,
  at: Date.now(),
  audience,
  payload,
});
/** docs/protocol/extensions.md §7.1 profile fields, unset. */
const NO_PROFILE = {
  display_name: null,
  status_message: null,
  avatar_url: null,
  timezone: null,
  locale: null,
};
const user = (id: string) => ({
  id,
  username: `n${id.slice(0, 4)}`,
  email: 'x@example.com',
  role: 'user' as const,
  created_at: '2025-01-01T00:00:00.000Z',
  updated_at: '2025-01-01T00:00:00.000Z',
  last_seen_at: null,
  ...NO_PROFILE,
});
const notice = (message: string): EventPayload => ({ type: 'server_notice', message, severity: 'info' });

describe('DeliveryRegistry', () => {
  const R = randomUUID();
  const [A, B, C] = [randomUUID(), randomUUID(), randomUUID()];
  let reg: DeliveryRegistry;
  let a: Target;
  let a2: Target;
  let b: Target;
  let c: Target;
  const memberships = new Map<string, string[]>();

  beforeEach(async () => {
    memberships.clear();
    memberships.set(A, [R]);
    memberships.set(B, [R]);
    memberships.set(C, []);
    reg = new DeliveryRegistry({ logger: testLogger() });
    [a, a2, b, c] = [new Target(A), new Target(A), new Target(B), new Target(C)];
    const load = (userId: string) => Promise.resolve(memberships.get(userId) ?? []);
    await Promise.all([reg.attach(a, load), reg.attach(a2, load), reg.attach(b, load), reg.attach(c, load)]);
  });

  it('room audience: members on every connection (actor included), plus alsoUserIds; not others', () => {
    reg.deliver([ev({ kind: 'room', roomId: R }, notice('room'))]);
    expect([a.types(), a2.types(), b.types(), c.types()]).toEqual([
      ['server_notice'],
      ['server_notice'],
      ['server_notice'],
      [],
    ]);
    reg.deliver([ev({ kind: 'room', roomId: R, alsoUserIds: [C] }, notice('also'))]);
    expect(c.types()).toEqual(['server_notice']);
  });

  it('users and all audiences; all honours exceptConnectionId', () => {
    reg.deliver([ev({ kind: 'users', userIds: [C, randomUUID()] }, notice('u'))]);
    expect([a.got.length, b.got.length, c.got.length]).toEqual([0, 0, 1]);
    reg.deliver([ev({ kind: 'all', exceptConnectionId: a2.id }, notice('all'))]);
    expect([a.got.length, a2.got.length, b.got.length, c.got.length]).toEqual([1, 0, 1, 2]);
  });

  it('drops duplicate event ids', () => {
    const e = ev({ kind: 'users', userIds: [A] }, notice('once'));
    reg.deliver([e, e]);
    reg.deliver([e]);
    expect(a.got).toHaveLength(1);
  });

  it('user_joined_room indexes the room before delivery; user_left_room delivers before removing', () => {
    const R2 = randomUUID();
    reg.deliver([
      ev(
        { kind: 'room', roomId: R2 },
        {
          type: 'user_joined_room',
          room_id: R2,
          user: user(C),
          membership: { room_id: R2, user_id: C, role: 'member', joined_at: 'x' },
        },
      ),
    ]);
    expect(c.types()).toEqual(['user_joined_room']);
    expect(reg.roomsOf(C).has(R2)).toBe(true);
    reg.deliver([
      ev(
        { kind: 'room', roomId: R2, alsoUserIds: [C] },
        { type: 'user_left_room', room_id: R2, user_id: C, reason: 'left' },
      ),
    ]);
    expect(c.types()).toEqual(['user_joined_room', 'user_left_room']);
    reg.deliver([ev({ kind: 'room', roomId: R2 }, notice('after'))]);
    expect(c.got).toHaveLength(2);
  });

  it('room_deleted is delivered, then the room is dropped from the index', () => {
    reg.deliver([
      ev(
        { kind: 'users', userIds: [A, B] },
        { type: 'room_deleted', room_id: R, room_name: 'r', deleted_by: A },
      ),
    ]);
    expect(b.types()).toEqual(['room_deleted']);
    expect(reg.roomsOf(A).has(R)).toBe(false);
    reg.deliver([ev({ kind: 'room', roomId: R }, notice('gone'))]);
    expect(b.got).toHaveLength(1);
  });

  it('detach stops delivery; the user is forgotten with its last connection', () => {
    reg.detach(a);
    reg.deliver([ev({ kind: 'room', roomId: R }, notice('x'))]);
    expect([a.got.length, a2.got.length]).toEqual([0, 1]);
    reg.detach(a2);
    expect(reg.roomsOf(A).size).toBe(0);
    expect(reg.connectionCount).toBe(2);
  });

  it('membership changes during the auth-time load are merged into the loaded rooms', async () => {
    const D = randomUUID();
    const [R3, R4] = [randomUUID(), randomUUID()];
    let release: (rooms: string[]) => void = () => undefined;
    const slow = new Promise<string[]>((resolve) => {
      release = resolve;
    });
    const d = new Target(D);
    const attached = reg.attach(d, () => slow);
    reg.deliver([
      ev(
        { kind: 'room', roomId: R3 },
        {
          type: 'user_joined_room',
          room_id: R3,
          user: user(D),
          membership: { room_id: R3, user_id: D, role: 'member', joined_at: 'x' },
        },
      ),
      ev(
        { kind: 'room', roomId: R4, alsoUserIds: [D] },
        { type: 'user_left_room', room_id: R4, user_id: D, reason: 'kicked' },
      ),
    ]);
    release([R, R4]); // stale read: still lists R4
    await attached;
    expect([...reg.roomsOf(D)].sort()).toEqual([R, R3].sort());
  });

  it('the first room-audience event of an unknown room reads its members once (creator without an event)', async () => {
    const reads: string[] = [];
    const R5 = randomUUID();
    const r2 = new DeliveryRegistry({
      logger: testLogger(),
      loadRoomMembers: (roomId) => {
        reads.push(roomId);
        return Promise.resolve(roomId === R5 ? [C] : []);
      },
    });
    const t = new Target(C);
    await r2.attach(t, () => Promise.resolve([]));
    r2.deliver([
      ev({ kind: 'room', roomId: R5 }, notice('first')),
      ev({ kind: 'users', userIds: [C] }, notice('second')),
    ]);
    r2.deliver([ev({ kind: 'room', roomId: R5 }, notice('third'))]);
    await r2.idle();
    expect(t.got.map((m) => m.message)).toEqual(['first', 'second', 'third']);
    expect(reads).toEqual([R5]);
  });

  it("session_revoked (relay notice) detaches exactly that session's connections and reaches no client", () => {
    reg.deliver([
      ev({ kind: 'users', userIds: [A] }, { type: 'session_revoked', user_id: A, session_id: a.sessionId }),
      ev({ kind: 'room', roomId: R }, notice('after')),
    ]);
    expect([a.revoked, a2.revoked, b.revoked]).toEqual([true, false, false]);
    expect([a.types(), a2.types(), b.types()]).toEqual([[], ['server_notice'], ['server_notice']]);
  });

  it("forgetMembership stops the room's events for that user only, unless the entry changed since the caller looked", () => {
    const stale = reg.indexStamp(A, R);
    reg.forgetMembership(B, R, (reg.indexStamp(B, R) ?? 0) + 1); // B re-joined meanwhile: kept
    reg.forgetMembership(A, R, stale);
    reg.deliver([ev({ kind: 'room', roomId: R }, notice('room'))]);
    expect([a.types(), a2.types(), b.types()]).toEqual([[], [], ['server_notice']]);
    expect(reg.roomsOf(A).has(R)).toBe(false);
    expect(reg.indexStamp(A, R)).toBeUndefined();
  });

  it('a session revoked while its connection was still authenticating is detached on attach', async () => {
    const late = new Target(C);
    reg.deliver([
      ev(
        { kind: 'users', userIds: [C] },
        { type: 'session_revoked', user_id: C, session_id: late.sessionId },
      ),
    ]);
    await reg.attach(late, () => Promise.resolve([]));
    reg.deliver([ev({ kind: 'users', userIds: [C] }, notice('to C'))]);
    expect([late.revoked, late.types(), c.types()]).toEqual([true, [], ['server_notice']]);
  });

  it('a connection that throws on revocation does not stop the others of that session', () => {
    const shared = randomUUID();
    const t1 = Object.assign(new Target(B), { sessionId: shared });
    const t2 = Object.assign(new Target(B), { sessionId: shared });
    t1.sessionRevoked = () => {
      throw new Error('boom');
    };
    return Promise.all([
      reg.attach(t1, () => Promise.resolve([])),
      reg.attach(t2, () => Promise.resolve([])),
    ]).then(() => {
      reg.deliver([
        ev({ kind: 'users', userIds: [B] }, { type: 'session_revoked', user_id: B, session_id: shared }),
      ]);
      reg.deliver([ev({ kind: 'users', userIds: [B] }, notice('after'))]);
      expect([t1.types(), t2.revoked, t2.types(), b.types()]).toEqual([[], true, [], ['server_notice']]);
    });
  });

  describe('reconcile (periodic re-verification against storage)', () => {
    /** A registry whose member reads stay pending until `answer(members)` resolves the latest one. */
    function withPendingReads(): { registry: DeliveryRegistry; answer: (members: string[]) => void } {
      let resolveLatest: ((members: string[]) => void) | undefined;
      const registry = new DeliveryRegistry({
        logger: testLogger(),
        loadRoomMembers: () =>
          new Promise<string[]>((resolve) => {
            resolveLatest = resolve;
          }),
      });
      return { registry, answer: (members) => resolveLatest?.(members) };
    }

    function withMembers(stored: Map<string, string[]>, onRead?: () => void): DeliveryRegistry {
      return new DeliveryRegistry({
        logger: testLogger(),
        loadRoomMembers: (roomId) => {
          onRead?.();
          const members = stored.get(roomId);
          return members === undefined ? Promise.reject(new Error('read failed')) : Promise.resolve(members);
        },
      });
    }

    it('drops local users storage no longer lists and adds connected members the index missed', async () => {
      const stored = new Map([[R, [B, C]]]);
      const r2 = withMembers(stored);
      const [ta, tb, tc] = [new Target(A), new Target(B), new Target(C)];
      await r2.attach(ta, () => Promise.resolve([R]));
      await r2.attach(tb, () => Promise.resolve([R]));
      await r2.attach(tc, () => Promise.resolve([]));
      expect(await r2.reconcile()).toEqual({ rooms: 1, removed: 1, added: 1 });
      r2.deliver([ev({ kind: 'room', roomId: R }, notice('after'))]);
      await r2.idle();
      expect([ta.types(), tb.types(), tc.types()]).toEqual([[], ['server_notice'], ['server_notice']]);
    });

    it('leaves a room alone when an event changed it during the read (the event is newer)', async () => {
      const { registry: r2, answer } = withPendingReads();
      const [ta, tb] = [new Target(A), new Target(B)];
      await r2.attach(ta, () => Promise.resolve([R]));
      await r2.attach(tb, () => Promise.resolve([]));
      r2.deliver([ev({ kind: 'room', roomId: R }, notice('first sight: R is read once'))]);
      answer([A]);
      await r2.idle();

      const pass = r2.reconcile(); // its read is now pending
      const membership = {
        room_id: R,
        user_id: B,
        role: 'member' as const,
        joined_at: '2025-01-01T00:00:00.000Z',
      };
      r2.deliver([
        ev({ kind: 'room', roomId: R }, { type: 'user_joined_room', room_id: R, user: user(B), membership }),
      ]);
      await r2.idle();
      answer([A]); // stale: taken before B joined
      expect(await pass).toEqual({ rooms: 1, removed: 0, added: 0 });
      expect(r2.roomsOf(B).has(R)).toBe(true);
    });

    it('does not re-add a room for a user removed (without a connection here) while the read was in flight', async () => {
      const { registry: r2, answer } = withPendingReads();
      const ta = new Target(A);
      await r2.attach(ta, () => Promise.resolve([R]));
      r2.deliver([ev({ kind: 'room', roomId: R }, notice('first sight: R is read once'))]);
      answer([A]);
      await r2.idle();
      const pass = r2.reconcile(); // reads R while B is still a stored member
      r2.deliver([
        ev({ kind: 'room', roomId: R }, { type: 'user_left_room', room_id: R, user_id: B, reason: 'kicked' }),
      ]);
      await r2.idle();
      const tb = new Target(B); // B connects; its own load correctly leaves R out
      await r2.attach(tb, () => Promise.resolve([]));
      answer([A, B]); // the stale answer
      await pass;
      expect(r2.roomsOf(B).has(R)).toBe(false);
    });

    it('stops between rooms when told to', async () => {
      let reads = 0;
      const r2 = new DeliveryRegistry({
        logger: testLogger(),
        loadRoomMembers: () => {
          reads += 1;
          return Promise.resolve([A]);
        },
      });
      await r2.attach(new Target(A), () => Promise.resolve([R, randomUUID(), randomUUID()]));
      expect(await r2.reconcile(() => reads < 1)).toEqual({ rooms: 1, removed: 0, added: 0 });
    });

    it('a failed read skips that room and never throws', async () => {
      const r2 = withMembers(new Map());
      const ta = new Target(A);
      await r2.attach(ta, () => Promise.resolve([R]));
      expect(await r2.reconcile()).toEqual({ rooms: 0, removed: 0, added: 0 });
      expect(r2.roomsOf(A).has(R)).toBe(true);
    });
  });
});
