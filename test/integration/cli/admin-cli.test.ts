// `npm run admin -- grant <user> <role>` as a real child process against DynamoDB Local: via LAIR_DYNAMODB_ENDPOINT and via the endpoint file `npm start` writes (docs/protocol/extensions.md §9).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { composeServices } from '../../../shared/compose.js';
import { createTestTable, deleteTestTable, type TestTable } from '../../support/dynamo.js';
import { RecordingPublisher, TEST_JWT_SECRET, userInput } from '../../support/services.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');

/** Runs the CLI exactly as `npm run admin --` does (`tsx local/admin-cli.ts …`). */
async function admin(args: string[], env: Record<string, string | undefined>) {
  try {
    const { stdout, stderr } = await run(
      join(root, 'node_modules/.bin/tsx'),
      ['local/admin-cli.ts', ...args],
      {
        cwd: root,
        env: Object.fromEntries(
          Object.entries({
            ...process.env,
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
            ...env,
          }).filter(([, v]) => v !== undefined),
        ),
        timeout: 60_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('npm run admin -- grant', () => {
  let table: TestTable;
  let repos: ReturnType<typeof composeServices>['repos'];
  let username: string;
  let userId: string;
  let other: { id: string; username: string };
  beforeAll(async () => {
    table = await createTestTable();
    const composed = composeServices({
      doc: table.doc,
      tableName: table.tableName,
      jwtSecret: TEST_JWT_SECRET,
      events: new RecordingPublisher(),
    });
    repos = composed.repos;
    const reg = await composed.services.auth.register(userInput(), 'http');
    username = reg.user.username;
    userId = reg.user.id;
    other = (await composed.services.auth.register(userInput(), 'http')).user;
  });
  afterAll(async () => {
    await deleteTestTable(table);
  });

  const storedRole = async () => (await repos.users.getById(userId))?.role;

  it('with LAIR_DYNAMODB_ENDPOINT: grants the role in the stored user and says so', async () => {
    const out = await admin(['grant', username, 'admin'], {
      LAIR_DYNAMODB_ENDPOINT: table.endpoint,
      LAIR_TABLE_NAME: table.tableName,
    });
    expect(out).toMatchObject({ code: 0 });
    expect(out.stdout).toContain(`${username} is now admin`);
    expect(await storedRole()).toBe('admin');
  }, 90_000);

  it('with the endpoint file of a running `npm start` (LAIR_DATA_DIR/dynamodb-endpoint)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lair-admin-cli-'));
    try {
      writeFileSync(join(dir, 'dynamodb-endpoint'), `${table.endpoint}\n`);
      const out = await admin(['grant', other.username, 'moderator'], {
        LAIR_DATA_DIR: dir,
        LAIR_TABLE_NAME: table.tableName,
        LAIR_DYNAMODB_ENDPOINT: undefined, // found through the file only
      });
      expect(out).toMatchObject({ code: 0 });
      expect((await repos.users.getById(other.id))?.role).toBe('moderator');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('unknown user: exit 1 with user_not_found; bad usage: exit 2', async () => {
    const env = { LAIR_DYNAMODB_ENDPOINT: table.endpoint, LAIR_TABLE_NAME: table.tableName };
    const missing = await admin(['grant', 'nobody-here-xyz', 'admin'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('user_not_found');
    expect((await admin(['grant'], env)).code).toBe(2);
  }, 90_000);
});
