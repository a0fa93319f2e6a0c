// Bench result: its JSON shape, the three target checks of the issue, the stdout table and the JSON file.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import type { BenchArgs } from './args.js';
import type { OpBaseline, PutItemBaseline } from './dynamo.js';
import type { PerConnectionHeap } from './heap-summary.js';
import type { PhaseResult } from './load.js';
import type { ProfileSummary } from './profile-summary.js';
import type { MachineInfo } from './proc.js';
import type { RelayMemory } from './relay-process.js';
import type { LatencySummary } from './stats.js';

/** CPU use during one phase, in cores (CPU seconds / wall seconds). */
export interface PhaseCpu {
  relay: number;
  bench: number;
  dynamodbLocal: number | null;
  /** Every process on the machine (other engineers' tests included). */
  machine: number;
  steal: number;
}

/** A fixed-rate or saturation phase with its fan-out latency and relay-side observations. */
export interface PhaseReport extends PhaseResult {
  /** send -> `message_received` at each member (sender included), ms. */
  fanout: LatencySummary;
  /** send -> `message_received` at the first member of each message, ms. */
  fanoutFirst: LatencySummary;
  cpu: PhaseCpu;
  /** Relay event-loop delay during the phase, ms. */
  relayLoopDelay: { p50: number; p99: number; max: number; mean: number };
  /** Relay DynamoDB calls during the phase, per acknowledged message, by label. */
  relayCallsPerMessage: Record<string, { calls: number; ms: number }>;
}

/** One target of the issue and how this run did against it. */
export interface TargetCheck {
  name: string;
  value: number;
  limit: string;
  pass: boolean;
}

/** Everything one run measured (written as bench/results/<timestamp>.json). */
export interface BenchResult {
  startedAt: string;
  label: string;
  command: string;
  args: BenchArgs;
  machine: MachineInfo;
  loadavgEnd: number[];
  setup: {
    rooms: number;
    usersMs: number;
    roomsMs: number;
    connectMs: number;
    connectPerSecond: number;
    handshake: LatencySummary;
    eventsDuringConnect: Record<string, number>;
  };
  relay: {
    pid: number;
    /** With no connection. */
    before: RelayMemory;
    /** With the first small batch of connections (one-time costs paid). */
    warm: RelayMemory & { connections: number };
    /** With every client connected, authenticated and idle. */
    idle: RelayMemory;
    /**
     * KiB per connection: (idle - before) / clients for VmRSS after GC (`rss`), the same with
     * V8's free committed heap (heapTotal - heapUsed) taken out (`rssLive`, the target's measure:
     * V8 keeps or releases tens of MiB of empty heap after GC at will), VmRSS without GC, V8 heap used and external memory; `rssMarginal` =
     * (idle - warm) / (clients - warm connections); `heapTotal` = V8 heap committed.
     */
    perConnectionKb: {
      rss: number;
      rssLive: number;
      rssRaw: number;
      heapUsed: number;
      heapTotal: number;
      external: number;
      rssMarginal: number;
    };
    /** Heap snapshot diff warm -> idle per connection, largest classes first (--heap-snapshot). */
    heapPerConnection: PerConnectionHeap[] | null;
    warnings: Record<string, number>;
    unexpectedCloses: number;
  };
  baseline: PutItemBaseline;
  /** PutItem at the fixed phase's total arrival rate, open loop (informational, see pacedPutItem). */
  pacedPut?: { ratePerSecond: number; latency: LatencySummary };
  /** Candidate one-round-trip send: TransactWriteItems(ConditionCheck session, ConditionCheck membership, Put message). */
  candidate: OpBaseline;
  warmup: PhaseResult;
  fixed: PhaseReport;
  saturation: PhaseReport | null;
  verify: { acked: number; stored: number; match: boolean };
  ratios: {
    fanoutP50OverPutP50: number;
    throughputOverPut: number | null;
    rssKbPerConnection: number;
    /** Informational: fan-out p50 / paced PutItem p50 (not a target). */
    fanoutP50OverPacedPutP50?: number;
  };
  targets: TargetCheck[];
  /** Relay CPU profiles (--profile), one per load phase. */
  profiles: { phase: string; path: string; summary: ProfileSummary }[] | null;
}

