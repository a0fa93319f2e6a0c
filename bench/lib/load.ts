// Load phases: warm-up, fixed-rate sending (fan-out latency) and closed-loop saturation (persisted throughput).
import { setTimeout as sleep } from 'node:timers/promises';
import { LairRequestError, type LairTcpClient } from '../../client/sdk/index.js';
import { benchContent, type DeliveryRecorder, type Phase } from './clients.js';
import { createHistogram, nowMicros, recordMicros, summarize, type LatencySummary } from './stats.js';

/** One room's sender: the client of the room's first member, the room id and its member count. */
export interface Sender {
  client: LairTcpClient;
  roomId: string;
  members: number;
}

/** Outcome of one sending phase. */
export interface PhaseResult {
  /** `send_message` requests issued. */
  sent: number;
  /** `send_message_response` with success (= messages persisted). */
  acked: number;
  /** Failed or timed-out sends, by error code. */
  errors: Record<string, number>;
  /** First send to last ack, s. */
  elapsedSeconds: number;
  /** acked / elapsedSeconds. */
  persistedPerSecond: number;
  /** send -> `send_message_response` latency, ms. */
  ack: LatencySummary;
  /** Deliveries expected (acked messages x room members) and received within the drain window. */
  expectedDeliveries: number;
  receivedDeliveries: number;
  /** How late the bench issued fixed-rate sends versus their schedule, ms (bench overload indicator). */
  scheduleLagMs: { p99: number; max: number };
}

class PhaseCounter {
  sent = 0;
  acked = 0;
  expected = 0;
  firstSend = Number.NaN;
  lastAck = Number.NaN;
  readonly errors: Record<string, number> = {};
  readonly ack = createHistogram();
  readonly lag = createHistogram();

  /** Sends one bench message and accounts for its response. Never rejects. */
  async send(s: Sender, phase: Phase, contentBytes: number): Promise<void> {
    const t0 = nowMicros();
    if (Number.isNaN(this.firstSend)) this.firstSend = t0;
    this.sent += 1;
    try {
      await s.client.call({
        type: 'send_message',
        target: { type: 'room', room_id: s.roomId },
        content: benchContent(phase, t0, contentBytes),
      });
      const t1 = nowMicros();
      recordMicros(this.ack, t1 - t0);
      this.acked += 1;
      this.expected += s.members;
      this.lastAck = Number.isNaN(this.lastAck) ? t1 : Math.max(this.lastAck, t1);
    } catch (err) {
      const code = err instanceof LairRequestError ? err.code : err instanceof Error ? err.name : 'unknown';
      this.errors[code] = (this.errors[code] ?? 0) + 1;
    }
  }

  async result(recorder: DeliveryRecorder, phase: Phase): Promise<PhaseResult> {
    await waitForDeliveries(recorder, phase, this.expected);
    const elapsedSeconds = (this.lastAck - this.firstSend) / 1e6;
    const lag = summarize(this.lag);
    return {
      sent: this.sent,
      acked: this.acked,
      errors: this.errors,
      elapsedSeconds: Math.round(elapsedSeconds * 1000) / 1000,
      persistedPerSecond: elapsedSeconds > 0 ? Math.round((this.acked / elapsedSeconds) * 10) / 10 : 0,
      ack: summarize(this.ack),
      expectedDeliveries: this.expected,
      receivedDeliveries: recorder.received[phase],
      scheduleLagMs: { p99: lag.p99, max: lag.max },
    };
  }
}

/** Waits until `expected` deliveries of `phase` arrived, or 10 s pass without progress. */
async function waitForDeliveries(recorder: DeliveryRecorder, phase: Phase, expected: number): Promise<void> {
  let last = -1;
  let stalledSince = Date.now();
  while (recorder.received[phase] < expected) {
    if (recorder.received[phase] !== last) {
      last = recorder.received[phase];
      stalledSince = Date.now();
    } else if (Date.now() - stalledSince > 10_000) {
      return;
    }
    await sleep(50);
  }
}

/** Each sender sends `perSender` messages one after another (JIT, room member lists, connections warm up). */
export async function warmUp(
  senders: readonly Sender[],
  perSender: number,
  contentBytes: number,
  recorder: DeliveryRecorder,
): Promise<PhaseResult> {
  const c = new PhaseCounter();
  await Promise.all(
    senders.map(async (s) => {
      for (let i = 0; i < perSender; i++) await c.send(s, 'w', contentBytes);
    }),
  );
  return c.result(recorder, 'w');
}

/**
 * Open-loop fixed rate: every sender sends `rate` messages/s into its room for `durationS`
 * seconds, on a schedule staggered across rooms, without waiting for earlier responses.
 */
export async function fixedRate(
  senders: readonly Sender[],
  opts: { rate: number; durationS: number; contentBytes: number },
  recorder: DeliveryRecorder,
): Promise<PhaseResult> {
  const c = new PhaseCounter();
  const periodUs = 1e6 / opts.rate;
  const perSender = Math.max(1, Math.round(opts.rate * opts.durationS));
  const start = nowMicros() + 100_000;
  const inflight: Promise<void>[] = [];
  await Promise.all(
    senders.map(async (s, k) => {
      const offset = (k / senders.length) * periodUs;
      for (let i = 0; i < perSender; i++) {
        const due = start + offset + i * periodUs;
        const wait = (due - nowMicros()) / 1000;
        if (wait > 1) await sleep(wait);
        recordMicros(c.lag, nowMicros() - due);
        inflight.push(c.send(s, 'f', opts.contentBytes));
      }
    }),
  );
  await Promise.all(inflight);
  return c.result(recorder, 'f');
}

/**
 * Closed loop: every sender keeps exactly one `send_message` in flight for `durationS` seconds,
 * so the relay sees `senders.length` concurrent sends — the concurrency of the PutItem baseline.
 */
export async function saturate(
  senders: readonly Sender[],
  opts: { durationS: number; contentBytes: number },
  recorder: DeliveryRecorder,
): Promise<PhaseResult> {
  const c = new PhaseCounter();
  const end = nowMicros() + opts.durationS * 1e6;
  await Promise.all(
    senders.map(async (s) => {
      while (nowMicros() < end) await c.send(s, 's', opts.contentBytes);
    }),
  );
  return c.result(recorder, 's');
}
