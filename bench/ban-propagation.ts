// Bench: ban propagation (docs/protocol/extensions.md §9) — ban call → last socket closed, with N sockets of the banned user's sessions spread over two relay processes.
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { LairTcpClient } from '../client/sdk/index.js';
import { composeServices } from '../shared/compose.js';
import { RelayEventPublisher } from '../shared/delivery/relay-publisher.js';
import { toEpochSeconds, toTimestamp } from '../shared/kernel/time.js';
import { createLogger } from '../shared/platform/logger.js';
import { runBench } from './lib/main.js';
import { machineInfo, type MachineInfo } from './lib/proc.js';
import { spawnRelay } from './lib/relay-process.js';
import { sequentialLatency, startStorage } from './lib/dynamo.js';
import { createHistogram, nowMicros, recordMicros, summarize, type LatencySummary } from './lib/stats.js';

interface Args {
  sockets: number;
  rounds: number;
  endpoint: string | undefined;
  outDir: string;
}

interface Result {
  startedAt: string;
  machine: MachineInfo;
  sockets: number;
  rounds: number;
  /** Per round: ban call → each socket closed, ms (p50 / max are the issue's numbers). */
  perRound: {
    close: LatencySummary;
    banCallMs: number;
    noticeStartMs: number;
    noticePostedMs: number;
    /** Where the time goes (issue 14 item 4): bench-process (clients + ban caller) loop delay max, ms. */
    benchLoopMaxMs: number;
    /** Each relay's event-loop delay max during the round's close window, ms. */
    relayLoopMaxMs: number[];
    /** DynamoDB calls the two relays made during the close window, by label (count). */
    relayCalls: Record<string, number>;
  }[];
  /** All rounds together. */
  close: LatencySummary;
  /** Raw DynamoDB Local PutItem, sequential, ms (same run). */
  putItem: LatencySummary;
}

const log = (m: string): void => {
  process.stderr.write(`[ban-bench] ${m}\n`);
};

