// Who and where for an audit entry of an HTTP call (docs/protocol/extensions.md §9 "Audit log"): client address and API Gateway request id.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { AuditContext } from '../../shared/features/audit/index.js';
import type { HttpDeps } from '../deps.js';
import { clientKey } from './request.js';

/**
 * The audit context of `event`: `ip` is the rate-limit client key (X-Forwarded-For only with
 * `LAIR_TRUST_PROXY`), `request_id` API Gateway's request id (null when absent).
 */
export function auditContext(event: APIGatewayProxyEventV2, deps: HttpDeps): AuditContext {
  return {
    ip: clientKey(event, deps.settings.LAIR_TRUST_PROXY),
    request_id: event.requestContext.requestId ?? null,
  };
}
