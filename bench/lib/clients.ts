// The bench's TCP clients: connect + authenticate N LairTcpClients, and record send->receive latency of every delivery.
import { LairTcpClient } from '../../client/sdk/index.js';
import { mapPool, type BenchUser } from './population.js';
import {
  createHistogram,
  nowMicros,
  recordMicros,
  summarize,
  type Histogram,
  type LatencySummary,
} from './stats.js';

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

/**
 * Delivery latencies per phase: send -> `message_received` at each member (the sender included),
 * and per message at its first member only (the relay's pipeline without the spread of writing
 * to, and this one process reading from, every member socket in turn).
 */
export class DeliveryRecorder {
  readonly histograms: Record<Phase, Histogram> = {
    w: createHistogram(),
    f: createHistogram(),
    s: createHistogram(),
  };
  readonly first: Record<Phase, Histogram> = {
    w: createHistogram(),
    f: createHistogram(),
    s: createHistogram(),
  };
  readonly received: Record<Phase, number> = { w: 0, f: 0, s: 0 };
  /** Send stamps of messages already seen by one member (a stamp identifies a message). */
  private readonly seen = new Set<string>();

  /** Records one `message_received` whose content was made by {@link benchContent}. */
  onMessage(content: string, atMicros: number): void {
    if (!content.startsWith('B|')) return;
    const phase = content[2] as Phase;
    const end = content.indexOf('|', 4);
    const sent = Number(content.slice(4, end));
    if (!(phase in this.received) || !Number.isFinite(sent)) return;
    this.received[phase] += 1;
    recordMicros(this.histograms[phase], atMicros - sent);
    const stamp = content.slice(2, end);
    if (!this.seen.has(stamp)) {
      this.seen.add(stamp);
      recordMicros(this.first[phase], atMicros - sent);
    }
  }

  /** Every delivery of `phase`, ms. */
  summary(phase: Phase): LatencySummary {
    return summarize(this.histograms[phase]);
  }

  /** First delivery of each message of `phase`, ms. */
  firstSummary(phase: Phase): LatencySummary {
    return summarize(this.first[phase]);
  }
}

/**
 * The bench's authenticated clients (index = user index). {@link connect} may be called several
 * times (a small first batch warms the relay up before the RSS baseline is read).
 */
export class ClientPool {
  /** Clients by user index (sparse until every batch connected). */
  readonly clients: LairTcpClient[] = [];
  /** Pushed events received by all clients, by type (e.g. the `user_online` broadcast). */
  readonly eventsByType = new Map<string, number>();
  /** connect + hello (+ key exchange) + authenticate, per client, µs. */
  readonly handshake = createHistogram();
  /** Connections closed by the server or the network after they authenticated. */
  unexpectedCloses = 0;
  private shuttingDown = false;

  constructor(
    private readonly port: number,
    private readonly recorder: DeliveryRecorder,
    private readonly opts: {
      encryption: boolean;
      concurrency: number;
      /** `client_hello.features` to request, e.g. `['lair.messages']` for reaction events; default none. */
      features?: readonly string[];
    },
  ) {}

  /**
   * Connects and authenticates one client per user, `concurrency` at a time, to 127.0.0.1:`port`,
   * and subscribes each client's `message_received` to the recorder. Request timeouts are raised
   * to 120 s (a saturated relay answers late rather than never).
   * @returns wall time of the batch, ms
   * @throws the first connect/authenticate failure
   */
  async connect(users: readonly BenchUser[]): Promise<number> {
    const t0 = Date.now();
    await mapPool(users, this.opts.concurrency, async (user) => {
      this.clients[user.index] = await this.open(user);
    });
    return Date.now() - t0;
  }

  /** Total pushed events of all types received so far. */
  totalEvents(): number {
    let n = 0;
    for (const v of this.eventsByType.values()) n += v;
    return n;
  }

  /** Handshake latency summary, ms. */
  handshakeSummary(): LatencySummary {
    return summarize(this.handshake);
  }

  /** Closes every client without counting the closes as unexpected. */
  close(): void {
    this.shuttingDown = true;
    for (const c of this.clients) c.close();
  }

  private async open(user: BenchUser): Promise<LairTcpClient> {
    const c = new LairTcpClient();
    c.requestTimeoutMs = 120_000;
    const h0 = nowMicros();
    await c.connect({
      host: '127.0.0.1',
      port: this.port,
      encryption: this.opts.encryption,
      ...(this.opts.features ? { features: this.opts.features } : {}),
      timeoutMs: 120_000,
      clientName: `bench-${user.index}`,
    });
    await c.authenticate(user.token);
    recordMicros(this.handshake, nowMicros() - h0);
    c.on('message_received', (e) => {
      this.recorder.onMessage(e.message.content, nowMicros());
    });
    c.on('event', (e) => {
      this.eventsByType.set(e.type, (this.eventsByType.get(e.type) ?? 0) + 1);
    });
    c.on('close', () => {
      if (!this.shuttingDown) this.unexpectedCloses += 1;
    });
    c.on('warning', () => undefined);
    return c;
  }
}
