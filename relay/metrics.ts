// Prometheus metrics of the relay (issue 17 finding 9): connections by transport and state, frames, fan-out, drops, slow-client disconnects, command latency, event-loop lag.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The relay's own registry (served at `/metrics` of the relay's HTTP port and appended to `npm start`'s `/metrics`). */
export const relayRegistry = new Registry();

/** What the connection gauge counts: one entry per open connection. */
export type ConnectionSource = () => Iterable<{ transport: string; state: string }>;
const sources = new Set<ConnectionSource>();

new Gauge({
  name: 'lair_relay_connections',
  help: 'Open relay connections by transport (tcp, ws) and protocol state (docs/protocol/tcp.md §3)',
  labelNames: ['transport', 'state'] as const,
  registers: [relayRegistry],
  collect() {
    this.reset();
    for (const source of sources) {
      for (const c of source()) this.inc({ transport: c.transport, state: c.state });
    }
  },
});

/** Frames (TCP) / messages (WS) received from clients. */
export const framesIn = new Counter({
  name: 'lair_relay_frames_in_total',
  help: 'Frames received from clients',
  labelNames: ['transport'] as const,
  registers: [relayRegistry],
});

/** Frames queued per transport kind since the last scrape, added into {@link framesOut} by its `collect`. */
const pendingFramesOut = new Map<string, { n: number }>();

/**
 * The frame tally of one transport kind (`tcp`, `websocket`): the fan-out adds 1 per frame to
 * `.n` (a plain add: a labelled `inc` hashes and validates its labels and allocates its result on
 * every call, per recipient of every event — issue 16); scrapes move the tally into `framesOut`.
 */
export function framesOutTally(kind: string): { n: number } {
  let tally = pendingFramesOut.get(kind);
  if (tally === undefined) {
    tally = { n: 0 };
    pendingFramesOut.set(kind, tally);
  }
  return tally;
}

/** Frames queued to clients (responses and events); counted through {@link framesOutTally}. */
export const framesOut = new Counter({
  name: 'lair_relay_frames_out_total',
  help: 'Frames queued to clients (responses and events)',
  labelNames: ['transport'] as const,
  registers: [relayRegistry],
  collect() {
    for (const [transport, tally] of pendingFramesOut) {
      if (tally.n === 0) continue;
      this.inc({ transport }, tally.n);
      tally.n = 0;
    }
  },
});

/** Events handed to one authenticated connection (fan-out). */
export const fanoutDeliveries = new Counter({
  name: 'lair_relay_fanout_deliveries_total',
  help: 'Events delivered to connections (one per connection per event)',
  registers: [relayRegistry],
});

/** Frames not queued because the client's outgoing queue was full. */
export const queueDrops = new Counter({
  name: 'lair_relay_queue_drops_total',
  help: 'Frames dropped because a client outgoing queue was full',
  labelNames: ['transport'] as const,
  registers: [relayRegistry],
});

/** Connections closed by the slow-client rule. */
export const slowClientDisconnects = new Counter({
  name: 'lair_relay_slow_client_disconnects_total',
  help: 'Connections closed because their outgoing queue passed its limit',
  labelNames: ['transport'] as const,
  registers: [relayRegistry],
});

/** Time from a command frame's dispatch to its response, seconds. */
export const commandDuration = new Histogram({
  name: 'lair_relay_command_duration_seconds',
  help: 'Command latency from dispatch to response, seconds',
  labelNames: ['command'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [relayRegistry],
});

const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();
new Gauge({
  name: 'lair_relay_event_loop_lag_seconds',
  help: 'Event-loop delay since the previous scrape (p99 and max), seconds',
  labelNames: ['quantile'] as const,
  registers: [relayRegistry],
  collect() {
    this.set({ quantile: 'p99' }, loopDelay.percentile(99) / 1e9);
    this.set({ quantile: 'max' }, loopDelay.max / 1e9);
    loopDelay.reset();
  },
});

/** Adds a relay's connections to the gauge. @returns a function that removes them (relay close) */
export function trackConnections(source: ConnectionSource): () => void {
  sources.add(source);
  return () => sources.delete(source);
}

/** Prometheus text of the relay registry. @returns `{contentType, body}` (`text/plain; version=0.0.4`) */
export async function relayMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: relayRegistry.contentType, body: await relayRegistry.metrics() };
}
