// Integration: DynamoMessageRepository on DynamoDB Local (history order and bounds, versioned edits, delete).
import { randomUUID } from 'node:crypto';
import type { MessageRecord } from '../../../shared/features/messages/index.js';
import { conversationKey } from '../../../shared/features/messages/index.js';
import { createRepositories, type Repositories } from '../../../shared/features/index.js';
import { createTestTable, deleteTestTable, type TestTable } from '../../support/dynamo.js';
import { aMessage } from './fixtures.js';

const AT = '2026-12-06T12:00:00.000Z';

describe('DynamoMessageRepository', () => {
  let table: TestTable;
  let repos: Repositories;

  beforeAll(async () => {
    table = await createTestTable();
    repos = createRepositories(table.doc, table.tableName);
  });
  afterAll(async () => {
    await deleteTestTable(table);
  });

  /** Puts `n` messages in order; returns them oldest first. */
  const seed = async (conversation: string, n: number): Promise<MessageRecord[]> => {
    const out: MessageRecord[] = [];
    for (let i = 0; i < n; i++) {
      const m = aMessage(conversation, { content: `m${i}` });
      await repos.messages.put(m);
      out.push(m);
    }
    return out;
  };

  it('stores a message and finds it by id', async () => {
    const m = aMessage(randomUUID());
    await repos.messages.put(m);

    expect(await repos.messages.getById(m.id)).toEqual(m);
    expect(await repos.messages.getById(randomUUID())).toBeNull();
  });

  it('keeps DM targets and both directions in one conversation', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const conversation = conversationKey({ type: 'dm', author: a, recipient: b });
    const m1 = aMessage(conversation, { author: a, target: { type: 'dm', recipient: b } });
    const m2 = aMessage(conversationKey({ type: 'dm', author: b, recipient: a }), {
      author: b,
      target: { type: 'dm', recipient: a },
    });
    await repos.messages.put(m1);
    await repos.messages.put(m2);

    expect(await repos.messages.history({ conversation, limit: 10 })).toEqual([m2, m1]);
  });

  it('returns history newest first with a limit', async () => {
    const conversation = randomUUID();
    const all = await seed(conversation, 12);

    const page = await repos.messages.history({ conversation, limit: 5 });

    expect(page.map((m) => m.content)).toEqual(['m11', 'm10', 'm9', 'm8', 'm7']);
    expect(await repos.messages.history({ conversation, limit: 50 })).toHaveLength(all.length);
    expect(await repos.messages.history({ conversation, limit: 0 })).toEqual([]);
  });

  it('honours beforeSeq and afterSeq as strict bounds', async () => {
    const conversation = randomUUID();
    const all = await seed(conversation, 10);
    const seq = (i: number) => all[i]!.seq;

    const before = await repos.messages.history({ conversation, limit: 3, beforeSeq: seq(5) });
    const after = await repos.messages.history({ conversation, limit: 50, afterSeq: seq(7) });
    const between = await repos.messages.history({
      conversation,
      limit: 50,
      afterSeq: seq(2),
      beforeSeq: seq(6),
    });

    expect(before.map((m) => m.content)).toEqual(['m4', 'm3', 'm2']);
    expect(after.map((m) => m.content)).toEqual(['m9', 'm8']);
    expect(between.map((m) => m.content)).toEqual(['m5', 'm4', 'm3']);
    expect(
      await repos.messages.history({ conversation, limit: 5, afterSeq: seq(6), beforeSeq: seq(2) }),
    ).toEqual([]);
  });

  it('edits content conditioned on author and version', async () => {
    const m = aMessage(randomUUID());
    await repos.messages.put(m);

    const edited = await repos.messages.updateContent(m, 'edited text', AT);

    expect(edited).toEqual({
      ...m,
      content: 'edited text',
      edited: true,
      version: 2,
      edit_count: 1,
      edited_at: AT,
      updated_at: AT,
    });
    expect(await repos.messages.getById(m.id)).toEqual(edited);
    await expect(repos.messages.updateContent(m, 'stale', AT)).rejects.toMatchObject({
      name: 'ConflictError',
      code: 'message_not_found',
    });
    await expect(
      repos.messages.updateContent({ ...edited, author: randomUUID() }, 'x', AT),
    ).rejects.toMatchObject({
      code: 'message_not_found',
    });
  });

  it('deletes a message (idempotently) and refuses to edit it afterwards', async () => {
    const m = aMessage(randomUUID());
    await repos.messages.put(m);

    await repos.messages.delete(m);
    await repos.messages.delete(m);

    expect(await repos.messages.getById(m.id)).toBeNull();
    expect(await repos.messages.history({ conversation: m.conversation, limit: 10 })).toEqual([]);
    await expect(repos.messages.updateContent(m, 'x', AT)).rejects.toMatchObject({
      code: 'message_not_found',
    });
  });
});
