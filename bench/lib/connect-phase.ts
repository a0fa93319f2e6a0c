// Connect phase of a run: relay memory with 0 connections, a warm batch and all N idle clients (+ optional heap diff).
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchArgs } from './args.js';
import type { ClientPool } from './clients.js';
import { heapCensus, heapDiff, type PerConnectionHeap } from './heap-summary.js';
import type { BenchUser } from './population.js';
import type { RelayMemory, RelayProcess } from './relay-process.js';

/** What {@link connectPhase} measured. */
export interface ConnectPhaseResult {
  /** Relay memory with no connection, with the warm batch, with every client idle. */
  memory: { before: RelayMemory; warm: RelayMemory; idle: RelayMemory };
  /** Size of the first batch. */
  warmCount: number;
  /** Wall time to connect + authenticate every client after the warm batch, ms. */
  connectMs: number;
  /** Events pushed to the clients while they connected (the `user_online` broadcast), by type. */
  eventsDuringConnect: Record<string, number>;
  /** Heap snapshot diff per connection (--heap-snapshot), else null. */
  heapPerConnection: PerConnectionHeap[] | null;
}

/** Waits until no pushed event arrived for 2 s (the `user_online` broadcast has drained). */
async function quiet(pool: ClientPool): Promise<void> {
  let last = -1;
  while (pool.totalEvents() !== last) {
    last = pool.totalEvents();
    await sleep(2000);
  }
}

/**
 * Reads the relay's memory (after `--settle` s and a forced GC) with no connection, connects a
 * first small batch — it pays the relay's one-time costs (JIT, SDK sockets), so the marginal
 * per-connection cost can be read beside the from-zero one — reads again, connects everybody
 * else, waits for the pushed events to drain, and reads a third time.
 */
export async function connectPhase(
  args: BenchArgs,
  relay: RelayProcess,
  pool: ClientPool,
  users: readonly BenchUser[],
  runId: string,
  log: (msg: string) => void,
): Promise<ConnectPhaseResult> {
  const settle = (): Promise<void> => sleep(args.settle * 1000);
  await settle();
  const before = await relay.memory();
  const warmCount = Math.min(50, Math.max(10, Math.round(args.clients / 50)), args.clients - 1);
  await pool.connect(users.slice(0, warmCount));
  await quiet(pool);
  await settle();
  const warm = await relay.memory();
  const snapshot = (when: string): string => join(tmpdir(), `lair-bench-${runId}-${when}.heapsnapshot`);
  if (args.heapSnapshot) await relay.heapSnapshot(snapshot('warm'));

  log(
    `connecting ${args.clients - warmCount} more clients (${args.connectConcurrency} at a time${args.encryption ? ', encrypted' : ''})`,
  );
  const connectMs = await pool.connect(users.slice(warmCount));
  log(`connected in ${connectMs} ms; waiting for pushed events to drain`);
  await quiet(pool);
  const eventsDuringConnect = Object.fromEntries(pool.eventsByType);
  await settle();
  const idle = await relay.memory();
  log(`relay RSS ${before.rssKb} -> ${warm.rssKb} (${warmCount} conns) -> ${idle.rssKb} KiB`);

  let heapPerConnection: PerConnectionHeap[] | null = null;
  if (args.heapSnapshot) {
    await relay.heapSnapshot(snapshot('idle'));
    heapPerConnection = heapDiff(
      await heapCensus(snapshot('warm')),
      await heapCensus(snapshot('idle')),
      args.clients - warmCount,
    );
    await Promise.all(['warm', 'idle'].map((w) => rm(snapshot(w), { force: true })));
  }
  return { memory: { before, warm, idle }, warmCount, connectMs, eventsDuringConnect, heapPerConnection };
}
