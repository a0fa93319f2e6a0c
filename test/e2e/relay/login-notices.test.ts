// E2E docs/protocol/extensions.md §9 "active notices … on login": a user offline when `POST /api/v1/admin/notices` ran gets the live notices right after authenticating (TCP and WS, lair.moderation only, §0).
import {
  createRoom,
  makeAdmin,
  registerUser,
  startTestApi,
  type TestApi,
  type TestUser,
} from '../../support/http.js';
import {
  serveWebSocket,
  startTestRelay,
  TestTcpClient,
  TestWsClient,
  type Msg,
  type TestRelay,
} from '../../support/relay.js';

describe('active server notices pushed on login', () => {
  let api: TestApi;
  let relay: TestRelay;
  let admin: TestUser;
  let ws: Awaited<ReturnType<typeof serveWebSocket>>;
  let wsPort: number;
  const clients: (TestTcpClient | TestWsClient)[] = [];

  beforeAll(async () => {
    api = await startTestApi();
    // The relay shares the API's table: the API writes the notices, the relay reads them at login.
    relay = await startTestRelay({ table: api.table });
    ws = await serveWebSocket(relay);
    wsPort = ws.port;
    admin = await registerUser(api, 'adm');
    await makeAdmin(api.table.doc, api.table.tableName, admin.id);
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) {
      if (c instanceof TestTcpClient) c.destroy();
      else c.close();
    }
    await ws.close();
    await relay.close();
    await api.close();
  });

  async function tcp(token: string, extensions: string[]): Promise<TestTcpClient> {
    const c = await TestTcpClient.connect(relay.relay.port);
    clients.push(c);
    await c.login(token, false, extensions);
    return c;
  }

  async function notice(body: Record<string, unknown>): Promise<string> {
    const res = await api.request('POST', '/api/v1/admin/notices', { token: admin.token, body });
    expect(res.status).toBe(201);
    return res.json.notice.id as string;
  }

  const notices = (c: TestTcpClient | TestWsClient): Msg[] =>
    c.inbox.all.filter((m) => m.type === 'server_notice');

  it('sends everyone-notices and the notices of joined rooms, oldest first; not expired, deleted or other rooms; nothing to upstream clients', async () => {
    const tag = `${Date.now()}`;
    const owner = await registerUser(api, 'own');
    const joined = await createRoom(api, owner);
    const other = await createRoom(api, owner);
    const offline = await relay.register(); // offline while the notices are sent
    await relay.services.rooms.join(offline.user.id, joined);

    await notice({ message: `maintenance ${tag}`, severity: 'warning' });
    await notice({ message: `room ${tag}`, room_id: joined });
    await notice({ message: `elsewhere ${tag}`, room_id: other });
    const gone = await notice({ message: `deleted ${tag}` });
    expect(
      (await api.request('DELETE', `/api/v1/admin/notices/${gone}`, { token: admin.token })).status,
    ).toBe(200);
    await notice({ message: `short ${tag}`, expires_at: new Date(Date.now() + 1500).toISOString() });
    await new Promise((r) => setTimeout(r, 2500)); // the short one expires (and the relay's 2 s cache ages out)

    const upstream = await tcp(offline.token, []); // asks for no extension
    const modern = await tcp(offline.token, ['lair.moderation']);
    const ws = await TestWsClient.connect(wsPort, offline.token, 'lair.moderation');
    clients.push(ws);
    await ws.nextOf('authenticate_response');

    for (const c of [modern, ws]) {
      await c.nextOf('server_notice', 5000, (m) => m.message === `room ${tag}`);
      const mine = notices(c).filter((m) => String(m.message).endsWith(tag));
      expect(mine).toEqual([
        { type: 'server_notice', message: `maintenance ${tag}`, severity: 'warning' },
        { type: 'server_notice', message: `room ${tag}`, severity: 'info' },
      ]);
    }
    // The auth response comes first; the notices follow it.
    const first = modern.inbox.all.findIndex((m) => m.type === 'server_notice');
    expect(modern.inbox.all.findIndex((m) => m.type === 'authenticate_response')).toBeLessThan(first);
    expect(await upstream.expectNone((m) => m.type === 'server_notice', 300)).toBe(true);
  });
});
