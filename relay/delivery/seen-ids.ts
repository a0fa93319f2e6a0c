// Bounded first-seen set of event ids, so an event delivered twice (local + remote path) is dropped once.

/**
 * Remembers the most recent `capacity` ids in insertion order (oldest evicted first); events
 * carry ids precisely so duplicates can be dropped (docs/design.md §4.5).
 */
export class SeenIds {
  private readonly ids = new Set<string>();

  /** @param capacity - ids remembered before the oldest is forgotten (default 10 000). */
  constructor(private readonly capacity = 10_000) {}

  /**
   * Records `id`.
   * @returns true when `id` is new (deliver it), false when it was already seen (drop it).
   */
  firstSeen(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next();
      if (oldest.done !== true) this.ids.delete(oldest.value);
    }
    return true;
  }

  /** True when `id` is remembered (without recording it). */
  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Forgets `id` (it counts as new again). */
  forget(id: string): void {
    this.ids.delete(id);
  }

  /** Number of ids currently remembered. */
  get size(): number {
    return this.ids.size;
  }
}
