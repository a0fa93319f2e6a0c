// Request parsing: client key, path ids, JSON bodies (content type, syntax, zod schema) and typed query params (docs/protocol/http.md §1-2).
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { DomainError, type ErrorCode } from '../../shared/kernel/errors.js';
import { parseUuid } from '../../shared/kernel/validation.js';
import { RequestError } from './errors.js';

/** Largest accepted request body, bytes (2 MiB, docs/protocol/http.md §2.2). */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * Rate-limit key of the caller (docs/protocol/http.md §3); storage hashes it, so any length is safe.
 * With `trustProxy` (LAIR_TRUST_PROXY, only behind a proxy that sets these headers): first
 * comma-separated `X-Forwarded-For` entry, else `X-Real-IP`, else the source address — upstream's
 * rule. Without it, the source address only (API Gateway's `requestContext.http.sourceIp` is the
 * real client), since the headers are client-controlled and rotating them would void the limits.
 * Never one shared bucket (docs/protocol/http.md §3 flags upstream's shared `"unknown"` key as a bug).
 */
export function clientKey(event: APIGatewayProxyEventV2, trustProxy: boolean): string {
  const source = event.requestContext.http.sourceIp;
  if (!trustProxy) return source;
  const forwarded = event.headers['x-forwarded-for']?.split(',')[0]?.trim();
  return forwarded || event.headers['x-real-ip']?.trim() || source;
}

/**
 * Reads path ids as UUIDs. A missing or non-UUID id is reported as its route's *not found* code
 * (docs/protocol/http.md §1 "Path ids"), checked in the order given.
 * @param spec - path parameter name -> error code, e.g. `{ room_id: 'room_not_found' }`
 * @returns canonical lowercase ids by parameter name
 * @throws DomainError with the mapped code (404)
 */
export function parsePathIds<P extends string>(
  event: APIGatewayProxyEventV2,
  spec: Readonly<Record<P, ErrorCode>>,
): Record<P, string> {
  const out = {} as Record<P, string>;
  for (const name of Object.keys(spec) as P[]) {
    out[name] = requireUuid(event.pathParameters?.[name], spec[name]);
  }
  return out;
}

/**
 * Parses an id from a path or body (docs/protocol/http.md §9.1, §10.1).
 * @returns the canonical lowercase UUID
 * @throws DomainError `code` (a 404 code) when it is missing or not a UUID
 */
export function requireUuid(raw: string | undefined, code: ErrorCode): string {
  const id = raw === undefined ? null : parseUuid(raw);
  if (id === null) throw new DomainError(code);
  return id;
}

const JSON_TYPE = /^application\/(?:json|[^;\s/]+\+json)\s*(?:;|$)/i;

/**
 * Parses the body as JSON and validates it against `schema` (unknown keys are ignored by zod
 * objects). Order (docs/protocol/http.md §2.2): size (413 `payload_too_large`), content type (415
 * `unsupported_media_type`: `application/json` or `application/*+json`), syntax (400
 * `invalid_request`), schema (422 `invalid_request`, message naming the field).
 */
export function parseJsonBody<T>(event: APIGatewayProxyEventV2, schema: z.ZodType<T>): T {
  const raw =
    event.body === undefined
      ? ''
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
    throw new RequestError(413, 'payload_too_large', 'Request body too large (limit 2 MiB)');
  }
  if (!JSON_TYPE.test(event.headers['content-type'] ?? '')) {
    throw new RequestError(
      415,
      'unsupported_media_type',
      "Expected request with 'Content-Type: application/json'",
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    const reason = e instanceof SyntaxError ? e.message : 'syntax error';
    throw new RequestError(400, 'invalid_request', `Failed to parse the request body as JSON: ${reason}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.map(String).join('.');
    throw new RequestError(
      422,
      'invalid_request',
      `Invalid request body: ${field} - ${issue?.message ?? 'invalid'}`,
    );
  }
  return result.data;
}

const U32_MAX = 4294967295;

/**
 * Typed access to the query string, deserialised like upstream's serde_urlencoded structs: a
 * malformed value (`limit=abc`, `joined_only=yes`), a duplicated key or a missing required key is
 * 400 `invalid_request` (docs/protocol/http.md §2.2). Keys a route does not read are ignored.
 */
export class QueryParams {
  private readonly values = new Map<string, string[]>();

  /** @param raw - `rawQueryString` without the leading `?` */
  constructor(raw: string) {
    for (const [k, v] of new URLSearchParams(raw)) this.values.set(k, [...(this.values.get(k) ?? []), v]);
  }

  /** An optional string. */
  string(name: string): string | undefined {
    const all = this.values.get(name);
    if (all === undefined) return undefined;
    if (all.length > 1) throw bad(`duplicate field \`${name}\``);
    return all[0];
  }

  /** A required string. */
  required(name: string): string {
    const v = this.string(name);
    if (v === undefined) throw bad(`missing field \`${name}\``);
    return v;
  }

  /** An optional u32 (decimal digits, 0..=4294967295). */
  u32(name: string): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const n = /^\+?\d{1,10}$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n > U32_MAX) throw bad(`${name}: invalid digit found in string`);
    return n;
  }

  /** An optional bool: exactly `true` or `false`. */
  bool(name: string): boolean | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw bad(`${name}: provided string was not \`true\` or \`false\``);
  }
}

const bad = (reason: string): RequestError =>
  new RequestError(400, 'invalid_request', `Failed to deserialize query string: ${reason}`);
