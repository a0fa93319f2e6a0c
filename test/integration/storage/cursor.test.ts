// Unit: signed opaque paging cursors (shared/storage/cursor.ts); no DynamoDB needed.
import { decodeCursor, encodeCursor } from '../../../shared/storage/cursor.js';

describe('cursor', () => {
  const key = { PK: 'ROOM#1', SK: 'MEMBER#2', GSI1PK: 'ROOMS#public', GSI1SK: 'general', n: 5 };

  it('round-trips a LastEvaluatedKey and is URL-safe', () => {
    const cursor = encodeCursor(key, 'secret');

    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 'secret')).toEqual(key);
  });

  it.each([
    [
      'a tampered payload',
      (c: string) =>
        `${Buffer.from('{"PK":"ROOM#9","SK":"META"}').toString('base64url')}.${c.split('.')[1]!}`,
    ],
    ['a tampered signature', (c: string) => `${c.slice(0, -2)}${c.endsWith('AA') ? 'BB' : 'AA'}`],
    ['a missing signature', (c: string) => c.split('.')[0]!],
    ['garbage', () => 'not a cursor'],
    ['an empty string', () => ''],
  ])('rejects %s with validation_failed', (_label, mutate) => {
    const cursor = mutate(encodeCursor(key, 'secret'));

    expect(() => decodeCursor(cursor, 'secret')).toThrow(
      expect.objectContaining({ code: 'validation_failed', message: 'Validation failed: cursor - invalid' }),
    );
  });

  it('rejects a cursor signed with another secret', () => {
    expect(() => decodeCursor(encodeCursor(key, 'other'), 'secret')).toThrow(
      'Validation failed: cursor - invalid',
    );
  });

  it('rejects a correctly signed payload that is not a key object', () => {
    expect(() => decodeCursor(encodeCursor({ PK: { nested: true } }, 'secret'), 'secret')).toThrow(
      'Validation failed: cursor - invalid',
    );
  });
});
