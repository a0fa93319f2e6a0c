// The peer bench's driver workers: forks N worker processes, splits clients and senders over them, merges their histograms and reads their CPU.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as hdr from 'hdr-histogram-js';
import { cpuSeconds } from '../lib/proc.js';
import { createHistogram, summarize, type LatencySummary } from '../lib/stats.js';
import type { FromWorker, PeerMode, ToWorker, WorkerClient, WorkerSender } from './protocol.js';
import { monoMicros } from './stamp.js';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** Totals of one sending phase over every worker. */
export interface PoolPhase {
  sent: number;
  acked: number;
  expected: number;
  received: number;
  errors: Record<string, number>;
  latency: LatencySummary;
  unexpectedCloses: number;
  /** Ids of the acknowledged messages (storm phase `s` only). */
  ackedIds: string[];
}

/** N forked worker processes (`node --import tsx bench/peer/worker.ts`). */
export class WorkerPool {
  private readonly procs: ChildProcess[];
  private readonly waiters = new Map<ChildProcess, ((m: FromWorker) => void)[]>();

  constructor(n: number) {
    this.procs = Array.from({ length: n }, () =>
      fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    );
    for (const p of this.procs) {
      this.waiters.set(p, []);
      p.on('message', (m: FromWorker) => {
        this.waiters.get(p)?.shift()?.(m);
      });
    }
  }

  /** Pids of the workers. */
  get pids(): number[] {
    return this.procs.map((p) => p.pid ?? -1);
  }

  /** CPU seconds (user + system) of every worker together (/proc/<pid>/stat). */
  cpuSeconds(): number {
    return this.pids.reduce((s, pid) => s + cpuSeconds(pid), 0);
  }

  /** Opens `clients` (round robin over the workers) against `port`; resolves with the wall time, ms. */
  async open(
    mode: PeerMode,
    port: number,
    encryption: boolean,
    clients: WorkerClient[],
    concurrency: number,
    attempts?: number,
  ): Promise<number> {
    const t0 = Date.now();
    const per = Math.max(1, Math.ceil(concurrency / this.procs.length));
    await Promise.all(
      this.procs.map((p, w) =>
        this.ask(p, {
          op: 'open',
          mode,
          port,
          encryption,
          clients: clients.filter((_, i) => i % this.procs.length === w),
          concurrency: per,
          ...(attempts !== undefined ? { attempts } : {}),
        }),
      ),
    );
    return Date.now() - t0;
  }

  /**
   * Runs one phase: each sender is driven by the worker holding its client (index % N), on one
   * schedule staggered across all senders; then waits until every expected delivery arrived (or
   * 10 s without progress) and merges the workers' histograms. The storm phase (`s`) does not
   * wait for deliveries (the relay is killed during it) and returns the acknowledged ids.
   */
  async phase(
    phase: 'w' | 'f' | 's',
    senders: WorkerSender[],
    opts: { rate: number; durationS: number; contentBytes: number },
  ): Promise<PoolPhase> {
    const startMicros = monoMicros() + 200_000;
    const n = this.procs.length;
    const mine = (w: number): WorkerSender[] => senders.filter((s) => s.index % n === w);
    let offset = 0;
    const done = await Promise.all(
      this.procs.map((p, w) => {
        const list = mine(w);
        const msg: ToWorker = {
          op: 'phase',
          phase,
          startMicros,
          ...opts,
          senderOffset: offset,
          senderTotal: senders.length,
          senders: list,
        };
        offset += list.length;
        return this.ask(p, msg);
      }),
    );
    const out: PoolPhase = {
      sent: 0,
      acked: 0,
      expected: 0,
      received: 0,
      errors: {},
      latency: summarize(createHistogram()),
      unexpectedCloses: 0,
      ackedIds: [],
    };
    for (const d of done) {
      if (d.op !== 'phaseDone') continue;
      out.sent += d.sent;
      out.acked += d.acked;
      out.expected += d.expected;
      for (const [k, v] of Object.entries(d.errors)) out.errors[k] = (out.errors[k] ?? 0) + v;
      out.ackedIds.push(...(d.ackedIds ?? []));
    }
    if (phase === 's') return out;
    let last = -1;
    let stalledSince = Date.now();
    for (;;) {
      const counts = await Promise.all(this.procs.map((p) => this.ask(p, { op: 'count', phase })));
      const got = counts.reduce((s, c) => s + (c.op === 'counted' ? c.received : 0), 0);
      if (got >= out.expected) break;
      if (got !== last) {
        last = got;
        stalledSince = Date.now();
      } else if (Date.now() - stalledSince > 10_000) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const merged = createHistogram();
    for (const p of this.procs) {
      const c = await this.ask(p, { op: 'collect', phase });
      if (c.op !== 'collected') continue;
      out.received += c.received;
      out.unexpectedCloses += c.unexpectedCloses;
      merged.add(hdr.decodeFromCompressedBase64(c.histogram));
    }
    out.latency = summarize(merged);
    return out;
  }

  /** Closes every client and ends the workers. */
  async close(): Promise<void> {
    await Promise.all(
      this.procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null) {
              resolve();
              return;
            }
            p.once('exit', () => {
              resolve();
            });
            p.send({ op: 'close' } satisfies ToWorker);
            setTimeout(() => p.kill('SIGKILL'), 5000).unref();
          }),
      ),
    );
  }

  private ask(p: ChildProcess, msg: ToWorker): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      this.waiters.get(p)?.push((m) => {
        if (m.op === 'failed') reject(new Error(`worker ${p.pid}: ${m.error}`));
        else resolve(m);
      });
      p.send(msg);
    });
  }
}
