// The send_message_response of a throttled send: `rate_limited` with `retry_after_ms` inside `error` (docs/protocol/extensions.md §0 rule 6, docs/protocol/tcp.md §10).
import { failResponse, type ServerMessage } from '../protocol/index.js';

/**
 * `{type:"send_message_response", request_id, success:false, error:{code:"rate_limited", message,
 * retry_after_ms}}`: the command's own response (never a new message type, docs/protocol/tcp.md
 * §10); the message text follows docs/protocol/tcp.md §9.3 (whole seconds, rounded up).
 * @param waitMs - ms until a retry can succeed (≥ 1)
 */
export function throttledResponse(requestId: string | null | undefined, waitMs: number): ServerMessage {
  const res = failResponse(
    'send_message_response',
    requestId,
    'rate_limited',
    `Rate limited, retry after ${Math.max(1, Math.ceil(waitMs / 1000))} seconds`,
  );
  return { ...res, error: { ...res.error, retry_after_ms: Math.ceil(waitMs) } } as ServerMessage;
}
