// The bench's TCP clients: connect + authenticate N LairTcpClients, and record send->receive latency of every delivery.
import { LairTcpClient } from '../../client/sdk/index.js';
import { mapPool, type BenchUser } from './population.js';
import { createHistogram, nowMicros, recordMicros, summarize, type Histogram, type LatencySummary } from './stats.js';

/** Phases tagged in message content: warm-up, fixed rate, saturation. */
export type Phase = 'w' | 'f' | 's';

/**
 * Content of a bench message: `B|<phase>|<send time µs>|` padded with `.` to `bytes`.
 * The send time is {@link nowMicros} of the bench process, which also receives it (same clock).
 */
export function benchContent(phase: Phase, sentMicros: number, bytes: number): string {
  const head = `B|${phase}|${sentMicros.toFixed(1)}|`;
  return head.padEnd(bytes, '.');
}

/** Delivery latencies (send -> `message_received` at each member, the sender included) per phase. */
export class DeliveryRecorder {
  readonly histograms: Record<Phase, Histogram> = { w: createHistogram(), f: createHistogram(), s: createHistogram() };
  readonly received: Record<Phase, number> = { w: 0, f: 0, s: 0 };

  /** Records one `message_received` whose content was made by {@link benchContent}. */
  onMessage(content: string, atMicros: number): void {
    if (!content.startsWith('B|')) return;
    const phase = content[2] as Phase;
    const sent = Number(content.slice(4, content.indexOf('|', 4)));
    if (!(phase in this.received) || !Number.isFinite(sent)) return;
    this.received[phase] += 1;
    recordMicros(this.histograms[phase], atMicros - sent);
  }

  summary(phase: Phase): LatencySummary {
    return summarize(this.histograms[phase]);
  }
}

/** Result of {@link connectAll}. */
export interface ConnectedClients {
  clients: LairTcpClient[];
  /** Wall time from the first connect to the last `authenticate_response`, ms. */
  elapsedMs: number;
  /** connect + hello (+ key exchange) + authenticate, per client, ms. */
  handshake: LatencySummary;
  /** Pushed events received by all clients, by type (e.g. the `user_online` broadcast). */
  eventsByType: Map<string, number>;
  /** Connections closed by the server or the network after they authenticated. */
  unexpectedCloses: () => number;
  /** Closes every client without counting the closes as unexpected. */
  close: () => void;
}

/**
 * Connects and authenticates one client per user, `concurrency` at a time, against the relay on
 * 127.0.0.1:`port`, and subscribes every client's `message_received` to `recorder`. Request
 * timeouts are raised to 120 s (a saturated relay answers late rather than never).
 * @throws the first connect/authenticate failure
 */
export async function connectAll(
  users: readonly BenchUser[],
  port: number,
  recorder: DeliveryRecorder,
  opts: { encryption: boolean; concurrency: number },
): Promise<ConnectedClients> {
  const eventsByType = new Map<string, number>();
  const handshake = createHistogram();
  let closes = 0;
  let shuttingDown = false;
  const t0 = Date.now();
  const clients = await mapPool(users, opts.concurrency, async (user) => {
    const c = new LairTcpClient();
    c.requestTimeoutMs = 120_000;
    const h0 = nowMicros();
    await c.connect({ host: '127.0.0.1', port, encryption: opts.encryption, timeoutMs: 120_000, clientName: `bench-${user.index}` });
    await c.authenticate(user.token);
    recordMicros(handshake, nowMicros() - h0);
    c.on('message_received', (e) => {
      recorder.onMessage(e.message.content, nowMicros());
    });
    c.on('event', (e) => {
      eventsByType.set(e.type, (eventsByType.get(e.type) ?? 0) + 1);
    });
    c.on('close', () => {
      if (!shuttingDown) closes += 1;
    });
    c.on('warning', () => undefined);
    return c;
  });
  return {
    clients,
    elapsedMs: Date.now() - t0,
    handshake: summarize(handshake),
    eventsByType,
    unexpectedCloses: () => closes,
    close: () => {
      shuttingDown = true;
      for (const c of clients) c.close();
    },
  };
}

/** Total events of all types received so far. */
export function totalEvents(connected: ConnectedClients): number {
  let n = 0;
  for (const v of connected.eventsByType.values()) n += v;
  return n;
}
