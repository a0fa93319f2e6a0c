// AuthLease: when send_message may skip the session and membership reads (docs/adr/005), on fake clocks.
import { AuthLease, type LeaseClock } from '../../../relay/connection/auth-lease.js';
import { DomainError } from '../../../shared/kernel/errors.js';

describe('AuthLease', () => {
  let mono: number;
  let wall: number;
  let rechecks: number;
  const clock: LeaseClock = { monotonic: () => mono, wall: () => wall };
  const recheck = () => {
    rechecks++;
    return Promise.resolve();
  };
  const DAY = 86_400_000;
  /** Advances both clocks by `ms`. */
  const tick = (ms: number) => {
    mono += ms;
    wall += ms;
  };

  beforeEach(() => {
    mono = 5_000;
    wall = 1_700_000_000_000;
    rechecks = 0;
  });

  it('trusts the session for leaseMs from the moment its read started, then re-checks once and renews', async () => {
    const lease = new AuthLease(30_000, wall + DAY, mono - 100, clock); // the auth read began 100 ms ago
    tick(29_899);
    await lease.requireSession(recheck);
    expect(rechecks).toBe(0);
    tick(1);
    await lease.requireSession(recheck);
    await lease.requireSession(recheck);
    expect(rechecks).toBe(1);
  });

  it('a wall-clock step does not stretch the lease (ages use the monotonic clock)', async () => {
    const lease = new AuthLease(30_000, wall + DAY, undefined, clock);
    wall -= 3_600_000; // NTP steps back an hour
    mono += 30_000;
    await lease.requireSession(recheck);
    expect(rechecks).toBe(1);
  });

  it('re-checks storage on every call once the session is past expires_at (so storage answers session_expired)', async () => {
    const lease = new AuthLease(30_000, wall + 10, undefined, clock);
    tick(10);
    await lease.requireSession(recheck);
    await lease.requireSession(recheck);
    expect(rechecks).toBe(2);
  });

  it('a failed re-check does not renew the lease', async () => {
    const lease = new AuthLease(1_000, wall + DAY, undefined, clock);
    tick(1_000);
    const fail = () => Promise.reject(new DomainError('session_not_found'));
    await expect(lease.requireSession(fail)).rejects.toMatchObject({ code: 'session_not_found' });
    await lease.requireSession(recheck);
    expect(rechecks).toBe(1);
  });

  it('after revoke every check fails with session_not_found without reading, and memberships are forgotten', async () => {
    const lease = new AuthLease(30_000, wall + DAY, undefined, clock);
    lease.confirmMember('r', lease.now(), 7);
    lease.revoke();
    await expect(lease.requireSession(recheck)).rejects.toMatchObject({ code: 'session_not_found' });
    expect(rechecks).toBe(0);
    expect(lease.isMember('r', 7)).toBe(false);
  });

  it('membership is leased only under the index stamp it was confirmed with, within leaseMs', () => {
    const lease = new AuthLease(30_000, wall + DAY, undefined, clock);
    expect(lease.isMember('r', 7)).toBe(false);
    lease.confirmMember('r', lease.now(), 7);
    expect(lease.isMember('r', 7)).toBe(true);
    expect(lease.isMember('r', 9)).toBe(false); // removed and re-indexed since: gone for good
    expect(lease.isMember('r', 7)).toBe(false);
    lease.confirmMember('s', lease.now(), 3);
    expect(lease.isMember('s', undefined)).toBe(false); // no longer indexed
    lease.confirmMember('t', lease.now(), 4);
    tick(30_000);
    expect(lease.isMember('t', 4)).toBe(false);
  });

  it('a confirmation while the room was not indexed is never leased', () => {
    const lease = new AuthLease(30_000, wall + DAY, undefined, clock);
    lease.confirmMember('r', lease.now(), undefined);
    expect(lease.isMember('r', undefined)).toBe(false);
  });

  it('leaseMs 0 disables both leases (every send reads storage, upstream behaviour)', async () => {
    const lease = new AuthLease(0, wall + DAY, undefined, clock);
    await lease.requireSession(recheck);
    await lease.requireSession(recheck);
    lease.confirmMember('r', lease.now(), 1);
    expect([rechecks, lease.isMember('r', 1)]).toEqual([2, false]);
  });

  it('remembers at most 256 rooms, forgetting the oldest confirmation', () => {
    const lease = new AuthLease(30_000, wall + DAY, undefined, clock);
    for (let i = 0; i <= 256; i++) lease.confirmMember(`r${i}`, lease.now(), i + 1);
    expect(lease.isMember('r0', 1)).toBe(false);
    expect(lease.isMember('r1', 2)).toBe(true);
    expect(lease.isMember('r256', 257)).toBe(true);
  });
});
