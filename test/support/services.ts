// Test helper: the real services over a fresh DynamoDB Local table, with recorded events and small factories.
import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { composeServices, type Repositories } from '../../shared/compose.js';
import type { AuthResult, SessionProtocol } from '../../shared/features/auth/index.js';
import type { Room } from '../../shared/features/rooms/index.js';
import type { DomainEvent, EventPayload, EventType } from '../../shared/kernel/events.js';
import type { Clock, EventPublisher } from '../../shared/kernel/ports.js';
import type { ServiceDeps, Services } from '../../shared/features/index.js';
import { createTestTable, deleteTestTable } from './dynamo.js';

/** An EventPublisher that keeps every published event in `events`; `failing = true` makes it reject. */
export class RecordingPublisher implements EventPublisher {
  readonly events: DomainEvent[] = [];
  failing = false;

  publish(...events: DomainEvent[]): Promise<void> {
    if (this.failing) return Promise.reject(new Error('publisher down (test)'));
    this.events.push(...events);
    return Promise.resolve();
  }
}

/** A settable clock (epoch ms) for expiry tests. */
export interface TestClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

/** A clock starting at `startMs` (default: the wall clock now) that only moves when told to. */
export function createTestClock(startMs: number = Date.now()): TestClock {
  let current = startMs;
  return {
    now: () => current,
    set: (ms) => {
      current = ms;
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

/** What {@link createTestServices} returns. */
export interface TestServices {
  services: Services;
  repos: Repositories;
  deps: ServiceDeps;
  /** Every event published so far, in order (the publisher's array; clear with `events.length = 0`). */
  events: DomainEvent[];
  publisher: RecordingPublisher;
  tableName: string;
  doc: DynamoDBDocumentClient;
  /** Deletes the table and destroys the clients. Call in `afterAll`. */
  close(): Promise<void>;
}

/** The JWT secret of test compositions. */
export const TEST_JWT_SECRET = 'test-jwt-secret';
/** TOTP key material of every test composition and spawned test process (docs/adr/021). */
export const TEST_TOTP_KEY = 'test-totp-secret-key-0123456789abcdef';

/**
 * Builds the real services (composeServices, Argon2id hasher, HS256 tokens) over a new table on
 * the run's DynamoDB Local (createTestTable). Events go to a {@link RecordingPublisher}.
 * @param opts.clock - shared by services, repositories and token checks (default: wall clock)
 */
export async function createTestServices(
  opts: { clock?: Clock; fanoutMaxMembers?: number } = {},
): Promise<TestServices> {
  const table = await createTestTable();
  const publisher = new RecordingPublisher();
  const { services, repos, deps } = composeServices({
    doc: table.doc,
    tableName: table.tableName,
    jwtSecret: TEST_JWT_SECRET,
    totpKey: TEST_TOTP_KEY,
    events: publisher,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.fanoutMaxMembers === undefined ? {} : { fanoutMaxMembers: opts.fanoutMaxMembers }),
  });
  return {
    services,
    repos,
    deps,
    events: publisher.events,
    publisher,
    tableName: table.tableName,
    doc: table.doc,
    close: () => deleteTestTable(table),
  };
}

/** Registration input defaults: a unique `u<hex>` username, `<username>@example.com`, a valid password. */
export function userInput(overrides: Partial<{ username: string; email: string; password: string }> = {}) {
  const username = overrides.username ?? `u${randomBytes(6).toString('hex')}`;
  return {
    username,
    email: overrides.email ?? `${username}@example.com`,
    password: overrides.password ?? 'plaid-otter-quarry-9',
  };
}

/** Registers a user through AuthService.register (HTTP protocol unless told otherwise). */
export function registerUser(
  services: Services,
  overrides: Partial<{ username: string; email: string; password: string }> = {},
  protocol: SessionProtocol = 'http',
): Promise<AuthResult> {
  return services.auth.register(userInput(overrides), protocol);
}

/** The payloads of recorded events of one type, narrowed. */
export function payloadsOf<T extends EventType>(
  events: DomainEvent[],
  type: T,
): Extract<EventPayload, { type: T }>[] {
  return events.map((e) => e.payload).filter((p): p is Extract<EventPayload, { type: T }> => p.type === type);
}

/** The recorded events of one type (with audience, id, at). */
export function eventsOf(events: DomainEvent[], type: EventType): DomainEvent[] {
  return events.filter((e) => e.payload.type === type);
}

/** A well-formed UUID that names nothing (for *_not_found paths). */
export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** The four rows of the permission matrix (docs/protocol/domain.md §7). */
export interface Cast {
  /** room owner */ alice: AuthResult;
  /** room moderator */ mo: AuthResult;
  /** plain member */ bob: AuthResult;
  /** outsider */ eve: AuthResult;
}

/** Registers the four users of {@link Cast} concurrently. */
export async function registerCast(services: Services): Promise<Cast> {
  const [alice, mo, bob, eve] = await Promise.all([
    registerUser(services),
    registerUser(services),
    registerUser(services),
    registerUser(services),
  ]);
  return { alice: alice, mo: mo, bob: bob, eve: eve };
}

/** A public room owned by alice with mo as moderator and bob as member; recorded events cleared. */
export async function populatedRoom(t: TestServices, cast: Cast, name: string): Promise<Room> {
  const room = await t.services.rooms.create(cast.alice.user.id, { name });
  await t.services.rooms.join(cast.mo.user.id, room.id);
  await t.services.rooms.join(cast.bob.user.id, room.id);
  await t.services.rooms.changeRole(cast.alice.user.id, room.id, cast.mo.user.id, 'moderator');
  t.events.length = 0;
  return room;
}
