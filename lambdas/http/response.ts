// Response builders and CORS headers for API Gateway v2 structured results (docs/protocol/http.md §1 "Responses", "CORS").
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** A structured result whose headers are always present (lowercase names). */
export type HttpResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
};

/** Headers added to every response: any origin; rate-limit headers readable by browsers. */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers':
    'x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, retry-after, x-request-id',
};

/** Preflight answer of the CORS layer (any origin, method and header; cached 1 h). Not rate-limited. */
export function preflightResponse(): HttpResult {
  return {
    statusCode: 204,
    headers: {
      ...CORS_HEADERS,
      'access-control-allow-methods': '*',
      'access-control-allow-headers': '*',
      'access-control-max-age': '3600',
    },
    body: '',
  };
}

/** A JSON response (`application/json`). @param status - HTTP status; @param body - serialised with JSON.stringify */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/** A plain-text response. @param contentType - defaults to `text/plain; charset=utf-8` */
export function textResponse(
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): HttpResult {
  return { statusCode: status, headers: { 'content-type': contentType }, body };
}

/** Normalises whatever a handler returned into an {@link HttpResult} (strings become JSON bodies per API GW v2). */
export function normaliseResult(result: unknown): HttpResult {
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    const r = result as APIGatewayProxyStructuredResultV2;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
    return { ...r, statusCode: r.statusCode ?? 200, headers };
  }
  return jsonResponse(200, result);
}
