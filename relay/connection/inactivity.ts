// Inactivity timer per connection state (docs/protocol/tcp.md §3: 30 s / 60 s / 90 s, re-armed by every complete frame).

/** Inactivity limits in **milliseconds**, re-armed by every complete frame (docs/protocol/tcp.md §3). */
export interface ConnectionTimeouts {
  /** AWAIT_HELLO and AWAIT_KEY (30 000). */
  handshakeMs: number;
  /** AWAIT_AUTH (60 000). */
  authMs: number;
  /** AUTHENTICATED (90 000). */
  idleMs: number;
}

/** Upstream timeouts: 30 s / 60 s / 90 s (docs/protocol/tcp.md §3). */
export const DEFAULT_TIMEOUTS: ConnectionTimeouts = { handshakeMs: 30_000, authMs: 60_000, idleMs: 90_000 };

/**
 * One relay-wide sweep per tick size instead of one Node timer per connection (issue 16: per
 * socket state): a timer is a deadline number in a shared set, and one unref'd interval per tick
 * size fires the expired ones. Tick = timeout / 20 clamped to 5 ms … 1 s, so an expiry fires at
 * most 5 % (at most 1 s) late — 90 s idle limit: ≤ 1 s late. The interval stops when its set is empty.
 */
class Sweeper {
  private readonly timers = new Set<InactivityTimer>();
  private interval: NodeJS.Timeout | undefined;

  constructor(private readonly tickMs: number) {}

  watch(t: InactivityTimer): void {
    this.timers.add(t);
    if (this.interval === undefined) {
      this.interval = setInterval(() => {
        this.sweep();
      }, this.tickMs);
      this.interval.unref();
    }
  }

  unwatch(t: InactivityTimer): void {
    this.timers.delete(t);
    if (this.timers.size === 0 && this.interval !== undefined) {
      clearInterval(this.interval);
      this.interval = undefined;
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const t of this.timers) {
      if (t.deadline > now) continue;
      this.unwatch(t);
      t.expire();
    }
  }
}

const sweepers = new Map<number, Sweeper>();

function sweeperFor(ms: number): Sweeper {
  const tick = Math.min(1000, Math.max(5, Math.floor(ms / 20)));
  let s = sweepers.get(tick);
  if (s === undefined) {
    s = new Sweeper(tick);
    sweepers.set(tick, s);
  }
  return s;
}

/** One re-armable inactivity deadline: `arm(ms)` replaces any pending expiry (no Node timer of its own). */
export class InactivityTimer {
  /** Expiry time, ms since the epoch (Date.now clock); meaningful while armed. */
  deadline = 0;
  private sweeper: Sweeper | undefined;

  /** @param onExpire - called once when `ms` pass without another `arm`/`stop` */
  constructor(private readonly onExpire: () => void) {}

  /** (Re-)starts the countdown. @param ms - milliseconds */
  arm(ms: number): void {
    this.deadline = Date.now() + ms;
    const next = sweeperFor(ms);
    if (next !== this.sweeper) {
      this.sweeper?.unwatch(this);
      this.sweeper = next;
      next.watch(this);
    }
  }

  /** Cancels the countdown. */
  stop(): void {
    this.sweeper?.unwatch(this);
    this.sweeper = undefined;
  }

  /** Called by the sweep once the deadline passed (already unwatched). */
  expire(): void {
    this.sweeper = undefined;
    this.onExpire();
  }
}
