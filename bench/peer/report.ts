// Result shape and stdout table of the peer bench: one column per server, the ratios against ngircd and the issue's targets.
import type { MachineInfo } from '../lib/proc.js';
import type { ProfileSummary } from '../lib/profile-summary.js';
import type { SdkFloorResult } from './sdk-floor-spawn.js';
import type { LatencySummary } from '../lib/stats.js';
import type { PeerArgs, PeerServerName } from './args.js';
import type { PoolPhase } from './pool.js';

/** Memory of a server at one number of idle connected (and authenticated/registered) clients. */
export interface MemoryStep {
  connections: number;
  /** VmRSS, no forced GC, KiB. */
  rssKb: number;
  /** (VmRSS now − VmRSS before any client) / connections, no forced GC, KiB. */
  perConnKb: number;
  /** Our relay only: VmRSS after two forced full GCs, and its Δ per connection, KiB. */
  gcRssKb?: number;
  /** (VmRSS now − VmRSS at the warm batch) / added connections, KiB (no GC / after GC). */
  marginalKb?: number;
  gcMarginalKb?: number;
  gcPerConnKb?: number;
  heapUsedPerConnKb?: number;
  /** Our relay only, after the forced GC: V8 heap used / committed and external memory, KiB. */
  heapUsedKb?: number;
  heapTotalKb?: number;
  externalKb?: number;
}

/** Reconnect storm result (issue 16 item 5): times are ms from the SIGKILL. */
export interface StormResult {
  clients: number;
  /** Messages sent in the window around the kill / acknowledged before it / errors by code. */
  sent: number;
  acked: number;
  errors: Record<string, number>;
  /** Acknowledged messages not found by a consistent read afterwards (target 0). */
  ackedLost: number;
  /** SIGKILL -> new relay listening. */
  restartMs: number;
  /** SIGKILL -> every client authenticated on the new relay (target ≤ 15 000). */
  allAuthenticatedMs: number;
  /** New relay listening -> every client authenticated. */
  reauthMs: number;
  authConcurrency: number;
  driverConcurrency: number;
  loadStart: number;
  loadEnd: number;
  /** The new relay's DynamoDB calls during the re-authentication, by label, per client (probe). */
  callsPerClient?: Record<string, number>;
  /** The new relay's CPU during the re-authentication, s. */
  relayCpuS?: number;
  /** DynamoDB Local's raw ceiling measured right after: consistent GetItems/s, 64 in flight, from the driver. */
  rawGetsPerSecond?: number;
}

/** One server's part of a run. */
export interface ServerRun {
  name: PeerServerName;
  version: string;
  pid: number;
  connectMs: number;
  rssBeforeKb: number;
  /** VmRSS with no client, after the settle time (no GC; for ours also after a forced GC), KiB. */
  rssNoClientsKb?: number;
  gcRssNoClientsKb?: number | null;
  memory: MemoryStep[];
  /** Server CPU over 5 s with every client connected and silent (keep-alives only), cores. */
  idleCores: number;
  /** The separate stream process (poller + consumers) over the same idle window, cores; null without one. */
  idleStreamsCores?: number | null;
  fixed:
    | (PoolPhase & {
        missing: number;
        wallSeconds: number;
        serverCpuSeconds: number;
        /** Server CPU (utime + stime, /proc/<pid>/stat) / deliveries received, µs. */
        cpuPerDeliveryUs: number;
        /** CPU of the separate stream process (poller + consumers) / deliveries received, µs; null without one. */
        streamsCpuPerDeliveryUs?: number | null;
        driverCpuPerDeliveryUs: number;
        cores: {
          server: number;
          streams?: number | null;
          driver: number;
          dynamodbLocal: number | null;
          machine: number;
        };
        loadStart: number;
        loadEnd: number;
      })
    | null;
  profile?: { path: string; summary: ProfileSummary } | null;
  /** Reconnect storm (`--storm`, lair only). */
  storm?: StormResult | null;
  /** The relay's V8 CPU profile over the idle window (`--profile`). */
  idleProfile?: { path: string; summary: ProfileSummary } | null;
}

