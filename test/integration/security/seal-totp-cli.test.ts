// `npm run admin -- seal-totp` (docs/adr/021): seals the plaintext TOTP secrets of a table once; a second run finds none.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { runAdminCli } from '../../../local/admin-cli.js';
import { isSealed } from '../../../shared/features/auth/index.js';
import { createTestTable, deleteTestTable, type TestTable } from '../../support/dynamo.js';
import { TEST_TOTP_KEY } from '../../support/services.js';

let table: TestTable;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(() => deleteTestTable(table));

it('seal-totp seals plaintext secrets and is idempotent', async () => {
  const Key = { PK: 'USER#00000000-0000-4000-8000-000000000001', SK: 'TOTP' };
  await table.doc.send(
    new PutCommand({
      TableName: table.tableName,
      Item: { ...Key, entity: 'totp', secret: 'JBSWY3DPEHPK3PXP', enabled: true },
    }),
  );
  const env = {
    LAIR_DYNAMODB_ENDPOINT: table.endpoint,
    LAIR_TABLE_NAME: table.tableName,
    LAIR_TOTP_SECRET_KEY: TEST_TOTP_KEY,
  };
  const out: string[] = [];
  const err: string[] = [];
  expect(
    await runAdminCli(
      ['seal-totp'],
      env,
      (l) => out.push(l),
      (l) => err.push(l),
    ),
  ).toBe(0);
  expect(
    await runAdminCli(
      ['seal-totp'],
      env,
      (l) => out.push(l),
      (l) => err.push(l),
    ),
  ).toBe(0);
  expect(out).toEqual(['sealed 1 plaintext TOTP secret(s)', 'sealed 0 plaintext TOTP secret(s)']);
  expect(err).toEqual([]);
  const item = (await table.doc.send(new GetCommand({ TableName: table.tableName, Key }))).Item;
  expect(isSealed(item?.secret as string)).toBe(true);
  expect(
    await runAdminCli(
      ['seal-totp', 'extra'],
      env,
      () => undefined,
      (l) => err.push(l),
    ),
  ).toBe(2);
});
