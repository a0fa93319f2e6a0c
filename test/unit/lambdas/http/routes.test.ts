// Unit: the route table, the local API Gateway matcher, query parsing and the error table (docs/protocol/http.md §1-4).
import { pino } from 'pino';
import { matchRoute } from '../../../../local/api-gateway.js';
import { HTTP_STATUS, toErrorResponse } from '../../../../lambdas/http/errors.js';
import { QueryParams } from '../../../../lambdas/http/request.js';
import { ROUTE_GROUPS, ROUTES, routeKey } from '../../../../lambdas/http/routes.js';
import { GROUP_HANDLERS } from '../../../../local/http-server.js';
import { DomainError } from '../../../../shared/kernel/errors.js';

describe('ROUTES', () => {
  it('has the 31 routes of docs/protocol/http.md §4 (all but GET /ws) plus the 9 of extensions.md §1.2–§1.6, the 2 of §1.7, the 6 of §2, §3, §7.1, the 4 of §4–§5 (search, admin search, exports), the 14 of §6.2, the 16 of §9 (+5 room moderation), the 11 of §10, the 10 of §7.3 and the 6 of §7.2, unique keys, every group used', () => {
    expect(ROUTES).toHaveLength(114);
    expect(new Set(ROUTES.map(routeKey)).size).toBe(114);
    expect(new Set(ROUTES.map((r) => r.group))).toEqual(new Set(ROUTE_GROUPS));
    expect(ROUTES.some((r) => r.path === '/ws')).toBe(false);
  });

  it('puts /auth/* in the auth bucket and /messages* and attachment creation in the messaging bucket', () => {
    for (const r of ROUTES) {
      const expected = r.path.startsWith('/api/v1/auth/')
        ? ['auth']
        : r.path.startsWith('/api/v1/messages') || routeKey(r) === 'POST /api/v1/attachments'
          ? ['messaging']
          : [];
      expect({ key: routeKey(r), buckets: r.buckets }).toEqual({ key: routeKey(r), buckets: expected });
    }
  });

  it('has one handler per group (each asserts at load that it covers its routes)', () => {
    expect(Object.keys(GROUP_HANDLERS).sort()).toEqual([...ROUTE_GROUPS].sort());
  });
});

describe('matchRoute', () => {
  it('prefers literal segments over parameters', () => {
    const m = matchRoute('GET', '/api/v1/users/me');
    expect(m.kind === 'route' && routeKey(m.route)).toBe('GET /api/v1/users/me');
    const p = matchRoute('GET', '/api/v1/users/abc%20def');
    expect(p).toMatchObject({ kind: 'route', pathParameters: { user_id: 'abc def' } });
  });

  it('extracts several parameters', () => {
    expect(matchRoute('PUT', '/api/v1/rooms/r1/members/u1/role')).toMatchObject({
      kind: 'route',
      pathParameters: { room_id: 'r1', user_id: 'u1' },
    });
  });

  it('404 for unknown paths, trailing slashes and empty segments; 405 with the allowed methods', () => {
    for (const path of ['/api/v1/rooms/', '/API/v1/rooms', '/api/v1/rooms//join', '/'])
      expect(matchRoute('GET', path)).toEqual({ kind: 'not_found' });
    expect(matchRoute('PUT', '/api/v1/rooms')).toEqual({
      kind: 'method_not_allowed',
      allow: ['POST', 'GET'],
    });
  });
});

describe('QueryParams', () => {
  it('parses u32 and bool strictly', () => {
    const q = new QueryParams('limit=10&offset=4294967295&flag=false');
    expect([q.u32('limit'), q.u32('offset'), q.bool('flag'), q.u32('missing')]).toEqual([
      10,
      4294967295,
      false,
      undefined,
    ]);
    for (const raw of ['limit=1.5', 'limit=', 'limit=0x10', 'limit=99999999999'])
      expect(() => new QueryParams(raw).u32('limit')).toThrow(DomainError);
    expect(() => new QueryParams('b=TRUE').bool('b')).toThrow(DomainError);
  });
});

describe('error table', () => {
  it('maps every code to a 4xx/5xx status', () => {
    for (const status of Object.values(HTTP_STATUS)) expect(status >= 400 && status < 600).toBe(true);
  });

  it('hides unknown errors and database details behind fixed texts', () => {
    const logger = pino({ level: 'silent' });
    const unknown = toErrorResponse(new Error('secret stack detail'), logger);
    expect(unknown.statusCode).toBe(500);
    expect(JSON.parse(unknown.body as string)).toEqual({
      error: { code: 'internal_error', message: 'Internal error' },
    });
    const db = toErrorResponse(
      new DomainError('database_error', 'Database error: table t-123 missing'),
      logger,
    );
    expect(JSON.parse(db.body as string)).toEqual({
      error: { code: 'database_error', message: 'Database error' },
    });
    const known = toErrorResponse(new DomainError('room_not_found'), logger);
    expect([known.statusCode, JSON.parse(known.body as string)]).toEqual([
      404,
      { error: { code: 'room_not_found', message: 'Room not found' } },
    ]);
  });
});
