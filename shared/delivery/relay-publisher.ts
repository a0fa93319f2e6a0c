// EventPublisher that delivers locally and POSTs signed event batches to every other live relay (docs/design.md §4.3).
import { currentRequestId, REQUEST_ID_HEADER } from '../platform/request-id.js';
import { isRelayNotice, type DomainEvent } from '../kernel/events.js';
import type { Logger } from '../platform/logger.js';
import type { EventPublisher } from '../kernel/ports.js';
import type { PresenceRepository, RelayInfo } from '../features/presence/index.js';
import { INTERNAL_EVENTS_PATH, SIGNATURE_HEADER, signBody } from './signature.js';

/** Construction options of {@link RelayEventPublisher}. */
export interface RelayEventPublisherOptions {
  /** Relay registry (only `listRelays` is used). */
  presence: Pick<PresenceRepository, 'listRelays'>;
  /** Shared HMAC secret (LAIR_JWT_SECRET) used to sign every post. */
  secret: string;
  logger: Logger;
  /** This process's relay id; that relay is skipped (it gets the events via `localDeliver`). Lambdas omit it. */
  selfRelayId?: string;
  /** Synchronous in-process delivery (the relay's own registry). Called first, before any post. */
  localDeliver?: (events: DomainEvent[]) => void;
  /** How long the relay list is reused, ms (default 1000). */
  relayCacheMs?: number;
  /** Per-post timeout, ms (default 1500). */
  timeoutMs?: number;
  /** After every attempt of a post failed (refused, reset, timeout, 5xx) the endpoint is skipped for this long, ms (default 2000). */
  failureBackoffMs?: number;
  /** Attempts per post that carries relay notices, first included (default 3): a lost post would leave that relay's sockets unaware of a ban or revocation. Other posts are tried once. */
  attempts?: number;
  /** Delay before the first retry, ms, doubled per retry with jitter (default 100). */
  retryDelayMs?: number;
}

/**
 * Publishes domain events to every process holding sockets (docs/design.md §4):
 * 1. `localDeliver(events)` synchronously, when given;
 * 2. one `POST ${endpoint}${INTERNAL_EVENTS_PATH}` with body `{"events":[...]}` (plus
 *    `"notices":[...]` for relay notices, docs/adr/005) and header
 *    `SIGNATURE_HEADER: signBody(secret, body)` to every other live relay, in parallel.
 *
 * `publish` resolves once every post has answered or timed out (a Lambda must not return before
 * its posts leave). It never rejects: failures are logged (EventPublisher contract). The HTTP
 * Lambdas use this class without `selfRelayId`/`localDeliver`.
 */
export class RelayEventPublisher implements EventPublisher {
  private cache: { at: number; relays: RelayInfo[] } | undefined;
  private pending: Promise<RelayInfo[]> | undefined;
  private readonly failedUntil = new Map<string, number>();
  private readonly cacheMs: number;
  private readonly timeoutMs: number;
  private readonly backoffMs: number;
  private readonly attempts: number;
  private readonly retryDelayMs: number;

  constructor(private readonly opts: RelayEventPublisherOptions) {
    this.cacheMs = opts.relayCacheMs ?? 1000;
    this.timeoutMs = opts.timeoutMs ?? 1500;
    this.backoffMs = opts.failureBackoffMs ?? 2000;
    this.attempts = Math.max(1, opts.attempts ?? 3);
    this.retryDelayMs = opts.retryDelayMs ?? 100;
  }

  /** Delivers locally, then posts to the other relays. Never throws. */
  async publish(...events: DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (this.opts.localDeliver !== undefined) {
      try {
        this.opts.localDeliver(events);
      } catch (err) {
        this.opts.logger.error({ err }, 'local event delivery failed');
      }
    }
    const relays = (await this.relays()).filter((r) => r.relayId !== this.opts.selfRelayId);
    if (relays.length === 0) return;
    // Relay notices go in their own array: a relay of an older version strips the unknown key
    // instead of treating an unknown `type` as a client event and writing it to sockets.
    const notices = events.filter((e) => isRelayNotice(e.payload));
    const body = JSON.stringify(
      notices.length === 0
        ? { events }
        : { events: events.filter((e) => !isRelayNotice(e.payload)), notices },
    );
    const signature = signBody(this.opts.secret, body);
    const now = Date.now();
    await Promise.all(
      relays
        .filter((r) => (this.failedUntil.get(r.endpoint) ?? 0) <= now)
        // Only posts carrying relay notices (ban, revocation) are retried: retrying every event post
        // multiplies the load on a relay that is already too slow to answer (bench/README.md).
        .map((r) => this.post(r, body, signature, notices.length > 0 ? this.attempts : 1)),
    );
  }

  /** Forgets the cached relay list (e.g. after this process registered or deregistered a relay). */
  invalidate(): void {
    this.cache = undefined;
  }

  private async relays(): Promise<RelayInfo[]> {
    const now = Date.now();
    if (this.cache !== undefined && now - this.cache.at < this.cacheMs) return this.cache.relays;
    this.pending ??= this.opts.presence
      .listRelays()
      .then((relays) => {
        this.cache = { at: Date.now(), relays };
        return relays;
      })
      .catch((err: unknown) => {
        this.opts.logger.warn({ err }, 'relay list lookup failed; using the last known list');
        return this.cache?.relays ?? [];
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  /**
   * One signed post, retried on a network failure, a timeout or a 5xx (at most `attempts` tries,
   * more than one only for relay notices;
   * jittered backoff from `retryDelayMs`): bounded by attempts × timeoutMs plus the delays. Relays
   * drop an event id they have seen, so a retry after a post that did arrive is harmless.
   */
  private async post(relay: RelayInfo, body: string, signature: string, attempts: number): Promise<void> {
    const url = `${relay.endpoint}${INTERNAL_EVENTS_PATH}`;
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [SIGNATURE_HEADER]: signature,
            ...requestIdHeader(),
          },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.status >= 500) throw new Error(`relay answered ${res.status}`);
        if (!res.ok)
          this.opts.logger.warn(
            { relayId: relay.relayId, url, status: res.status },
            'relay rejected an event post',
          );
        this.failedUntil.delete(relay.endpoint);
        return;
      } catch (err) {
        if (attempt >= attempts) {
          this.failedUntil.set(relay.endpoint, Date.now() + this.backoffMs);
          this.opts.logger.warn(
            { err, relayId: relay.relayId, url, attempts: attempt },
            'event post to relay failed',
          );
          return;
        }
        const delay = this.retryDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

/** `x-request-id` of the current request, if any, so the receiving relay logs the same id (issue 17 finding 8). */
function requestIdHeader(): Record<string, string> {
  const id = currentRequestId();
  return id === undefined ? {} : { [REQUEST_ID_HEADER]: id };
}
