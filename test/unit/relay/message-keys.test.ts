// MessageKeys: the relay's bounded id -> table address cache (reactions skip the index lookup).
import { MessageKeys } from '../../../relay/delivery/message-keys.js';

const key = (i: number) => ({
  id: `id-${i}`,
  conversation: 'room-1',
  seq: `SEQ${i}`,
  author: 'alice',
  target: { type: 'room' as const, room_id: 'room-1' },
});

describe('MessageKeys', () => {
  it('locates remembered messages and forgets the oldest beyond its capacity', () => {
    const keys = new MessageKeys(2);
    keys.remember(key(1));
    keys.remember(key(2));
    expect(keys.locate('id-1')).toEqual(key(1));
    keys.remember(key(1)); // refreshed: now the newest
    keys.remember(key(3));
    expect(keys.locate('id-2')).toBeUndefined();
    expect(keys.locate('id-1')).toEqual(key(1));
    expect(keys.locate('id-3')).toEqual(key(3));
    expect(keys.size).toBe(2);
  });
});
