// Bounded cache of message id -> table address, filled from the events this relay delivers (DomainEvent.messageKey), so reactions skip the index lookup.
import type { MessageKey } from '../../shared/kernel/events.js';
import type { Uuid } from '../../shared/kernel/types.js';

/**
 * The most recent `capacity` message addresses (insertion order, oldest evicted first). An entry
 * is only a hint: the conditional write it leads to re-checks that the message exists and is not
 * a tombstone, and authorization is answered from the entry's target like any other read.
 */
export class MessageKeys {
  private readonly keys = new Map<Uuid, MessageKey>();

  /** @param capacity - addresses remembered (default 50 000, ~10 MB). */
  constructor(private readonly capacity = 50_000) {}

  /** Remembers where a message lives. */
  remember(key: MessageKey): void {
    this.keys.delete(key.id);
    this.keys.set(key.id, key);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.keys().next();
      if (oldest.done !== true) this.keys.delete(oldest.value);
    }
  }

  /** The address of `id`, when this relay delivered its event recently. */
  locate(id: Uuid): MessageKey | undefined {
    return this.keys.get(id);
  }

  /** Number of addresses remembered. */
  get size(): number {
    return this.keys.size;
  }
}
