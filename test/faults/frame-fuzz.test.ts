// Fault test: a frame fuzzer (random bytes, huge/zero length prefixes, truncated frames, wrong types, deep nesting, invalid UTF-8, garbage after key exchange) against a live relay process.
import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { composeServices } from '../../shared/compose.js';
import type { Services } from '../../shared/features/index.js';
import { encodeFrame } from '../../relay/protocol/index.js';
import { createTestTable, deleteTestTable, type TestTable } from '../support/dynamo.js';
import { spawnRelayProcess, type RelayProcess } from '../support/relay-process.js';
import { RELAY_TEST_SECRET, TestTcpClient } from '../support/relay.js';
import { userInput } from '../support/services.js';
import { FUZZ_FRAMES } from './scale.js';

/** Frames sent per fuzzing connection before it is closed. */
const PER_CONNECTION = 250;
/** Fuzzing connections open at once. */
const PARALLEL = 6;

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v), 'utf8');
const prefix = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

/** One hostile frame (bytes on the wire), chosen at random. */
function hostileFrame(): Buffer {
  switch (randomInt(10)) {
    case 0:
      return encodeFrame(randomBytes(randomInt(1, 512)));
    case 1:
      return prefix(0);
    case 2:
      return encodeFrame(
        json({ type: ['send_message', 'join_room', 42, null, 'x'.repeat(300)][randomInt(5)] }),
      );
    case 3:
      return encodeFrame(Buffer.from('['.repeat(randomInt(1000, 20_000)) + ']'.repeat(randomInt(0, 100))));
    case 4:
      return encodeFrame(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d])); // invalid UTF-8
    case 5:
      return encodeFrame(
        json({ type: 'client_hello', version: randomBytes(8).toString('hex'), features: [{}] }),
      );
    case 6:
      return encodeFrame(json({ type: 'authenticate', token: randomBytes(40).toString('base64') }));
    case 7:
      return encodeFrame(
        json({ type: 'key_exchange', public_key: randomBytes(randomInt(0, 64)).toString('base64') }),
      );
    case 8:
      return encodeFrame(json({ type: 'ping', pad: 'y'.repeat(randomInt(0, 4096)) }));
    default:
      return encodeFrame(json({ a: { b: { c: [1, 2, { d: randomBytes(16).toString('hex') }] } } }));
  }
}

/** Ends a connection in one of the hostile ways: huge prefix, truncated frame, or a plain close. */
function hostileEnding(): Buffer {
  switch (randomInt(3)) {
    case 0:
      return prefix(0xffffffff);
    case 1:
      return Buffer.concat([prefix(1000), randomBytes(randomInt(0, 999))]); // truncated
    default:
      return Buffer.alloc(0);
  }
}

/** Sends `frames` hostile frames over one plain connection, then a hostile ending; resolves when closed. */
function fuzzConnection(port: number, frames: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      resolve();
    });
    socket.once('connect', () => {
      const chunks: Buffer[] = [];
      for (let i = 0; i < frames; i++) chunks.push(hostileFrame());
      chunks.push(hostileEnding());
      socket.end(Buffer.concat(chunks));
      setTimeout(() => socket.destroy(), 5_000).unref();
    });
  });
}

/** Completes a real encrypted handshake, then sends `frames` frames of garbage (not AES-GCM). */
async function garbageAfterKeyExchange(port: number, frames: number): Promise<void> {
  const client = await TestTcpClient.connect(port);
  await client.handshake(true);
  const chunks: Buffer[] = [];
  for (let i = 0; i < frames; i++) chunks.push(encodeFrame(randomBytes(randomInt(1, 256))));
  client.socket.write(Buffer.concat(chunks));
  await new Promise((r) => setTimeout(r, 50));
  client.destroy();
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? 0 : Number(m[1]) * 1024;
}

describe('fault: frame fuzzer', () => {
  let table: TestTable;
  let services: Services;
  let relay: RelayProcess;

  beforeAll(async () => {
    table = await createTestTable();
    services = composeServices({
      doc: table.doc,
      tableName: table.tableName,
      jwtSecret: RELAY_TEST_SECRET,
      events: { publish: () => Promise.resolve() },
    }).services;
    relay = await spawnRelayProcess(table);
  }, 60_000);
  afterAll(async () => {
    if (relay.child.exitCode === null) {
      relay.child.kill('SIGTERM');
      await relay.exited;
    }
    await deleteTestTable(table);
  });

  it(`survives ${FUZZ_FRAMES} hostile frames with bounded RSS and then serves a fresh client`, async () => {
    const pid = relay.child.pid!;
    const before = rssBytes(pid);
    let sent = 0;
    let peak = before;
    const worker = async (): Promise<void> => {
      while (sent < FUZZ_FRAMES) {
        const n = Math.min(PER_CONNECTION, FUZZ_FRAMES - sent);
        sent += n;
        if (randomInt(10) === 0) await garbageAfterKeyExchange(relay.port, n);
        else await fuzzConnection(relay.port, n);
        peak = Math.max(peak, rssBytes(pid));
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    expect(sent).toBeGreaterThanOrEqual(FUZZ_FRAMES);
    expect(relay.child.exitCode).toBeNull();
    expect(peak - before).toBeLessThan(300 * 1024 * 1024); // bounded: no per-frame leak

    const auth = await services.auth.register(userInput(), 'http');
    const fresh = await TestTcpClient.connect(relay.port);
    await fresh.login(auth.token);
    expect((await fresh.request({ type: 'get_current_user', request_id: 'me' })).user.id).toBe(auth.user.id);
    fresh.destroy();
  }, 600_000);
});
