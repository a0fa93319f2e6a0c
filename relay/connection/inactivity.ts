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

/** One re-armable, unref'd timer: `arm(ms)` replaces any pending expiry. */
export class InactivityTimer {
  private timer: NodeJS.Timeout | undefined;

  /** @param onExpire - called once when `ms` pass without another `arm`/`stop` */
  constructor(private readonly onExpire: () => void) {}

  /** (Re-)starts the countdown. @param ms - milliseconds */
  arm(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.onExpire, ms);
    this.timer.unref();
  }

  /** Cancels the countdown. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
