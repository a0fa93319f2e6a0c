// Where an HTTP login/register comes from (source address per LAIR_TRUST_PROXY, User-Agent), for the session record and the address lockout (docs/protocol/extensions.md §10).
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ClientOrigin } from '../../shared/features/auth/index.js';
import type { HttpDeps } from '../deps.js';
import { clientKey } from './request.js';

/** The request's {@link ClientOrigin}: the rate-limit client key as `ip`, the `User-Agent` header. */
export function originOf(event: APIGatewayProxyEventV2, deps: Pick<HttpDeps, 'settings'>): ClientOrigin {
  const userAgent = event.headers['user-agent'];
  return {
    ip: clientKey(event, deps.settings.LAIR_TRUST_PROXY),
    ...(userAgent === undefined ? {} : { userAgent }),
  };
}
