// Admission gate of a relay: at most N authentications (session read, room index, presence) run at once, the rest wait in arrival order (issue 16 item 5: a reconnect storm must not flood DynamoDB).

/** Default concurrent authentications per relay (LAIR_RELAY_AUTH_CONCURRENCY). */
export const DEFAULT_AUTH_CONCURRENCY = 32;

/**
 * A FIFO semaphore. `run(fn)` starts `fn` when fewer than `limit` are running, else when an earlier
 * one finishes (its slot passes straight to the next waiter). `limit <= 0` disables the gate.
 * After a relay restart every client reconnects at once; each authentication costs several
 * DynamoDB reads and writes (session, memberships, presence), so bounding them keeps the table's
 * request rate at `limit` ÷ (one authentication's latency) instead of the storm's arrival rate.
 * Waiting clients stay in AWAIT_AUTH; their 60 s limit (docs/protocol/tcp.md §3) still applies.
 */
export class AdmissionGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  /** Runs `fn` inside a slot; rejects as `fn` does (the slot is released either way). */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.limit <= 0) return fn();
    if (this.active < this.limit) this.active += 1;
    else
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
      });
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next === undefined) this.active -= 1;
      else next();
    }
  }

  /** Authentications waiting for a slot (metrics, tests). */
  get queued(): number {
    return this.waiting.length;
  }

  /** Authentications running (metrics, tests). */
  get running(): number {
    return this.active;
  }
}
