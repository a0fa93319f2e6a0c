// TOTP secrets at rest (docs/adr/021) on DynamoDB Local: the stored item never holds the secret, legacy plaintext items are sealed on read and by the migration, a sealed value is bound to its item.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Secret, TOTP } from 'otpauth';
import { createRepositories } from '../../../shared/features/index.js';
import { isSealed } from '../../../shared/features/auth/index.js';
import { createTestServices, TEST_TOTP_KEY, userInput, type TestServices } from '../../support/services.js';

let t: TestServices;
beforeAll(async () => {
  t = await createTestServices();
});
afterAll(() => t.close());

const code = (secret: string, ms: number): string =>
  TOTP.generate({
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    timestamp: ms,
  });

async function rawItem(userId: string): Promise<Record<string, unknown>> {
  const out = await t.doc.send(
    new GetCommand({
      TableName: t.tableName,
      Key: { PK: `USER#${userId}`, SK: 'TOTP' },
      ConsistentRead: true,
    }),
  );
  return out.Item ?? {};
}

async function newUser(): Promise<string> {
  return (await t.services.auth.register(userInput(), 'http')).user.id;
}

describe('TOTP secrets at rest', () => {
  it('stores the pending and the enabled secret sealed; the item never contains the secret', async () => {
    const id = await newUser();
    const { secret } = await t.services.twoFactor.setup(id);
    const pending = await rawItem(id);
    expect(JSON.stringify(pending)).not.toContain(secret);
    expect(isSealed(pending.pending_secret as string)).toBe(true);

    await t.services.twoFactor.enable(id, code(secret, Date.now() - 30_000));
    const enabled = await rawItem(id);
    expect(JSON.stringify(enabled)).not.toContain(secret);
    expect(enabled.pending_secret).toBeUndefined();
    expect(isSealed(enabled.secret as string)).toBe(true);
    // …and it still works as a second factor.
    await expect(t.services.twoFactor.verifyLogin(id, { totp_code: code(secret, Date.now()) })).resolves.toBe(
      'ok',
    );
  });

  it('a legacy plaintext secret keeps working and is sealed by the first read', async () => {
    const id = await newUser();
    const secret = new Secret({ size: 20 }).base32;
    await t.doc.send(
      new PutCommand({
        TableName: t.tableName,
        Item: {
          PK: `USER#${id}`,
          SK: 'TOTP',
          entity: 'totp',
          secret,
          enabled: true,
          last_step: 0,
          recovery: new Set(['x']),
        },
      }),
    );
    await expect(t.services.twoFactor.verifyLogin(id, { totp_code: code(secret, Date.now()) })).resolves.toBe(
      'ok',
    );
    const after = await rawItem(id);
    expect(JSON.stringify(after)).not.toContain(secret);
    expect(isSealed(after.secret as string)).toBe(true);
  });

  it('the migration seals every plaintext secret once (idempotent)', async () => {
    const ids = [await newUser(), await newUser()];
    const secrets = ids.map(() => new Secret({ size: 20 }).base32);
    await t.doc.send(
      new PutCommand({
        TableName: t.tableName,
        Item: { PK: `USER#${ids[0]}`, SK: 'TOTP', entity: 'totp', pending_secret: secrets[0] },
      }),
    );
    await t.doc.send(
      new PutCommand({
        TableName: t.tableName,
        Item: {
          PK: `USER#${ids[1]}`,
          SK: 'TOTP',
          entity: 'totp',
          secret: secrets[1],
          enabled: true,
          last_step: 0,
        },
      }),
    );
    expect(await t.repos.totp.sealPlaintext()).toBe(2);
    expect(await t.repos.totp.sealPlaintext()).toBe(0);
    for (const [i, id] of ids.entries()) {
      expect(JSON.stringify(await rawItem(id))).not.toContain(secrets[i] as string);
    }
    // The migrated pending secret still enables.
    await expect(
      t.services.twoFactor.enable(ids[0] as string, code(secrets[0] as string, Date.now())),
    ).resolves.toHaveProperty('recovery_codes');
  });

  it('a sealed secret copied to another user, or read with another key, does not open', async () => {
    const [a, b] = [await newUser(), await newUser()];
    await t.services.twoFactor.setup(a);
    const sealed = (await rawItem(a)).pending_secret;
    await t.doc.send(
      new PutCommand({
        TableName: t.tableName,
        Item: { PK: `USER#${b}`, SK: 'TOTP', entity: 'totp', pending_secret: sealed },
      }),
    );
    await expect(t.repos.totp.get(b)).rejects.toThrow();
    const otherKey = createRepositories(t.doc, t.tableName, { totpKey: `${TEST_TOTP_KEY}-other` });
    await expect(otherKey.totp.get(a)).rejects.toThrow(/another key/);
  });
});