/** The whole run (written to bench/results/<startedAt>-peer.json). */
export interface PeerResult {
  startedAt: string;
  label: string;
  command: string;
  args: PeerArgs;
  machine: MachineInfo;
  loadavgEnd: number[];
  rooms: number;
  /** Raw PutItem p50 at the fixed phase's arrival rate, same DynamoDB Local (null for IRC-only runs). */
  pacedPut: LatencySummary | null;
  /** CPU per call of the bare SDK write a send makes, own process, same DynamoDB Local (null for IRC-only runs). */
  sdkFloor?: SdkFloorResult | null;
  runs: ServerRun[];
}

const f = (n: number | null | undefined, d = 2): string =>
  n === null || n === undefined || Number.isNaN(n) ? '—' : n.toFixed(d);

/** The table: rows = metrics, columns = servers, then the ratios vs ngircd with the issue's targets. */
export function formatPeerReport(r: PeerResult): string {
  const cols = r.runs;
  const lines: string[] = [];
  const row = (label: string, cells: string[]): void => {
    lines.push(`| ${label.padEnd(44)} | ${cells.map((c) => c.padStart(12)).join(' | ')} |`);
  };
  lines.push(
    '',
    `Peer bench ${r.startedAt} ${r.label}: ${r.args.clients} clients, rooms of ${r.args.roomSize} (${r.rooms} rooms), ${r.args.rate} msg/s per room, ${r.args.duration} s, ${r.args.workers} driver workers`,
    `machine: ${r.machine.nproc} cores ${r.machine.cpuModel}, ${r.machine.node}; load ${r.machine.loadavg.join(' ')} -> ${r.loadavgEnd.join(' ')} (shared machine: absolute numbers are noisy, read the ratios)`,
    ...cols.map((c) => `  ${c.name}: ${c.version}`),
    '',
  );
  row(
    'metric',
    cols.map((c) => c.name),
  );
  row(
    '-'.repeat(44),
    cols.map(() => '-'.repeat(12)),
  );
  row(
    'total RSS with no client, no GC / forced GC, MiB',
    cols.map((c) => `${f((c.rssNoClientsKb ?? NaN) / 1024, 1)}/${f((c.gcRssNoClientsKb ?? NaN) / 1024, 1)}`),
  );
  for (const [i, step] of (cols[0]?.memory ?? []).entries()) {
    if (i === 0) {
      row(
        `total RSS at warm batch of ${step.connections}, MiB`,
        cols.map((c) => f((c.memory[i]?.rssKb ?? NaN) / 1024, 1)),
      );
      continue;
    }
    row(
      `RSS/conn at ${step.connections}, no GC, KiB`,
      cols.map((c) => f(c.memory[i]?.perConnKb)),
    );
    row(
      `  marginal after warm batch, no GC, KiB`,
      cols.map((c) => f(c.memory[i]?.marginalKb)),
    );
    row(
      `  marginal after warm batch, forced GC, KiB`,
      cols.map((c) => f(c.memory[i]?.gcMarginalKb)),
    );
    row(
      `total RSS at ${step.connections}, no GC / forced GC, MiB`,
      cols.map(
        (c) => `${f((c.memory[i]?.rssKb ?? NaN) / 1024, 1)}/${f((c.memory[i]?.gcRssKb ?? NaN) / 1024, 1)}`,
      ),
    );
    row(
      `  V8 heap used / committed after GC at ${step.connections}, MiB`,
      cols.map(
        (c) =>
          `${f((c.memory[i]?.heapUsedKb ?? NaN) / 1024, 1)}/${f((c.memory[i]?.heapTotalKb ?? NaN) / 1024, 1)}`,
      ),
    );
  }
  row(
    'connect + auth/register all, s',
    cols.map((c) => f(c.connectMs / 1000, 1)),
  );
  if (cols.every((c) => c.fixed !== null)) {
    const x = (c: ServerRun): NonNullable<ServerRun['fixed']> => c.fixed!;
    row(
      'messages sent / acked',
      cols.map((c) => `${x(c).sent}/${c.name === 'irc' || c.name === 'node-floor' ? '—' : x(c).acked}`),
    );
    row(
      'deliveries expected / received',
      cols.map((c) => `${x(c).expected}/${x(c).received}`),
    );
    row(
      'missing deliveries (target 0)',
      cols.map((c) => String(x(c).missing)),
    );
    row(
      'fan-out p50, ms',
      cols.map((c) => f(x(c).latency.p50, 3)),
    );
    row(
      'fan-out p99, ms',
      cols.map((c) => f(x(c).latency.p99, 3)),
    );
    row(
      'fan-out max, ms',
      cols.map((c) => f(x(c).latency.max, 3)),
    );
    row(
      'server CPU per delivery (relay process), µs',
      cols.map((c) => f(x(c).cpuPerDeliveryUs)),
    );
    row(
      '  stream process (consumers) CPU/delivery, µs',
      cols.map((c) => f(x(c).streamsCpuPerDeliveryUs)),
    );
    row(
      '  whole stack (relay + streams) CPU/delivery, µs',
      cols.map((c) =>
        x(c).streamsCpuPerDeliveryUs == null
          ? '—'
          : f(x(c).cpuPerDeliveryUs + (x(c).streamsCpuPerDeliveryUs ?? 0)),
      ),
    );
    row(
      'driver CPU per delivery, µs',
      cols.map((c) => f(x(c).driverCpuPerDeliveryUs)),
    );
    row(
      'cores: server / driver',
      cols.map((c) => `${f(x(c).cores.server)}/${f(x(c).cores.driver)}`),
    );
    row(
      'cores: stream process (busy / idle window)',
      cols.map((c) =>
        x(c).cores.streams == null ? '—' : `${f(x(c).cores.streams)}/${f(c.idleStreamsCores)}`,
      ),
    );
    row(
      'cores: server idle (all connected, silent)',
      cols.map((c) => f(c.idleCores)),
    );
    row(
      'cores: DynamoDB Local / whole machine',
      cols.map((c) => `${f(x(c).cores.dynamodbLocal)}/${f(x(c).cores.machine)}`),
    );
    row(
      '1-min load at phase start / end',
      cols.map((c) => `${f(x(c).loadStart)}/${f(x(c).loadEnd)}`),
    );
    if (r.pacedPut)
      lines.push(
        `PutItem p50 paced at ${r.rooms * r.args.rate}/s: ${f(r.pacedPut.p50, 3)} ms (p99 ${f(r.pacedPut.p99, 3)})`,
      );
    const peer = cols.find((c) => c.name === 'irc');
    const floor = cols.find((c) => c.name === 'node-floor')?.fixed;
    if (r.sdkFloor) {
      const perDelivery = r.sdkFloor.transact.cpuPerCallUs / r.args.roomSize;
      lines.push(
        `SDK write floor (own process, ${r.sdkFloor.transact.calls} sequential calls): send TransactWriteItems ${f(r.sdkFloor.transact.cpuPerCallUs, 1)} µs CPU/call (p50 ${f(r.sdkFloor.transact.latency.p50, 3)} ms), PutItem ${f(r.sdkFloor.putItem.cpuPerCallUs, 1)} µs CPU/call (p50 ${f(r.sdkFloor.putItem.latency.p50, 3)} ms)`,
        `  per delivery (÷ ${r.args.roomSize} recipients): TransactWriteItems ${f(perDelivery)} µs, PutItem ${f(r.sdkFloor.putItem.cpuPerCallUs / r.args.roomSize)} µs`,
      );
      const lowLevel = r.sdkFloor.transactLowLevel;
      if (lowLevel)
        lines.push(
          `  the same transaction, low-level client + cacheMiddleware: ${f(lowLevel.cpuPerCallUs, 1)} µs CPU/call (p50 ${f(lowLevel.latency.p50, 3)} ms)`,
        );
      if (peer?.fixed && floor) {
        const budget = 1.5 * peer.fixed.cpuPerDeliveryUs;
        const least = floor.cpuPerDeliveryUs + perDelivery;
        lines.push(
          `  floor of a persisting Node relay = node-floor ${f(floor.cpuPerDeliveryUs)} + SDK write ${f(perDelivery)} = ${f(least)} µs/delivery vs target 1.5 x ngircd = ${f(budget)} µs (${least <= budget ? 'reachable' : 'NOT reachable on Node + the AWS SDK'})`,
        );
      }
    }
    if (peer?.fixed) {
      lines.push('', 'Ratios vs ngircd (same run) and targets (issue 16):');
      const p = peer.fixed;
      for (const c of cols.filter((k) => k.name !== 'irc')) {
        const isLair = c.name.startsWith('lair');
        const o = x(c);
        const cpu = o.cpuPerDeliveryUs / p.cpuPerDeliveryUs;
        const p99 = o.latency.p99 / p.latency.p99;
        const net = r.pacedPut ? o.latency.p50 - r.pacedPut.p50 : NaN;
        const ok = (b: boolean): string => (b ? 'PASS' : 'FAIL');
        if (!isLair) {
          lines.push(
            `  ${c.name} (no storage, reference): CPU/delivery ${f(cpu)}x ngircd, p50 ${f(o.latency.p50 / p.latency.p50)}x, p99 ${f(p99)}x`,
          );
          continue;
        }
        const stack =
          o.streamsCpuPerDeliveryUs == null
            ? ''
            : ` [whole stack relay + streams ${f((o.cpuPerDeliveryUs + o.streamsCpuPerDeliveryUs) / p.cpuPerDeliveryUs)}x]`;
        lines.push(
          `  ${c.name}: CPU/delivery ${f(cpu)}x (<= 1.5: ${ok(cpu <= 1.5)})${stack}; p99 ${f(p99)}x (<= 3: ${ok(p99 <= 3)}); ` +
            `p50 - PutItem p50 = ${f(net, 3)} ms vs ngircd p50 ${f(p.latency.p50, 3)} (${ok(net <= p.latency.p50)}); ` +
            `driver below server: ${ok(o.cores.driver < o.cores.server)}; missing ${o.missing} (${ok(o.missing === 0)})`,
        );
      }
      const tx = r.sdkFloor?.transact.latency.p50;
      for (const c of cols.filter((k) => (k.name === 'lair' || k.name === 'lair-enc') && tx !== undefined))
        lines.push(
          `  ${c.name}: p50 - the send's own TransactWriteItems p50 (SDK floor, sequential) = ${f(x(c).latency.p50 - (tx ?? NaN), 3)} ms vs ngircd p50 ${f(p.latency.p50, 3)}`,
        );
      const enc = cols.find((c) => c.name === 'lair-enc')?.fixed;
      const plain = cols.find((c) => c.name === 'lair')?.fixed;
      if (enc && plain)
        lines.push(
          `  encrypted p50 / plaintext p50: ${f(enc.latency.p50 / plain.latency.p50)}x (<= 1.2: ${enc.latency.p50 / plain.latency.p50 <= 1.2 ? 'PASS' : 'FAIL'})`,
        );
    }
    for (const c of cols) {
      for (const [label, p] of [
        ['fixed phase', c.profile],
        ['idle window', c.idleProfile],
      ] as const) {
        if (!p) continue;
        lines.push('', `CPU profile of ${c.name} (${label}), top self time:`);
        for (const t of p.summary.topFunctions.slice(0, 12))
          lines.push(`  ${f(t.pct, 1).padStart(5)} %  ${t.name}`);
      }
    }
  }
  for (const c of cols) {
    const st = c.storm;
    if (!st) continue;
    lines.push(
      '',
      `Reconnect storm (${c.name}, ${st.clients} clients, admission ${st.authConcurrency} at once, driver ${st.driverConcurrency} at once; load ${f(st.loadStart)} -> ${f(st.loadEnd)}):`,
      `  SIGKILL -> new relay listening ${f(st.restartMs / 1000, 1)} s; -> all re-authenticated ${f(st.allAuthenticatedMs / 1000, 1)} s (<= 15 s: ${st.allAuthenticatedMs <= 15_000 ? 'PASS' : 'FAIL'}); re-auth alone ${f(st.reauthMs / 1000, 1)} s`,
      `  send window: ${st.sent} sent, ${st.acked} acknowledged, errors ${JSON.stringify(st.errors)}; acknowledged but lost: ${st.ackedLost} (0: ${st.ackedLost === 0 ? 'PASS' : 'FAIL'})`,
      ...(st.relayCpuS !== undefined
        ? [
            `  new relay CPU during re-auth ${f(st.relayCpuS, 1)} s = ${f((st.relayCpuS * 1000) / st.clients, 2)} ms per client; raw DynamoDB Local ceiling ${st.rawGetsPerSecond ?? '?'} GetItem/s (64 in flight, driver process)`,
          ]
        : []),
      ...(st.callsPerClient && Object.keys(st.callsPerClient).length > 0
        ? [
            `  new relay during re-auth: CPU ${f(st.relayCpuS ?? Number.NaN, 1)} s; DynamoDB calls per client: ${Object.entries(
              st.callsPerClient,
            )
              .map(([label, n]) => `${label} ${n}`)
              .join(', ')}`,
          ]
        : []),
    );
  }
  lines.push('');
  return lines.join('\n');
}
