// Integration: the moderation stream consumer counts usage once per change (idempotent) and applies admin.bootstrap_usernames on registration.
import { composeServices } from '../../../shared/compose.js';
import { moderationConsumer } from '../../../lambdas/streams/moderation.js';
import type { StreamChange } from '../../../lambdas/streams/consumer.js';
import { createTestTable, deleteTestTable, type TestTable } from '../../support/dynamo.js';
import { testLogger } from '../../support/relay.js';
import { userInput } from '../../support/services.js';

describe('moderation stream consumer', () => {
  let table: TestTable;
  let composition: ReturnType<typeof composeServices>;
  beforeAll(async () => {
    table = await createTestTable();
    composition = composeServices({
      doc: table.doc,
      tableName: table.tableName,
      jwtSecret: 'streams-test',
      events: { publish: () => Promise.resolve() },
      bootstrapAdmins: ['BootAdmin'],
    });
  });
  afterAll(async () => {
    await deleteTestTable(table);
  });

  const ctx = () => {
    const counts: Record<string, number> = {};
    return {
      counts,
      logger: testLogger(),
      deps: () => Promise.resolve(composition),
      count: (n: string, by = 1) => {
        counts[n] = (counts[n] ?? 0) + by;
      },
    };
  };
  const insert = (entity: string, image: Record<string, unknown>): StreamChange => ({
    eventName: 'INSERT',
    ttl: false,
    eventId: 'e',
    entity,
    newImage: { entity, ...image },
  });

  it('counts messages, users, rooms, invitations and active users per day, each change once', async () => {
    const c = ctx();
    const consumer = moderationConsumer();
    const day = '2026-03-04';
    const at = `${day}T10:00:00.000Z`;
    const changes = [
      insert('message', { id: 'm1', author: 'u1', created_at: at }),
      insert('message', { id: 'm2', author: 'u2', created_at: at }),
      insert('room', { id: 'r1', owner: 'u1', created_at: at }),
      insert('invitation', { id: 'i1', inviter_id: 'u3', created_at: at }),
      insert('session', { id: 's1', user_id: 'u4', created_at: at }),
    ];
    for (const ch of [...changes, ...changes]) await consumer.handle(ch, c); // redelivered: counted once
    expect(c.counts.usageCounted).toBe(5);
    const admin = await composition.services.auth.register(userInput(), 'http');
    await composition.repos.moderation.setRole(admin.user.id, 'user', 'admin', {
      id: 'a',
      at,
      actor_id: null,
      actor_username: null,
      action: 'role.grant',
      target_type: 'user',
      target_id: admin.user.id,
      details: {},
      ip: null,
      request_id: null,
    });
    const days = await composition.services.stats.usage(admin.user.id, day, day);
    expect(days).toEqual([
      { day, active_users: 4, new_users: 0, messages: 2, rooms_created: 1, invitations_sent: 1 },
    ]);
  });

  it('a new user listed in admin.bootstrap_usernames becomes admin (audited role.grant via bootstrap)', async () => {
    const reg = await composition.services.auth.register(userInput({ username: 'bootadmin' }), 'http');
    const c = ctx();
    await moderationConsumer().handle(
      insert('user', { id: reg.user.id, username: 'bootadmin', created_at: reg.user.created_at }),
      c,
    );
    expect(c.counts.bootstrapGranted).toBe(1);
    expect((await composition.repos.users.getById(reg.user.id))?.role).toBe('admin');
    const log = await composition.repos.audit.list({ target_id: reg.user.id }, 10);
    expect(log.entries[0]).toMatchObject({
      action: 'role.grant',
      actor_id: null,
      details: { via: 'bootstrap' },
    });
  });
});
