// Linux /proc readings for the bench: a process's RSS and CPU time, child lookup, fd limit and machine description.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

/** Resident set size of `pid` in **KiB** (`VmRSS` of /proc/<pid>/status); NaN when unreadable. */
export function rssKb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] === undefined ? Number.NaN : Number(m[1]);
  } catch {
    return Number.NaN;
  }
}

/** User + system CPU time of `pid` in **seconds** (/proc/<pid>/stat, 100 ticks/s); NaN when unreadable. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Pids whose parent is `ppid` and whose command name (`comm`) is `comm`. */
export function childPids(ppid: number, comm: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === ppid && name === comm) out.push(Number(entry));
    } catch {
      // the process went away while we looked
    }
  }
  return out;
}

/** Open-file limits of this process (`Max open files` of /proc/self/limits); NaN = unlimited/unknown. */
export function fdLimits(): { soft: number; hard: number } {
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  const num = (s: string | undefined): number =>
    s === undefined || s === 'unlimited' ? Number.NaN : Number(s);
  return { soft: num(m?.[1]), hard: num(m?.[2]) };
}

/** The machine a result was measured on (README "machine" section). */
export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  totalMemoryMiB: number;
  node: string;
  java: string;
  kernel: string;
  fdSoftLimit: number;
  fdHardLimit: number;
  /** 1/5/15-minute load averages at the time of the reading. */
  loadavg: number[];
}

function firstLine(cmd: string, args: string[]): string {
  try {
    const out = execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out.split('\n')[0]?.trim() ?? '';
  } catch (err) {
    // `java -version` writes to stderr; execFileSync only returns stdout, so read it from the error or rerun.
    const e = err as { stderr?: string };
    return e.stderr?.split('\n')[0]?.trim() ?? 'unavailable';
  }
}

function javaVersion(): string {
  try {
    const out = execFileSync('sh', ['-c', 'java -version 2>&1'], { encoding: 'utf8' });
    return out.split('\n')[0]?.trim() ?? 'unavailable';
  } catch {
    return 'unavailable';
  }
}

/** Reads nproc, CPU model, memory, node/java versions, kernel, fd limits and load average. */
export function machineInfo(): MachineInfo {
  const limits = fdLimits();
  return {
    nproc: Number(firstLine('nproc', [])) || cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    totalMemoryMiB: Math.round(totalmem() / 1024 / 1024),
    node: process.version,
    java: javaVersion(),
    kernel: firstLine('uname', ['-sr']),
    fdSoftLimit: limits.soft,
    fdHardLimit: limits.hard,
    loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** Whole-machine CPU tick counters (/proc/stat `cpu` line, all cores summed, 100 ticks/s). */
export interface MachineTicks {
  busy: number;
  total: number;
  steal: number;
}

/** Reads the machine's CPU counters; diff two readings with {@link machineCoresBusy}. */
export function machineTicks(): MachineTicks {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total, steal: v[7] ?? 0 };
}

/** Cores kept busy between two readings (by every process on the machine) and cores stolen by the hypervisor. */
export function machineCoresBusy(
  a: MachineTicks,
  b: MachineTicks,
  seconds: number,
): { busy: number; steal: number } {
  const r = (ticks: number): number => Math.round((ticks / 100 / seconds) * 100) / 100;
  return { busy: r(b.busy - a.busy), steal: r(b.steal - a.steal) };
}
