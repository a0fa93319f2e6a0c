// Integration: coalesceGets on DynamoDB Local — GetItems of one turn share a BatchGetItem, answers match GetItem's, and a session revoked before the batch is sent never authenticates (docs/adr/029).
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { composeServices, type Composition } from '../../../shared/compose.js';
import { isDomainError } from '../../../shared/kernel/errors.js';
import { coalesceGets } from '../../../shared/storage/coalesced-gets.js';
import { createTestTable, deleteTestTable, type TestTable } from '../../support/dynamo.js';
import { RecordingPublisher, TEST_JWT_SECRET, TEST_TOTP_KEY, userInput } from '../../support/services.js';

/** A scheduler the test releases by hand: batches stay open until `flush()`. */
function heldScheduler(): { schedule: (send: () => void) => void; flush: () => void; held: () => number } {
  const pending: (() => void)[] = [];
  return {
    schedule: (send) => {
      pending.push(send);
    },
    flush: () => {
      for (const send of pending.splice(0)) send();
    },
    held: () => pending.length,
  };
}

/** `doc` with a hook called before each GetItem it is asked for. */
function countingGets(doc: DynamoDBDocumentClient, onGet: () => void): DynamoDBDocumentClient {
  const counted = Object.create(doc) as DynamoDBDocumentClient;
  const send = (command: unknown, ...rest: unknown[]): Promise<unknown> => {
    if (command instanceof GetCommand) onGet();
    return (doc.send as (c: unknown, ...r: unknown[]) => Promise<unknown>)(command, ...rest);
  };
  Object.defineProperty(counted, 'send', { value: send });
  return counted;
}

