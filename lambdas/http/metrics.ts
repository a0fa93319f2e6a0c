// Prometheus metrics of the HTTP face (docs/protocol/http.md §11): request counter/histogram and scrape-time gauges.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Counts the gauges need, read at scrape time. */
export interface MetricsSource {
  /** Users with at least one live TCP/WS connection. */
  onlineUsers(): Promise<number>;
  totalUsers(): Promise<number>;
  totalRooms(): Promise<number>;
}

/**
 * The process's metric registry. Module-level on purpose: one per Lambda instance / local process
 * (this is a composition-root concern, not `shared/`). In AWS each instance exports only its own
 * request counters.
 */
const registry = new Registry();

const labelNames = ['method', 'route', 'status'] as const;

const requests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests handled, by method, matched route template (or "unknown") and status',
  labelNames,
  registers: [registry],
});

const duration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration in seconds, by method, matched route template (or "unknown") and status',
  labelNames,
  registers: [registry],
});

const onlineUsers = new Gauge({
  name: 'lair_chat_online_users',
  help: 'Users with a live connection',
  registers: [registry],
});
const totalUsers = new Gauge({
  name: 'lair_chat_total_users',
  help: 'Registered users',
  registers: [registry],
});
const totalRooms = new Gauge({
  name: 'lair_chat_total_rooms',
  help: 'Rooms (public and private)',
  registers: [registry],
});

/**
 * Records one handled request.
 * @param route - the matched route template (e.g. `/api/v1/rooms/{room_id}`) or `unknown`
 * @param seconds - wall time in **seconds**
 */
export function recordRequest(method: string, route: string, status: number, seconds: number): void {
  const labels = { method, route, status: String(status) };
  requests.inc(labels);
  duration.observe(labels, seconds);
}

/**
 * Refreshes the gauges from `source`, then renders the registry.
 * @returns Prometheus text exposition and its content type (`text/plain; version=0.0.4; charset=utf-8`)
 * @throws whatever `source` throws (the caller maps it to 500)
 */
export async function scrape(source: MetricsSource): Promise<{ contentType: string; body: string }> {
  const [online, users, rooms] = await Promise.all([
    source.onlineUsers(),
    source.totalUsers(),
    source.totalRooms(),
  ]);
  onlineUsers.set(online);
  totalUsers.set(users);
  totalRooms.set(rooms);
  return { contentType: registry.contentType, body: await registry.metrics() };
}
