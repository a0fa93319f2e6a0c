// RelayEventPublisher -> signed HTTP post -> internal event endpoint, over real HTTP and a real relay registry table.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startInternalServer, type InternalServer } from '../../../relay/delivery/internal-server.js';
import { internalBaseUrl } from '../../../relay/delivery/registration.js';
import { RelayEventPublisher } from '../../../shared/delivery/relay-publisher.js';
import { INTERNAL_EVENTS_PATH, SIGNATURE_HEADER, signBody } from '../../../shared/delivery/signature.js';
import type { DomainEvent } from '../../../shared/kernel/events.js';
import { testLogger } from '../../support/relay.js';
import { createTestServices, type TestServices } from '../../support/services.js';

const SECRET = 'internal-secret';
const event = (): DomainEvent => ({
  id: randomUUID(),
  at: Date.now(),
  audience: { kind: 'all' },
  payload: { type: 'server_notice', message: 'hi', severity: 'info' },
});

describe('internal event delivery', () => {
  let ts: TestServices;
  let server: InternalServer;
  let endpoint: string;
  const received: DomainEvent[] = [];

  beforeAll(async () => {
    ts = await createTestServices();
    server = await startInternalServer({
      host: '127.0.0.1',
      port: 0,
      secret: SECRET,
      logger: testLogger(),
      deliver: (events) => received.push(...events),
    });
    endpoint = `http://127.0.0.1:${server.port}`;
    await ts.repos.presence.registerRelay({ relayId: 'other', endpoint }, 60);
  });
  afterAll(async () => {
    await server.close();
    await ts.close();
  });
  beforeEach(() => {
    received.length = 0;
  });

  async function post(
    body: string,
    signature?: string,
    method = 'POST',
    path = INTERNAL_EVENTS_PATH,
  ): Promise<number> {
    const res = await fetch(`${endpoint}${path}`, {
      method,
      headers: signature === undefined ? {} : { [SIGNATURE_HEADER]: signature },
      ...(method === 'POST' ? { body } : {}),
    });
    return res.status;
  }

  it('delivers locally first and posts to every other live relay, never to itself', async () => {
    await ts.repos.presence.registerRelay({ relayId: 'self', endpoint: 'http://127.0.0.1:9' }, 60);
    const local: DomainEvent[][] = [];
    const publisher = new RelayEventPublisher({
      presence: ts.repos.presence,
      secret: SECRET,
      logger: testLogger(),
      selfRelayId: 'self',
      localDeliver: (events) => local.push(events),
    });
    const [e1, e2] = [event(), event()];
    await publisher.publish(e1, e2);
    expect(local).toEqual([[e1, e2]]);
    expect(received).toEqual([e1, e2]);
    await ts.repos.presence.deregisterRelay('self');
  });

  it('a Lambda-style publisher (no selfRelayId) posts to all relays; dead ones are logged, not thrown', async () => {
    await ts.repos.presence.registerRelay({ relayId: 'dead', endpoint: 'http://127.0.0.1:9' }, 60);
    const publisher = new RelayEventPublisher({
      presence: ts.repos.presence,
      secret: SECRET,
      logger: testLogger(),
      timeoutMs: 500,
    });
    const e = event();
    await expect(publisher.publish(e)).resolves.toBeUndefined();
    expect(received).toEqual([e]);
    await ts.repos.presence.deregisterRelay('dead');
  });

  it('relay notices travel in "notices", so a relay that only knows "events" never sees them; a current relay delivers both', async () => {
    const bodies: string[] = [];
    const old = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(body);
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => old.listen(0, '127.0.0.1', resolve));
    const oldEndpoint = `http://127.0.0.1:${(old.address() as AddressInfo).port}`;
    await ts.repos.presence.registerRelay({ relayId: 'old-version', endpoint: oldEndpoint }, 60);
    const publisher = new RelayEventPublisher({
      presence: ts.repos.presence,
      secret: SECRET,
      logger: testLogger(),
      relayCacheMs: 0,
    });
    const e = event();
    const notice: DomainEvent = {
      id: randomUUID(),
      at: Date.now(),
      audience: { kind: 'users', userIds: [randomUUID()] },
      payload: { type: 'session_revoked', user_id: randomUUID(), session_id: randomUUID() },
    };
    await publisher.publish(e, notice);
    await ts.repos.presence.deregisterRelay('old-version');
    old.close();
    const posted = JSON.parse(bodies[0] ?? '{}') as { events: DomainEvent[]; notices: DomainEvent[] };
    expect(posted.events).toEqual([e]);
    expect(posted.notices).toEqual([notice]);
    expect(received).toEqual([e, notice]);
  });

  it('retries a relay-notice post that failed (5xx, then a hang past the timeout) a bounded number of times; event posts once', async () => {
    let posts = 0;
    const flaky = createServer((req, res) => {
      posts += 1;
      req.resume();
      req.on('end', () => {
        if (posts === 1) {
          res.statusCode = 503;
          res.end();
        } else if (posts === 2) {
          res.statusCode = 204;
          res.end();
        } // later posts hang: the publisher's timeout ends them
      });
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const flakyEndpoint = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`;
    await ts.repos.presence.deregisterRelay('other');
    await ts.repos.presence.registerRelay({ relayId: 'flaky', endpoint: flakyEndpoint }, 60);
    try {
      const publisher = new RelayEventPublisher({
        presence: ts.repos.presence,
        secret: SECRET,
        logger: testLogger(),
        relayCacheMs: 0,
        timeoutMs: 300,
        attempts: 3,
        retryDelayMs: 10,
      });
      const notice = (): DomainEvent => ({
        id: randomUUID(),
        at: Date.now(),
        audience: { kind: 'users', userIds: [randomUUID()] },
        payload: { type: 'account_banned', user_id: randomUUID(), message: 'Account banned' },
      });
      await publisher.publish(notice());
      expect(posts).toBe(2); // 503, then delivered
      await publisher.publish(notice());
      expect(posts).toBe(5); // three attempts, every one timed out; publish still resolved
      await new Promise((r) => setTimeout(r, 2100)); // past the failure backoff
      await publisher.publish(event());
      expect(posts).toBe(6); // a plain event post is tried once
    } finally {
      await ts.repos.presence.deregisterRelay('flaky');
      await ts.repos.presence.registerRelay({ relayId: 'other', endpoint }, 60);
      flaky.closeAllConnections();
      flaky.close();
    }
  });

  it('caches the relay list for relayCacheMs', async () => {
    const publisher = new RelayEventPublisher({
      presence: ts.repos.presence,
      secret: SECRET,
      logger: testLogger(),
      relayCacheMs: 60_000,
    });
    await ts.repos.presence.deregisterRelay('other');
    try {
      await publisher.publish(event()); // first lookup: 'other' gone, nothing posted
      await ts.repos.presence.registerRelay({ relayId: 'other', endpoint }, 60);
      await publisher.publish(event()); // cached empty list
      expect(received).toHaveLength(0);
      publisher.invalidate();
      await publisher.publish(event());
      expect(received).toHaveLength(1);
    } finally {
      await ts.repos.presence.registerRelay({ relayId: 'other', endpoint }, 60);
    }
  });

  it('rejects bad signatures (403), malformed bodies (400), other methods (405) and paths (404)', async () => {
    const body = JSON.stringify({ events: [event()] });
    expect(await post(body)).toBe(403);
    expect(await post(body, 'f'.repeat(64))).toBe(403);
    expect(await post(body, signBody('wrong', body))).toBe(403);
    expect(await post('{', signBody(SECRET, '{'))).toBe(400);
    const wrong = JSON.stringify({ events: [{ id: 'x' }] });
    expect(await post(wrong, signBody(SECRET, wrong))).toBe(400);
    expect(await post('', undefined, 'GET')).toBe(405);
    expect(await post(body, signBody(SECRET, body), 'POST', '/elsewhere')).toBe(404);
    expect(received).toHaveLength(0);
    expect(await post(body, signBody(SECRET, body))).toBe(204);
    expect(received).toHaveLength(1);
  });

  it('advertises the bind address, a routable address for wildcard binds, or the configured URL', () => {
    expect(internalBaseUrl('127.0.0.1', 4000)).toBe('http://127.0.0.1:4000');
    expect(internalBaseUrl('0.0.0.0', 4000)).toMatch(/^http:\/\/\d+\.\d+\.\d+\.\d+:4000$/);
    expect(internalBaseUrl('0.0.0.0', 4000, 'http://10.1.2.3:9000/')).toBe('http://10.1.2.3:9000');
    expect(internalBaseUrl('::1', 4000)).toBe('http://[::1]:4000');
  });
});
