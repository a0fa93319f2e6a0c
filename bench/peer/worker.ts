// One driver worker process of the peer bench: opens its share of the clients, sends its share of the rooms' messages on schedule, records delivery latencies.
import { setTimeout as sleep } from 'node:timers/promises';
import * as hdr from 'hdr-histogram-js';
import { mapPool } from '../lib/population.js';
import { createHistogram, recordMicros, type Histogram } from '../lib/stats.js';
import { LeanIrcClient } from './irc-client.js';
import { LeanLairClient } from './lair-client.js';
import type { FromWorker, PeerMode, ToWorker, WorkerSender } from './protocol.js';
import { monoMicros, stampContent } from './stamp.js';

type Client = LeanLairClient | LeanIrcClient;

const hist: Record<string, Histogram> = { w: createHistogram(), f: createHistogram(), s: createHistogram() };
const received: Record<string, number> = { w: 0, f: 0, s: 0 };
const clients = new Map<number, Client>();
/** Bumped on every `clients.set`, so the pinger sees replaced clients too. */
let clientsVersion = 0;
let mode: PeerMode = 'lair';
let pinger: NodeJS.Timeout | undefined;
/** Authentications retried after a failure (reported with the phase counts). */
let retries = 0;

const sink = (phase: string, sentMicros: number): void => {
  const h = hist[phase];
  if (h === undefined) return;
  received[phase] = (received[phase] ?? 0) + 1;
  recordMicros(h, monoMicros() - sentMicros);
};

const reply = (msg: FromWorker): void => {
  process.send?.(msg);
};

async function open(msg: Extract<ToWorker, { op: 'open' }>): Promise<void> {
  mode = msg.mode;
  const t0 = Date.now();
  await mapPool(msg.clients, msg.concurrency, async (c) => {
    if (mode === 'lair') {
      // A relay whose DynamoDB call timed out answers internal_error: retry like a client would.
      for (let attempt = 1; ; attempt++) {
        const client = new LeanLairClient(sink);
        try {
          await client.open(msg.port, c.token, msg.encryption, `peer-${c.index}`);
          clients.set(c.index, client);
          clientsVersion += 1;
          break;
        } catch (err) {
          client.close();
          if (attempt >= (msg.attempts ?? 5)) throw err;
          retries += 1;
          await sleep(Math.min(200 * attempt, 2000));
        }
      }
    } else {
      const client = new LeanIrcClient(sink);
      await client.open(msg.port, c.nick, c.target);
      clients.set(c.index, client);
    }
  });
  if (mode === 'lair') {
    // The pinger reads the client map (a storm replaces clients while the old ones are dead): a
    // client that authenticated early in a long re-open must not hit the 90 s idle limit.
    clearInterval(pinger);
    let all = [...clients.values()] as LeanLairClient[];
    let seen = clientsVersion;
    let next = 0;
    const tickMs = 100;
    pinger = setInterval(() => {
      if (clientsVersion !== seen) {
        all = [...clients.values()] as LeanLairClient[];
        seen = clientsVersion;
      }
      const perTick = Math.max(1, Math.ceil(all.length / (60_000 / tickMs)));
      for (let k = 0; k < perTick && all.length > 0; k++) all[next++ % all.length]?.ping();
    }, tickMs);
  }
  reply({ op: 'opened', ms: Date.now() - t0, retries });
}

async function phase(msg: Extract<ToWorker, { op: 'phase' }>): Promise<void> {
  const periodUs = 1e6 / msg.rate;
  const perSender = Math.max(1, Math.round(msg.rate * msg.durationS));
  const out = { sent: 0, acked: 0, expected: 0, errors: {} as Record<string, number> };
  const ackedIds: string[] = [];
  const inflight: Promise<void>[] = [];
  const one = async (s: WorkerSender, k: number): Promise<void> => {
    const client = clients.get(s.index);
    if (client === undefined) throw new Error(`no client ${s.index}`);
    const offset = ((msg.senderOffset + k) / msg.senderTotal) * periodUs;
    for (let i = 0; i < perSender; i++) {
      const due = msg.startMicros + offset + i * periodUs;
      const wait = (due - monoMicros()) / 1000;
      if (wait > 1) await sleep(wait);
      const content = stampContent(msg.phase, monoMicros(), msg.contentBytes);
      out.sent += 1;
      if (client instanceof LeanIrcClient) {
        client.send(s.target, content);
        out.expected += s.members - 1; // IRC does not echo to the sender
      } else {
        inflight.push(
          client.send(s.target, content).then(({ ok, code, messageId }) => {
            if (ok) {
              out.acked += 1;
              out.expected += s.members;
              if (msg.phase === 's') ackedIds.push(messageId);
            } else out.errors[code] = (out.errors[code] ?? 0) + 1;
          }),
        );
      }
    }
  };
  await Promise.all(msg.senders.map(one));
  await Promise.all(inflight);
  reply({ op: 'phaseDone', ...out, ...(msg.phase === 's' ? { ackedIds } : {}) });
}

process.on('message', (msg: ToWorker) => {
  const run = async (): Promise<void> => {
    switch (msg.op) {
      case 'open':
        return open(msg);
      case 'phase':
        return phase(msg);
      case 'count':
        reply({ op: 'counted', received: received[msg.phase] ?? 0 });
        return;
      case 'collect': {
        let closes = 0;
        for (const c of clients.values()) if (c.closedUnexpectedly) closes += 1;
        reply({
          op: 'collected',
          received: received[msg.phase] ?? 0,
          histogram: hdr.encodeIntoCompressedBase64(hist[msg.phase] as Histogram),
          unexpectedCloses: closes,
        });
        return;
      }
      case 'close':
        clearInterval(pinger);
        for (const c of clients.values()) c.close();
        setTimeout(() => process.exit(0), 200);
        return;
    }
  };
  run().catch((err: unknown) => {
    reply({ op: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  });
});
