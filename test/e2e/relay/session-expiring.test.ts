// `session_expiring {session_id, expires_at}` (docs/protocol/extensions.md §10): the relay tells a session's own connections before it expires; the one opt-in check lets it through (upstream declares the type), other sessions' connections get nothing.
import { connectUser, startTestRelay, type TestRelay } from '../../support/relay.js';

describe('session_expiring', () => {
  let near: TestRelay;
  let far: TestRelay;
  beforeAll(async () => {
    // A lead longer than any session: the warning is due at once after authentication.
    near = await startTestRelay({ sessionExpiringLeadMs: 365 * 24 * 3600_000 });
    far = await startTestRelay({ table: near.table });
  });
  afterAll(async () => {
    await far.close();
    await near.close();
  });

  it('arrives after authenticate_response with the session id and expiry', async () => {
    const { client, auth } = await connectUser(near);
    const event = await client.nextOf('session_expiring');
    expect(event).toEqual({
      type: 'session_expiring',
      session_id: auth.session.id,
      expires_at: auth.session.expires_at,
    });
    client.close();
  });

  it('is not sent while the expiry is further away than the lead (default 5 min)', async () => {
    const { client } = await connectUser(far);
    await client.request({ type: 'get_current_user' });
    expect(client.inbox.all.filter((m) => m.type === 'session_expiring')).toEqual([]);
    client.close();
  });
});
