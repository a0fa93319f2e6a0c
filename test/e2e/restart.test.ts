// The embedded stack keeps data across a restart on the same data directory (issue: restart test).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../../local/main.js';

const SECRET = 'restart-test-secret-0123456789abcdef';

function env(dataDir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    LAIR_DATA_DIR: dataDir,
    LAIR_HTTP_PORT: '0',
    LAIR_TCP_PORT: '0',
    LAIR_JWT_SECRET: SECRET,
    LAIR_LOG_LEVEL: 'silent',
    LAIR_TABLE_NAME: 'lair-restart',
  };
}

async function api(stack: LocalStack, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`http://127.0.0.1:${stack.httpPort}/api/v1${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as any };
}

describe('npm start on a persistent data directory', () => {
  let dataDir: string;
  let stack: LocalStack | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'lair-restart-'));
  });
  afterAll(async () => {
    await stack?.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves everything written before a stop after the next start', async () => {
    // Arrange: first run writes a user, a room and a message.
    stack = await startLocalStack(env(dataDir));
    const reg = await api(stack, 'POST', '/auth/register', {
      username: 'persisted',
      email: 'persisted@example.com',
      password: 'correct horse',
    });
    expect(reg.status).toBe(201);
    const token = reg.json.token as string;
    const room = await api(stack, 'POST', '/rooms', { name: 'keepers' }, token);
    expect(room.status).toBe(201);
    const roomId = room.json.room.id as string;
    const sent = await api(
      stack,
      'POST',
      '/messages',
      { target: { type: 'room', room_id: roomId }, content: 'still here?' },
      token,
    );
    expect(sent.status).toBe(201);

    // Act: stop (DynamoDB Local child included) and start again on the same directory.
    await stack.shutdown();
    stack = await startLocalStack(env(dataDir));

    // Assert: login works, the room and the history are back, and the old token (same secret) too.
    const login = await api(stack, 'POST', '/auth/login', {
      identifier: 'PERSISTED',
      password: 'correct horse',
    });
    expect(login.status).toBe(200);
    const history = await api(
      stack,
      'GET',
      `/messages?target_type=room&target_id=${roomId}`,
      undefined,
      login.json.token,
    );
    expect(history.status).toBe(200);
    expect(history.json.messages.map((m: { content: string }) => m.content)).toEqual(['still here?']);
    const rooms = await api(stack, 'GET', '/rooms?joined_only=true', undefined, token);
    expect(rooms.json.rooms.map((r: { room: { name: string } }) => r.room.name)).toEqual(['keepers']);
  }, 120_000);
});
