// Integration: DynamoUserRepository on DynamoDB Local (uniqueness sentinels, lookups, lists).
import { randomUUID } from 'node:crypto';
import { isDomainError } from '../../../shared/kernel/errors.js';
import { createRepositories, type Repositories } from '../../../shared/features/index.js';
import { createTestTable, deleteTestTable, type TestTable } from '../../support/dynamo.js';
import { aUser as user } from './fixtures.js';

describe('DynamoUserRepository', () => {
  let table: TestTable;
  let repos: Repositories;

  beforeAll(async () => {
    table = await createTestTable();
    repos = createRepositories(table.doc, table.tableName);
  });
  afterAll(async () => {
    await deleteTestTable(table);
  });

  it('creates a user and reads it by id, username and email (case-insensitive)', async () => {
    const u = user({ username: 'Alice', email: 'alice@example.com' });
    await repos.users.create(u);

    expect(await repos.users.getById(u.id)).toEqual(u);
    expect(await repos.users.getByUsername('aLiCe')).toEqual(u);
    expect(await repos.users.getByEmail('ALICE@example.com')).toEqual(u);
    expect(await repos.users.getByUsername('nobody')).toBeNull();
    expect(await repos.users.getById(randomUUID())).toBeNull();
  });

  it('refuses a duplicate username case-insensitively, before checking the email', async () => {
    const first = user({ username: 'Bob' });
    await repos.users.create(first);

    await expect(repos.users.create(user({ username: 'bob', email: first.email }))).rejects.toMatchObject({
      name: 'ConflictError',
      code: 'username_taken',
    });
  });

  it('refuses a duplicate email', async () => {
    const first = user({ email: 'carol@example.com' });
    await repos.users.create(first);

    await expect(repos.users.create(user({ email: 'Carol@Example.com' }))).rejects.toMatchObject({
      code: 'email_taken',
    });
    // nothing of the refused user was written
    expect(await repos.users.count()).toBeGreaterThan(0);
  });

  it('lets exactly one of 20 parallel creates of the same username win', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => repos.users.create(user({ username: 'racer' }))),
    );

    const ok = results.filter((r) => r.status === 'fulfilled');
    const taken = results.filter((r) => r.status === 'rejected' && isDomainError(r.reason, 'username_taken'));
    expect(ok).toHaveLength(1);
    expect(taken).toHaveLength(19);
  });

  it('returns several users with getMany, skipping unknown ids', async () => {
    const a = user();
    const b = user();
    await repos.users.create(a);
    await repos.users.create(b);

    const found = await repos.users.getMany([a.id, b.id, randomUUID(), a.id]);

    expect([...found.keys()].sort()).toEqual([a.id, b.id].sort());
    expect(found.get(a.id)).toEqual(a);
  });

  it('swaps the email sentinel on updateEmail and refuses a taken email', async () => {
    const a = user({ email: 'dave@example.com' });
    const b = user({ email: 'erin@example.com' });
    await repos.users.create(a);
    await repos.users.create(b);

    const updated = await repos.users.updateEmail(a.id, 'dave2@example.com', '2025-02-01T00:00:00.000Z');

    expect(updated).toMatchObject({ email: 'dave2@example.com', updated_at: '2025-02-01T00:00:00.000Z' });
    expect((await repos.users.getByEmail('dave2@example.com'))?.id).toBe(a.id);
    expect(await repos.users.getByEmail('dave@example.com')).toBeNull();
    await expect(
      repos.users.updateEmail(a.id, 'erin@example.com', '2025-02-02T00:00:00.000Z'),
    ).rejects.toMatchObject({
      code: 'email_taken',
    });
    await expect(
      repos.users.updateEmail(randomUUID(), 'x@example.com', '2025-02-02T00:00:00.000Z'),
    ).rejects.toMatchObject({
      code: 'user_not_found',
    });
  });

  it('updates the password hash and refuses unknown users', async () => {
    const a = user();
    await repos.users.create(a);

    await repos.users.updatePasswordHash(a.id, 'new-hash', '2025-03-01T00:00:00.000Z');

    expect(await repos.users.getById(a.id)).toMatchObject({
      password_hash: 'new-hash',
      updated_at: '2025-03-01T00:00:00.000Z',
    });
    await expect(
      repos.users.updatePasswordHash(randomUUID(), 'h', '2025-03-01T00:00:00.000Z'),
    ).rejects.toMatchObject({
      code: 'user_not_found',
    });
  });
});

describe('DynamoUserRepository list and count', () => {
  let table: TestTable;
  let repos: Repositories;

  beforeAll(async () => {
    table = await createTestTable();
    repos = createRepositories(table.doc, table.tableName);
    for (const name of ['delta', 'Alpha', 'charlie', 'Bravo', 'echo'])
      await repos.users.create(user({ username: name }));
  });
  afterAll(async () => {
    await deleteTestTable(table);
  });

  it('lists users by lowercased username with offset and limit, without password hashes', async () => {
    const all = await repos.users.list(50, 0);
    const page = await repos.users.list(2, 1);

    expect(all.map((u) => u.username)).toEqual(['Alpha', 'Bravo', 'charlie', 'delta', 'echo']);
    expect(page.map((u) => u.username)).toEqual(['Bravo', 'charlie']);
    expect(all[0]).not.toHaveProperty('password_hash');
    expect(all[0]).not.toHaveProperty('PK');
    expect(await repos.users.list(10, 5)).toEqual([]);
  });

  it('counts users', async () => {
    expect(await repos.users.count()).toBe(5);
  });
});