void runBench<Args, Result>({
  log,
  suffix: '-ban',
  parse(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        sockets: { type: 'string', default: '1000' },
        rounds: { type: 'string', default: '3' },
        endpoint: { type: 'string' },
        out: { type: 'string', default: 'bench/results' },
      },
    });
    const sockets = Number(values.sockets);
    const rounds = Number(values.rounds);
    if (!Number.isInteger(sockets) || sockets < 2 || !Number.isInteger(rounds) || rounds < 1)
      throw new Error('usage: tsx bench/ban-propagation.ts [--sockets 1000] [--rounds 3] [--endpoint URL]');
    return { sockets, rounds, endpoint: values.endpoint, outDir: values.out ?? 'bench/results' };
  },
  async run(args, cleanup) {
    const startedAt = new Date().toISOString();
    const phase = { noticeStart: 0, noticePosted: 0 };
    const storage = await startStorage(args.endpoint);
    cleanup.push(() => storage.stop());
    const secret = randomBytes(16).toString('hex');
    const relays = await Promise.all(
      [0, 1].map(() =>
        spawnRelay({ endpoint: storage.endpoint, tableName: storage.tableName, jwtSecret: secret }),
      ),
    );
    for (const r of relays) cleanup.push(() => r.stop());
    const logger = createLogger('warn', 'ban-bench');
    const { services, repos, deps } = composeServices({
      doc: storage.clients.doc,
      tableName: storage.tableName,
      jwtSecret: secret,
      events: (r) => {
        const inner = new RelayEventPublisher({ presence: r.presence, secret, logger, relayCacheMs: 0 });
        // Phase marks: when the ban's relay notice starts out and when every relay has answered.
        return {
          async publish(...events) {
            const ban = events.some((e) => e.payload.type === 'account_banned');
            if (ban) phase.noticeStart = nowMicros();
            await inner.publish(...events);
            if (ban) phase.noticePosted = nowMicros();
          },
        };
      },
    });
    const moderator = await services.auth.register(
      {
        username: `mod${randomBytes(4).toString('hex')}`,
        email: `m${Date.now()}@bench.example`,
        password: 'bench password 1',
      },
      'http',
    );
    await repos.moderation.setRole(moderator.user.id, 'user', 'moderator', {
      id: deps.ids.uuid(),
      at: toTimestamp(Date.now()),
      actor_id: null,
      actor_username: null,
      action: 'role.grant',
      target_type: 'user',
      target_id: moderator.user.id,
      details: { via: 'bench' },
      ip: null,
      request_id: null,
    });

    const all = createHistogram();
    const perRound: Result['perRound'] = [];
    for (let round = 0; round < args.rounds; round++) {
      const victim = await services.auth.register(
        {
          username: `ban${randomBytes(4).toString('hex')}`,
          email: `b${Date.now()}${round}@bench.example`,
          password: 'bench password 1',
        },
        'http',
      );
      // N sessions of the user, written directly (no Argon2 per session), each with its own token.
      const tokens: string[] = [];
      for (let i = 0; i < args.sockets; i++) {
        const id = deps.ids.uuid();
        const now = Date.now();
        const exp = now + 3_600_000;
        await repos.sessions.create({
          id,
          user_id: victim.user.id,
          protocol: 'tcp',
          created_at: toTimestamp(now),
          expires_at: toTimestamp(exp),
        });
        tokens.push(
          await deps.tokens.issue({
            sub: victim.user.id,
            sid: id,
            username: victim.user.username,
            role: 'user',
            exp: toEpochSeconds(exp),
            iat: toEpochSeconds(now),
          }),
        );
      }
      log(`round ${round + 1}: connecting ${args.sockets} sockets over 2 relays`);
      const clients: LairTcpClient[] = [];
      for (let i = 0; i < tokens.length; i += 50) {
        await Promise.all(
          tokens.slice(i, i + 50).map(async (token, j) => {
            const c = new LairTcpClient();
            c.requestTimeoutMs = 60_000;
            await c.connect({
              host: '127.0.0.1',
              port: relays[(i + j) % 2]!.port,
              keepaliveMs: 0,
              timeoutMs: 60_000,
            });
            await c.authenticate(token);
            clients.push(c);
          }),
        );
      }
      const roundHist = createHistogram();
      let t0 = 0;
      const closed = Promise.all(
        clients.map(
          (c) =>
            new Promise<void>((resolve) => {
              c.once('close', () => {
                const us = nowMicros() - t0;
                recordMicros(roundHist, us);
                recordMicros(all, us);
                resolve();
              });
            }),
        ),
      );
      await Promise.all(relays.map((r) => Promise.all([r.loopDelay(true), r.calls(true)])));
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      t0 = nowMicros();
      await services.moderation.ban(moderator.user.id, victim.user.id, { reason: 'bench' });
      const banCallMs = (nowMicros() - t0) / 1000;
      await closed;
      loop.disable();
      const relayLoops = await Promise.all(relays.map((r) => r.loopDelay(true)));
      const relayCalls: Record<string, number> = {};
      for (const stats of await Promise.all(relays.map((r) => r.calls(true))))
        for (const [label, c] of Object.entries(stats))
          relayCalls[label] = (relayCalls[label] ?? 0) + c.count;
      const ms = (us: number): number => Math.round((us - t0) / 100) / 10;
      perRound.push({
        close: summarize(roundHist),
        banCallMs: Math.round(banCallMs * 10) / 10,
        noticeStartMs: ms(phase.noticeStart),
        noticePostedMs: ms(phase.noticePosted),
        benchLoopMaxMs: Math.round(loop.max / 1e5) / 10,
        relayLoopMaxMs: relayLoops.map((l) => Math.round(l.max * 10) / 10),
        relayCalls,
      });
      log(`round ${round + 1}: p50 ${summarize(roundHist).p50} ms, max ${summarize(roundHist).max} ms`);
    }
    const putItem = await sequentialLatency(
      (i) =>
        storage.clients.doc.send(
          new PutCommand({
            TableName: storage.tableName,
            Item: { PK: `BENCH#${i}`, SK: 'X', v: 'x'.repeat(100) },
          }),
        ),
      { ops: 300, warmup: 50 },
    );
    return {
      startedAt,
      machine: machineInfo(),
      sockets: args.sockets,
      rounds: args.rounds,
      perRound,
      close: summarize(all),
      putItem,
    };
  },
  format(r) {
    const lines = [
      `ban propagation: ${r.sockets} sockets of one user over 2 relay processes, ${r.rounds} rounds`,
      ...r.perRound.map(
        (p, i) =>
          `  round ${i + 1}: notice out at ${p.noticeStartMs} ms, posted at ${p.noticePostedMs} ms; close p50 ${p.close.p50} ms, max ${p.close.max} ms; ban call returned at ${p.banCallMs} ms\n` +
          `    loop delay max: bench ${p.benchLoopMaxMs} ms, relays ${p.relayLoopMaxMs.join(' / ')} ms; relay DynamoDB calls ${JSON.stringify(p.relayCalls)}`,
      ),
      `  all rounds: p50 ${r.close.p50} ms, p99 ${r.close.p99} ms, max ${r.close.max} ms (target max <= 1000 ms)`,
      `  raw PutItem p50 ${r.putItem.p50} ms (max-close / PutItem p50 = ${(r.close.max / Math.max(0.001, r.putItem.p50)).toFixed(1)}x)`,
      '',
    ];
    return lines.join('\n');
  },
});
