// AuthLease: when send_message may skip the session and membership reads (docs/adr/005), on a fake clock.
import { AuthLease } from '../../../relay/connection/auth-lease.js';
import { DomainError } from '../../../shared/domain/errors.js';

describe('AuthLease', () => {
  let now: number;
  let rechecks: number;
  const clock = () => now;
  const recheck = () => {
    rechecks++;
    return Promise.resolve();
  };

  beforeEach(() => {
    now = 1_000_000;
    rechecks = 0;
  });

  it('trusts the session for leaseMs after authentication, then re-checks once and renews', async () => {
    const lease = new AuthLease(30_000, now + 86_400_000, clock);
    await lease.requireSession(recheck);
    now += 29_999;
    await lease.requireSession(recheck);
    expect(rechecks).toBe(0);
    now += 1;
    await lease.requireSession(recheck);
    await lease.requireSession(recheck);
    expect(rechecks).toBe(1);
  });

  it('re-checks storage on every call once the session is past expires_at (so storage answers session_expired)', async () => {
    const lease = new AuthLease(30_000, now + 10, clock);
    now += 10;
    await lease.requireSession(recheck);
    await lease.requireSession(recheck);
    expect(rechecks).toBe(2);
  });

  it('a failed re-check does not renew the lease', async () => {
    const lease = new AuthLease(1_000, now + 86_400_000, clock);
    now += 1_000;
    const fail = () => Promise.reject(new DomainError('session_not_found'));
    await expect(lease.requireSession(fail)).rejects.toMatchObject({ code: 'session_not_found' });
    await lease.requireSession(recheck);
    expect(rechecks).toBe(1);
  });

  it('after revoke every check fails with session_not_found without reading, and memberships are forgotten', async () => {
    const lease = new AuthLease(30_000, now + 86_400_000, clock);
    lease.confirmMember('r', now);
    lease.revoke();
    await expect(lease.requireSession(recheck)).rejects.toMatchObject({ code: 'session_not_found' });
    expect(rechecks).toBe(0);
    expect(lease.isMember('r', true)).toBe(false);
  });

  it('membership: leased only after a confirmation, only while indexed, only within leaseMs', () => {
    const lease = new AuthLease(30_000, now + 86_400_000, clock);
    expect(lease.isMember('r', true)).toBe(false);
    lease.confirmMember('r', now);
    expect(lease.isMember('r', true)).toBe(true);
    expect(lease.isMember('r', false)).toBe(false); // left the room index: gone for good
    expect(lease.isMember('r', true)).toBe(false);
    lease.confirmMember('s', now);
    now += 30_000;
    expect(lease.isMember('s', true)).toBe(false);
  });

  it('leaseMs 0 disables both leases (every send reads storage, upstream behaviour)', async () => {
    const lease = new AuthLease(0, now + 86_400_000, clock);
    await lease.requireSession(recheck);
    await lease.requireSession(recheck);
    lease.confirmMember('r', now);
    expect([rechecks, lease.isMember('r', true)]).toEqual([2, false]);
  });

  it('remembers at most 256 rooms, forgetting the oldest confirmation', () => {
    const lease = new AuthLease(30_000, now + 86_400_000, clock);
    for (let i = 0; i <= 256; i++) lease.confirmMember(`r${i}`, now);
    expect(lease.isMember('r0', true)).toBe(false);
    expect(lease.isMember('r1', true)).toBe(true);
    expect(lease.isMember('r256', true)).toBe(true);
  });
});