const round = (n: number, d = 2): number => Math.round(n * 10 ** d) / 10 ** d;

/** Computes the issue's ratios and PASS/FAIL checks from a result (fills `ratios` and `targets`). */
export function judge(r: Omit<BenchResult, 'ratios' | 'targets'>): Pick<BenchResult, 'ratios' | 'targets'> {
  const fanoutRatio = round(r.fixed.fanout.p50 / r.baseline.sequential.p50);
  const tput =
    r.saturation === null ? null : round(r.saturation.persistedPerSecond / r.baseline.opsPerSecond);
  const rss = r.relay.perConnectionKb.rssLive;
  const targets: TargetCheck[] = [
    { name: 'fan-out p50 / PutItem p50', value: fanoutRatio, limit: '<= 2', pass: fanoutRatio <= 2 },
    {
      name: 'relay RSS/idle conn, KiB (free heap excl.)',
      value: rss,
      limit: '<= 16',
      pass: rss > 0 && rss <= 16,
    },
  ];
  if (tput !== null) {
    targets.push({
      name: 'msgs/s / PutItem ops/s (same concurrency)',
      value: tput,
      limit: '>= 0.70',
      pass: tput >= 0.7,
    });
  }
  const paced =
    r.pacedPut === undefined
      ? {}
      : { fanoutP50OverPacedPutP50: round(r.fixed.fanout.p50 / r.pacedPut.latency.p50) };
  return {
    ratios: { fanoutP50OverPutP50: fanoutRatio, throughputOverPut: tput, rssKbPerConnection: rss, ...paced },
    targets,
  };
}

const lat = (l: LatencySummary): string => `p50 ${l.p50} / p99 ${l.p99} / max ${l.max} ms (n=${l.count})`;

function phaseLines(name: string, p: PhaseReport): string[] {
  const calls = Object.entries(p.relayCallsPerMessage)
    .filter(([, v]) => v.calls >= 0.05)
    .map(([k, v]) => `${k} x${v.calls} (${v.ms} ms)`)
    .join(', ');
  return [
    `${name}: ${p.acked}/${p.sent} acked in ${p.elapsedSeconds} s = ${p.persistedPerSecond} msgs/s persisted; errors ${JSON.stringify(p.errors)}`,
    `  fan-out    ${lat(p.fanout)}; deliveries ${p.receivedDeliveries}/${p.expectedDeliveries}`,
    `  1st member ${lat(p.fanoutFirst)}`,
    `  send->ack  ${lat(p.ack)}; bench schedule lag p99 ${p.scheduleLagMs.p99} ms`,
    `  CPU cores  relay ${p.cpu.relay}, bench ${p.cpu.bench}, DynamoDB Local ${p.cpu.dynamodbLocal ?? 'n/a'}, whole machine ${p.cpu.machine} (steal ${p.cpu.steal})`,
    `  relay event-loop delay p50 ${p.relayLoopDelay.p50} / p99 ${p.relayLoopDelay.p99} / max ${p.relayLoopDelay.max} ms`,
    `  relay DynamoDB calls per message: ${calls}`,
  ];
}

