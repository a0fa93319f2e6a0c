// Smoke: a relay starts, a client handshakes, authenticates and pings.
import { connectUser, startTestRelay, type TestRelay } from '../../support/relay.js';

describe('relay smoke', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay();
  });
  afterAll(async () => {
    await relay.close();
  });

  it('authenticates and answers ping', async () => {
    const { client } = await connectUser(relay, { encrypt: true });
    client.send({ type: 'ping' });
    const pong = await client.nextOf('pong');
    expect(typeof pong.server_time).toBe('string');
    client.destroy();
  });
});
