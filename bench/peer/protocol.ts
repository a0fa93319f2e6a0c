// IPC messages between the peer bench's coordinator (bench/peer.ts) and its driver workers (bench/peer/worker.ts).

/** Which server a worker's clients speak to. */
export type PeerMode = 'lair' | 'irc';

/** One client a worker opens: Lair clients authenticate with `token`, IRC clients register as `nick` and join `channel`. */
export interface WorkerClient {
  index: number;
  token: string;
  nick: string;
  /** Lair room id or IRC channel name. */
  target: string;
}

/** One room's sender: the client index and its room (id or channel), with the room's member count. */
export interface WorkerSender {
  index: number;
  target: string;
  members: number;
}

/** Coordinator -> worker. */
export type ToWorker =
  | {
      op: 'open';
      mode: PeerMode;
      port: number;
      encryption: boolean;
      clients: WorkerClient[];
      concurrency: number;
      /** Tries per client before the open fails (default 5; the reconnect storm retries longer). */
      attempts?: number;
    }
  | {
      op: 'phase';
      /** Warm-up, fixed, or the reconnect storm's send window (`s`). */
      phase: 'w' | 'f' | 's';
      /** Start of the schedule on the machine-wide monotonic clock, µs. */
      startMicros: number;
      rate: number;
      durationS: number;
      contentBytes: number;
      /** Index of this worker's first sender among all senders (staggering), and the total. */
      senderOffset: number;
      senderTotal: number;
      senders: WorkerSender[];
    }
  | { op: 'count'; phase: 'w' | 'f' | 's' }
  | { op: 'collect'; phase: 'w' | 'f' | 's' }
  | { op: 'close' };

/** Worker -> coordinator. */
export type FromWorker =
  | { op: 'opened'; ms: number; retries: number }
  | {
      op: 'phaseDone';
      sent: number;
      acked: number;
      expected: number;
      errors: Record<string, number>;
      /** Ids of the acknowledged messages (the storm phase only). */
      ackedIds?: string[];
    }
  | { op: 'counted'; received: number }
  | {
      op: 'collected';
      received: number;
      /** hdr-histogram-js compressed base64 of the µs latencies. */
      histogram: string;
      /** Deliveries whose stamp was older than the phase (a message counted twice would show here). */
      unexpectedCloses: number;
    }
  | { op: 'failed'; error: string };