/** Resolves after the event loop has run once (promises queued before it have settled their sync parts). */
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('coalesceGets', () => {
  let table: TestTable;
  const batches: number[] = [];
  let doc: DynamoDBDocumentClient;

  beforeAll(async () => {
    table = await createTestTable();
    doc = coalesceGets(table.doc, { onBatch: (n) => batches.push(n) });
    for (const sk of ['A', 'B', 'C'])
      await table.doc.send(
        new PutCommand({ TableName: table.tableName, Item: { PK: 'P', SK: sk, value: sk.toLowerCase() } }),
      );
  });
  afterAll(async () => {
    await deleteTestTable(table);
  });
  beforeEach(() => {
    batches.length = 0;
  });

  const get = (sk: string, extra: Record<string, unknown> = {}) =>
    doc.send(
      new GetCommand({
        TableName: table.tableName,
        Key: { PK: 'P', SK: sk },
        ConsistentRead: true,
        ...extra,
      }),
    );

  it('answers the GetItems of one turn from one BatchGetItem, duplicates and misses included', async () => {
    const [a, b, again, missing] = await Promise.all([get('A'), get('B'), get('A'), get('nope')]);
    expect(a.Item).toEqual({ PK: 'P', SK: 'A', value: 'a' });
    expect(b.Item).toEqual({ PK: 'P', SK: 'B', value: 'b' });
    expect(again.Item).toEqual(a.Item);
    expect(missing.Item).toBeUndefined();
    expect(missing).not.toHaveProperty('Item');
    expect(batches).toEqual([3]); // A, B, nope: the duplicate is asked once
  });

  it('keeps strongly consistent and eventually consistent reads in separate batches', async () => {
    const eventual = doc.send(new GetCommand({ TableName: table.tableName, Key: { PK: 'P', SK: 'C' } }));
    const [c, strong] = await Promise.all([eventual, get('C')]);
    expect(c.Item?.value).toBe('c');
    expect(strong.Item?.value).toBe('c');
    expect(batches.sort()).toEqual([1, 1]);
  });

  it('sends a GetItem with a projection as it is', async () => {
    const out = await get('A', { ProjectionExpression: '#v', ExpressionAttributeNames: { '#v': 'value' } });
    expect(out.Item).toEqual({ value: 'a' });
    expect(batches).toEqual([]);
  });

  it('rejects every GetItem of a batch that fails, and the next batch works', async () => {
    const gone = (sk: string) =>
      doc.send(new GetCommand({ TableName: `${table.tableName}-missing`, Key: { PK: 'P', SK: sk } }));
    const results = await Promise.allSettled([gone('A'), gone('B')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((await get('A')).Item?.value).toBe('a');
  });

  it('reads an item only when the batch is sent: a write made while the batch was held is seen', async () => {
    const held = heldScheduler();
    const late = coalesceGets(table.doc, { schedule: held.schedule });
    const reading = late.send(new GetCommand({ TableName: table.tableName, Key: { PK: 'P', SK: 'late' } }));
    await turn();
    expect(held.held()).toBe(1);
    await table.doc.send(
      new PutCommand({ TableName: table.tableName, Item: { PK: 'P', SK: 'late', value: 'written' } }),
    );
    held.flush();
    expect((await reading).Item?.value).toBe('written');
  });
});

describe('authenticate over coalesced reads (revocation stays exact)', () => {
  let table: TestTable;
  let held: ReturnType<typeof heldScheduler>;
  let composition: Composition;
  const batches: number[] = [];
  let asked = 0;
  /** GetItems asked of the coalescer since the last batch was sent. */
  const pendingKeys = (): number => asked;

  beforeAll(async () => {
    table = await createTestTable();
    held = heldScheduler();
    composition = composeServices({
      doc: countingGets(
        coalesceGets(table.doc, {
          schedule: held.schedule,
          onBatch: (n) => {
            asked = 0;
            batches.push(n);
          },
        }),
        () => (asked += 1),
      ),
      tableName: table.tableName,
      jwtSecret: TEST_JWT_SECRET,
      totpKey: TEST_TOTP_KEY,
      events: new RecordingPublisher(),
    });
  });
  afterAll(async () => {
    await deleteTestTable(table);
  });

  /** Registers over the raw table (no held batches in the way). */
  async function registered() {
    const raw = composeServices({
      doc: table.doc,
      tableName: table.tableName,
      jwtSecret: TEST_JWT_SECRET,
      totpKey: TEST_TOTP_KEY,
      events: new RecordingPublisher(),
    });
    return { raw, auth: await raw.services.auth.register(userInput(), 'http') };
  }

  /** Runs `authenticate` calls, releasing held batches until all settled. */
  async function settle<T>(calls: Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
    let done = false;
    const all = Promise.allSettled(calls).finally(() => {
      done = true;
    });
    while (!done) {
      await turn();
      held.flush();
    }
    return all;
  }

  it('two authentications share one BatchGetItem; the one revoked before the batch was sent fails', async () => {
    const live = await registered();
    const revoked = await registered();
    batches.length = 0;
    const ok = composition.services.auth.authenticate(live.auth.token);
    const refused = composition.services.auth.authenticate(revoked.auth.token);
    // Both authentications' session, user and ban GetItems wait in one open batch (token checks first).
    for (let i = 0; i < 1000 && batches.length === 0 && pendingKeys() < 6; i++) await turn();
    expect(held.held()).toBe(1);
    // Revoked while the batch is still open: the read is sent after the delete, so it is not found.
    await revoked.raw.services.auth.logout(revoked.auth.user.id, revoked.auth.session.id);
    const [first, second] = await settle([ok, refused]);
    expect(first?.status).toBe('fulfilled');
    if (first?.status === 'fulfilled') expect(first.value.user.id).toBe(live.auth.user.id);
    expect(second?.status).toBe('rejected');
    if (second?.status === 'rejected') expect(isDomainError(second.reason, 'session_not_found')).toBe(true);
    expect(batches[0]).toBe(6); // session, user and ban of each: one request instead of six
  });

  it('a session revoked before authenticate is refused', async () => {
    const user = await registered();
    await user.raw.services.auth.logout(user.auth.user.id, user.auth.session.id);
    const [result] = await settle([composition.services.auth.authenticate(user.auth.token)]);
    expect(result?.status).toBe('rejected');
    if (result?.status === 'rejected') expect(isDomainError(result.reason, 'session_not_found')).toBe(true);
  });
});
