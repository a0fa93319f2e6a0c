// Bench fixture: users with sessions/JWTs and rooms with members, created through the services (no HTTP rate limits).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { composeServices } from '../../shared/compose.js';
import type { PasswordHasher } from '../../shared/kernel/ports.js';

/** One bench user and the JWT its TCP client authenticates with. */
export interface BenchUser {
  index: number;
  id: string;
  username: string;
  /** Session id of the JWT. */
  sessionId: string;
  token: string;
  /** Index into {@link Population.rooms}. */
  room: number;
}

/** One room: its id and the indexes of its members (the first one is the owner and the sender). */
export interface BenchRoom {
  id: string;
  members: number[];
}

/** What {@link populate} created. */
export interface Population {
  users: BenchUser[];
  rooms: BenchRoom[];
  /** Wall time spent creating users, ms. */
  usersMs: number;
  /** Wall time spent creating rooms and joining members, ms. */
  roomsMs: number;
}

/**
 * Hashing is not what is measured: Argon2id would take ~minutes for 5,000 users on 2 cores, so the
 * bench injects a constant "hash" (the stored user item keeps its shape).
 */
const FAST_HASHER: PasswordHasher = {
  hash: () => Promise.resolve('$bench$not-a-real-hash'),
  verify: () => Promise.resolve(true),
};

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
export async function mapPool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Registers `clients` users (`auth.register`: user + sentinels + 24 h session + JWT) and splits them
 * into rooms of `roomSize` in index order: room k = users k*roomSize .. (k+1)*roomSize-1. The
 * first member creates the room (owner), the others `rooms.join` it, one join at a time per room
 * (a join updates the room's member counter in a transaction) and up to 32 rooms in parallel.
 * Events of these calls go nowhere (the relay is not running yet).
 */
export async function populate(
  doc: DynamoDBDocumentClient,
  tableName: string,
  jwtSecret: string,
  opts: { clients: number; roomSize: number; runId: string },
): Promise<Population> {
  const { services } = composeServices({
    doc,
    tableName,
    jwtSecret,
    events: { publish: () => Promise.resolve() },
    hasher: FAST_HASHER,
  });
  const t0 = Date.now();
  const indexes = Array.from({ length: opts.clients }, (_, i) => i);
  const users = await mapPool(indexes, 32, async (i): Promise<BenchUser> => {
    const username = `b${opts.runId}_${i}`;
    const res = await services.auth.register(
      { username, email: `${username}@bench.invalid`, password: 'bench-password-1' },
      'tcp',
    );
    return {
      index: i,
      id: res.user.id,
      username,
      sessionId: res.session.id,
      token: res.token,
      room: Math.floor(i / opts.roomSize),
    };
  });
  const usersMs = Date.now() - t0;

  const t1 = Date.now();
  const roomCount = Math.ceil(opts.clients / opts.roomSize);
  const rooms = await mapPool(
    Array.from({ length: roomCount }, (_, k) => k),
    32,
    async (k): Promise<BenchRoom> => {
      const members = indexes.slice(k * opts.roomSize, (k + 1) * opts.roomSize);
      const owner = users[members[0] ?? 0] as BenchUser;
      const room = await services.rooms.create(owner.id, { name: `bench-${opts.runId}-${k}` });
      for (const m of members.slice(1)) await services.rooms.join((users[m] as BenchUser).id, room.id);
      return { id: room.id, members };
    },
  );
  return { users, rooms, usersMs, roomsMs: Date.now() - t1 };
}
