// Integration: DynamoRoomRepository on DynamoDB Local (name sentinels, versioned updates, lists, cascade delete).
import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { VersionConflictError } from '../../../shared/kernel/errors.js';
import { createRepositories, keys, type Repositories } from '../../../shared/features/index.js';
import { partitions } from '../../../shared/features/index.js';
import { createTestTable, deleteTestTable, type TestTable } from '../../support/dynamo.js';
import { aMembership, aRoom, anInvitation, ownerOf } from './fixtures.js';

describe('DynamoRoomRepository', () => {
  let table: TestTable;
  let repos: Repositories;

  const rawGet = async (key: { PK: string; SK: string }) =>
    (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true })))
      .Item;

  beforeAll(async () => {
    table = await createTestTable();
    repos = createRepositories(table.doc, table.tableName);
  });
  afterAll(async () => {
    await deleteTestTable(table);
  });

  it('creates META, name sentinel and the owner membership with counters at 1', async () => {
    const room = aRoom({ name: 'General' }, { description: 'Talk here' });

    const record = await repos.rooms.create(room, ownerOf(room));

    expect(record).toEqual({ ...room, member_count: 1, owner_count: 1, slow_mode_seconds: 0, version: 1 });
    expect(await repos.rooms.get(room.id)).toEqual(record);
    expect(await repos.memberships.get(room.id, room.owner)).toEqual(ownerOf(room));
    expect(await rawGet(keys.roomNameSentinel('general'))).toMatchObject({ room_id: room.id });
  });

  it('refuses a taken name case-insensitively and writes nothing', async () => {
    const lobby = aRoom({ name: 'Lobby' });
    await repos.rooms.create(lobby, ownerOf(lobby));
    const clash = aRoom({ name: 'LOBBY' });

    await expect(repos.rooms.create(clash, ownerOf(clash))).rejects.toMatchObject({
      name: 'ConflictError',
      code: 'room_name_taken',
    });
    expect(await repos.rooms.get(clash.id)).toBeNull();
    expect(await repos.memberships.get(clash.id, clash.owner)).toBeNull();
  });

  it('renames with a sentinel swap, bumps the version and moves GSI1 when privacy changes', async () => {
    const room = aRoom({ name: 'old-name' });
    await repos.rooms.create(room, ownerOf(room));

    const updated = await repos.rooms.update(
      room.id,
      { name: 'New-Name', is_private: true, max_members: 5 },
      1,
    );

    expect(updated).toMatchObject({ name: 'New-Name', version: 2, member_count: 1 });
    expect(updated.settings).toEqual({
      description: null,
      is_private: true,
      max_members: 5,
      retention_days: null,
    });
    expect(await rawGet(keys.roomNameSentinel('old-name'))).toBeUndefined();
    expect(await rawGet(keys.roomNameSentinel('new-name'))).toMatchObject({ room_id: room.id });
    expect(await rawGet(keys.room(room.id))).toMatchObject({
      GSI1PK: partitions.privateRooms,
      GSI1SK: 'new-name',
    });
    // the old name is free again
    const reuse = aRoom({ name: 'Old-Name' });
    await expect(repos.rooms.create(reuse, ownerOf(reuse))).resolves.toMatchObject({ name: 'Old-Name' });
  });

  it('keeps the sentinel on a case-only rename and refuses renaming onto a taken name', async () => {
    const a = aRoom({ name: 'alpha-room' });
    const b = aRoom({ name: 'beta-room' });
    await repos.rooms.create(a, ownerOf(a));
    await repos.rooms.create(b, ownerOf(b));

    await expect(repos.rooms.update(a.id, { name: 'ALPHA-room' }, 1)).resolves.toMatchObject({
      name: 'ALPHA-room',
      version: 2,
    });
    expect(await rawGet(keys.roomNameSentinel('alpha-room'))).toMatchObject({ room_id: a.id });
    await expect(repos.rooms.update(a.id, { name: 'Beta-Room' }, 2)).rejects.toMatchObject({
      code: 'room_name_taken',
    });
    expect((await repos.rooms.get(a.id))?.version).toBe(2);
  });

  it('throws VersionConflictError on a stale version and room_not_found for unknown rooms', async () => {
    const room = aRoom();
    await repos.rooms.create(room, ownerOf(room));
    await repos.rooms.update(room.id, { description: 'v2' }, 1);

    await expect(repos.rooms.update(room.id, { description: 'stale' }, 1)).rejects.toBeInstanceOf(
      VersionConflictError,
    );
    await expect(repos.rooms.update(randomUUID(), { description: 'x' }, 1)).rejects.toMatchObject({
      code: 'room_not_found',
    });
    expect((await repos.rooms.get(room.id))?.settings.description).toBe('v2');
  });

  it('lets only one of two racing updates with the same version win', async () => {
    const room = aRoom();
    await repos.rooms.create(room, ownerOf(room));

    const results = await Promise.allSettled([
      repos.rooms.update(room.id, { description: 'a' }, 1),
      repos.rooms.update(room.id, { description: 'b' }, 1),
    ]);

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 'rejected' && r.reason instanceof VersionConflictError),
    ).toHaveLength(1);
  });

  it('reads several rooms with getMany', async () => {
    const a = aRoom();
    const b = aRoom();
    await repos.rooms.create(a, ownerOf(a));
    await repos.rooms.create(b, ownerOf(b));

    const found = await repos.rooms.getMany([a.id, b.id, randomUUID()]);

    expect([...found.keys()].sort()).toEqual([a.id, b.id].sort());
  });

  it('deletes META, sentinel, memberships and invitations of the room (more than one batch)', async () => {
    const room = aRoom({ name: 'doomed' });
    const record = await repos.rooms.create(room, ownerOf(room));
    for (let i = 0; i < 30; i++) await repos.memberships.add(aMembership(room));
    await repos.invitations.create(anInvitation({ room_id: room.id, room_name: room.name }));
    const invitee = randomUUID();
    await repos.invitations.create(anInvitation({ room_id: room.id, invitee_id: invitee }));

    await repos.rooms.delete({ ...record, member_count: 31 });

    expect(await repos.rooms.get(room.id)).toBeNull();
    expect(await rawGet(keys.roomNameSentinel('doomed'))).toBeUndefined();
    const rest = await table.doc.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': partitions.room(room.id) },
        ConsistentRead: true,
      }),
    );
    expect(rest.Items).toEqual([]);
    expect(await repos.memberships.listByUser(room.owner)).toEqual([]);
    // the pending slots go with the partition; the records stay as history and the stream consumer
    // marks them cancelled (room_deleted), see test/integration/services/invitation-stream-consumer.test.ts
    expect(await repos.invitations.getPending(room.id, invitee)).toBeNull();
  });
});

describe('DynamoRoomRepository lists', () => {
  let table: TestTable;
  let repos: Repositories;

  beforeAll(async () => {
    table = await createTestTable();
    repos = createRepositories(table.doc, table.tableName);
    for (const [name, isPrivate] of [
      ['delta', false],
      ['Alpha', false],
      ['secret', true],
      ['charlie', false],
      ['Bravo', false],
    ] as const) {
      const room = aRoom({ name }, { is_private: isPrivate });
      await repos.rooms.create(room, ownerOf(room));
    }
  });
  afterAll(async () => {
    await deleteTestTable(table);
  });

  it('lists public rooms by lowercased name with offset and limit', async () => {
    expect((await repos.rooms.listPublic(50, 0)).map((r) => r.name)).toEqual([
      'Alpha',
      'Bravo',
      'charlie',
      'delta',
    ]);
    expect((await repos.rooms.listPublic(2, 1)).map((r) => r.name)).toEqual(['Bravo', 'charlie']);
    expect(await repos.rooms.listPublic(5, 4)).toEqual([]);
  });

  it('counts public and private rooms', async () => {
    expect(await repos.rooms.count()).toBe(5);
  });
});
