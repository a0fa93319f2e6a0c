// The OpenAPI document covers THE route table (a route missing from the spec fails here), and real responses of every route validate against it (docs/protocol/extensions.md §10).
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';
import { openApiDocument } from '../../../lambdas/docs/openapi.js';
import { ROUTES, routeKey } from '../../../lambdas/http/routes.js';
import { routeDocOf } from '../../../lambdas/http/route-docs.js';
import { makeAdmin, registerUser, startTestApi, type TestApi } from '../../support/http.js';

type Operation = {
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
};
type Paths = Record<string, Record<string, Operation>>;

describe('OpenAPI document', () => {
  const doc = openApiDocument() as { openapi: string; paths: Paths };

  it('is OpenAPI 3.1 and lists every route of the route table with its method', () => {
    expect(doc.openapi).toBe('3.1.0');
    const missing = ROUTES.filter((r) => doc.paths[r.path]?.[r.method.toLowerCase()] === undefined).map(
      routeKey,
    );
    expect(missing).toEqual([]);
  });

  it('documents the request body of every route that validates one with zod', () => {
    for (const r of ROUTES) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      expect({ route: routeKey(r), body: op?.requestBody !== undefined }).toEqual({
        route: routeKey(r),
        body: routeDocOf(routeKey(r))?.body !== undefined,
      });
    }
  });
});

describe('contract: real responses validate against the spec', () => {
  let api: TestApi;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // ajv-formats is CommonJS with `exports.default`: the same function under either import shape.
  (formatsPlugin as unknown as { default: (a: Ajv2020) => void }).default(ajv);
  const doc = openApiDocument() as { paths: Paths };

  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  function validate(method: string, path: string, status: number, body: unknown): string[] {
    const op = doc.paths[path]?.[method.toLowerCase()];
    if (op === undefined) return [`${method} ${path} not in spec`];
    const entry = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`];
    if (entry === undefined) return [`${method} ${path}: status ${status} not documented`];
    const schema = entry.content?.['application/json']?.schema;
    if (schema === undefined || body === undefined) return [];
    const check = ajv.compile(schema);
    return check(body) ? [] : [`${method} ${path} ${status}: ${ajv.errorsText(check.errors)}`];
  }

  it('every route, called as an admin with placeholder ids and an empty body, answers per spec', async () => {
    const u = await registerUser(api, 'ct');
    await makeAdmin(api.table.doc, api.table.tableName, u.id);
    const problems: string[] = [];
    // Destructive routes last, so the session lives for the rest.
    const order = [...ROUTES].sort((a, b) => Number(/logout/.test(a.path)) - Number(/logout/.test(b.path)));
    for (const r of order) {
      const path = r.path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      const res = await api.request(r.method, path, {
        token: u.token,
        ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { body: {} }),
      });
      const json = res.headers.get('content-type')?.includes('json') ? res.json : undefined;
      problems.push(...validate(r.method, r.path, res.status, json));
    }
    expect(problems).toEqual([]);
  }, 180_000); // ~93 sequential HTTP calls: generous on a loaded 2-core machine (a ceiling, not a timing assertion)

  it('success bodies of the security routes validate', async () => {
    const u = await registerUser(api, 'cs');
    const problems: string[] = [];
    for (const [method, path] of [
      ['GET', '/api/v1/auth/sessions'],
      ['POST', '/api/v1/auth/2fa/setup'],
      ['GET', '/api/v1/openapi.json'],
      ['POST', '/api/v1/auth/logout-all'],
    ] as const) {
      const res = await api.request(method, path, { token: u.token });
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      problems.push(...validate(method, path, res.status, res.json));
    }
    expect(problems).toEqual([]);
  });
});