/** The human-readable summary printed at the end of a run. */
export function formatReport(r: BenchResult): string {
  const m = r.machine;
  const lines = [
    '',
    `=== Lair Chat fan-out bench ${r.startedAt} ${r.label} ===`,
    `command   ${r.command}`,
    `machine   ${m.nproc} cores ${m.cpuModel}, ${m.totalMemoryMiB} MiB, node ${m.node}, ${m.java}, ulimit -n ${m.fdSoftLimit}`,
    `load      start ${m.loadavg.join(' ')}  end ${r.loadavgEnd.join(' ')}`,
    ...(r.args.whatIfCache
      ? [
          'WHAT-IF   relay reads of session/user/membership cached by the bench probe (simulated fix, not the shipped relay)',
        ]
      : []),
    ...(r.args.whatIfNoHeartbeat
      ? [
          'WHAT-IF   per-connection presence heartbeat Puts skipped by the bench probe (simulated fix, not the shipped relay)',
        ]
      : []),
    `scenario  ${r.args.clients} clients, ${r.setup.rooms} rooms of ${r.args.roomSize}, ${r.args.rate} msg/s per room for ${r.args.duration} s, encryption ${r.args.encryption ? 'on' : 'off'}, content ${r.args.contentBytes} B`,
    `setup     users ${r.setup.usersMs} ms, rooms ${r.setup.roomsMs} ms, connect+auth ${r.setup.connectMs} ms (${r.setup.connectPerSecond}/s; handshake ${lat(r.setup.handshake)})`,
    `          events pushed during connect: ${JSON.stringify(r.setup.eventsDuringConnect)}`,
    `relay RSS before ${r.relay.before.rssKb} KiB, idle with ${r.args.clients} conns ${r.relay.idle.rssKb} KiB => ${r.relay.perConnectionKb.rss} KiB/conn; without V8 free heap ${r.relay.perConnectionKb.rssLive} KiB/conn`,
    `          (marginal after ${r.relay.warm.connections} warm conns ${r.relay.perConnectionKb.rssMarginal}, no-GC ${r.relay.perConnectionKb.rssRaw}, V8 heap used ${r.relay.perConnectionKb.heapUsed} / committed ${r.relay.perConnectionKb.heapTotal}, external ${r.relay.perConnectionKb.external} KiB/conn)`,
    ...(r.relay.heapPerConnection
      ? [
          `          heap per connection by class: ${r.relay.heapPerConnection
            .slice(0, 12)
            .map((h) => `${h.name} ${h.bytesPerConnection} B x${h.objectsPerConnection}`)
            .join(', ')}`,
        ]
      : []),
    `PutItem   sequential ${lat(r.baseline.sequential)}`,
    `          ${r.baseline.concurrency} concurrent: ${r.baseline.opsPerSecond} ops/s, ${lat(r.baseline.concurrent)}`,
    ...(r.pacedPut
      ? [
          `          paced ${r.pacedPut.ratePerSecond}/s open loop (fixed phase's arrival rate): ${lat(r.pacedPut.latency)}`,
        ]
      : []),
    `candidate TransactWrite(2 checks + Put) sequential ${lat(r.candidate.sequential)}`,
    `          ${r.candidate.concurrency} concurrent: ${r.candidate.opsPerSecond} ops/s, ${lat(r.candidate.concurrent)}`,
    ...phaseLines('fixed rate', r.fixed),
    ...(r.saturation ? phaseLines('saturation', r.saturation) : []),
    `verify    acked ${r.verify.acked}, stored in table ${r.verify.stored} => ${r.verify.match ? 'OK' : 'MISMATCH'}`,
    `relay warnings ${JSON.stringify(r.relay.warnings)}, unexpected client closes ${r.relay.unexpectedCloses}`,
    '',
    'target                                         value    limit    result',
    ...r.targets.map(
      (t) =>
        `${t.name.padEnd(46)} ${String(t.value).padEnd(8)} ${t.limit.padEnd(8)} ${t.pass ? 'PASS' : 'FAIL'}`,
    ),
    ...(r.ratios.fanoutP50OverPacedPutP50 !== undefined
      ? [`(info) fan-out p50 / paced PutItem p50          ${r.ratios.fanoutP50OverPacedPutP50}`]
      : []),
  ];
  for (const p of r.profiles ?? []) {
    lines.push('', `relay CPU profile, ${p.phase} phase (self time by area, idle included): ${p.path}`);
    for (const a of p.summary.byArea.slice(0, 10)) lines.push(`  ${String(a.pct).padStart(5)}%  ${a.name}`);
    lines.push('  top functions:');
    for (const f of p.summary.topFunctions.slice(0, 8))
      lines.push(`  ${String(f.pct).padStart(5)}%  ${f.name}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes `<outDir>/<startedAt><suffix>.json` (formatted by the repository's Prettier config) and
 * returns its path. Any result with a `startedAt` (the fan-out {@link BenchResult}, bench/lifecycle.ts's).
 */
export async function writeResult(r: { startedAt: string }, outDir: string, suffix = ''): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, `${r.startedAt.replace(/[:.]/g, '-')}${suffix}.json`);
  const options = (await resolveConfig(path)) ?? {};
  await writeFile(path, await format(JSON.stringify(r), { ...options, parser: 'json' }));
  return path;
}
