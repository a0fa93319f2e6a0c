// Internal HTTP endpoint where other processes hand this relay signed event batches (docs/design.md §4.3).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { INTERNAL_EVENTS_PATH, SIGNATURE_HEADER, verifyBody } from '../../shared/delivery/signature.js';
import type { DomainEvent } from '../../shared/kernel/events.js';
import type { Logger } from '../../shared/platform/logger.js';
import { REQUEST_ID_HEADER } from '../../shared/platform/request-id.js';
import { listen } from '../../shared/platform/listen.js';

/** Largest accepted post body, bytes (a batch of events; one event is far below 1 MiB). */
export const MAX_INTERNAL_BODY_BYTES = 8 * 1024 * 1024;

const audienceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('room'), roomId: z.string(), alsoUserIds: z.array(z.string()).optional() }),
  z.object({ kind: z.literal('users'), userIds: z.array(z.string()) }),
  z.object({ kind: z.literal('all'), exceptConnectionId: z.string().optional() }),
  z.object({
    kind: z.literal('contacts'), // docs/protocol/extensions.md §8
    roomIds: z.array(z.string()),
    userIds: z.array(z.string()),
    exceptConnectionId: z.string().optional(),
  }),
]);

const eventSchema = z.object({
  id: z.string().min(1),
  at: z.number(),
  audience: audienceSchema,
  payload: z.looseObject({ type: z.string() }),
  messageKey: z
    .object({
      id: z.string(),
      conversation: z.string(),
      seq: z.string(),
      author: z.string(),
      target: z.discriminatedUnion('type', [
        z.object({ type: z.literal('room'), room_id: z.string() }),
        z.object({ type: z.literal('dm'), recipient: z.string() }),
        z.object({ type: z.literal('conversation'), conversation_id: z.string() }),
      ]),
    })
    .optional(),
});

/**
 * Envelope check only: the payload is trusted (it is signed by a holder of the secret). Relay
 * notices (`session_revoked`, docs/adr/005) come in `notices`, which older relays strip.
 */
const bodySchema = z.object({
  events: z.array(eventSchema),
  notices: z.array(eventSchema).optional(),
});

/** A running internal server. */
export interface InternalServer {
  /** Bound port (the real one when 0 was requested). */
  readonly port: number;
  /** Stops accepting and closes idle keep-alive sockets. */
  close(): Promise<void>;
}

/**
 * Starts the internal event endpoint: `POST INTERNAL_EVENTS_PATH` with body `{"events":[...],
 * "notices"?:[...]}`
 * and header `SIGNATURE_HEADER` (hex HMAC-SHA256 of the raw body, shared/delivery/signature.ts).
 * Answers 204 after handing the events to `deliver`; 403 bad/missing signature; 400 malformed
 * body; 413 body over {@link MAX_INTERNAL_BODY_BYTES}; 404 other paths; 405 other methods.
 * @param opts.port - 0 picks a free port (LAIR_RELAY_INTERNAL_PORT)
 * @param opts.host - bind address (LAIR_RELAY_INTERNAL_HOST, default 127.0.0.1)
 */
export async function startInternalServer(opts: {
  host: string;
  port: number;
  secret: string;
  logger: Logger;
  deliver: (events: DomainEvent[]) => void;
}): Promise<InternalServer> {
  const { logger } = opts;
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err }, 'internal event endpoint failed');
      if (!res.headersSent) reply(res, 500);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (path !== INTERNAL_EVENTS_PATH) {
      reply(res, 404);
      return;
    }
    if (req.method !== 'POST') {
      reply(res, 405);
      return;
    }
    const body = await readBody(req);
    if (body === null) {
      reply(res, 413);
      return;
    }
    const signature = req.headers[SIGNATURE_HEADER];
    if (!verifyBody(opts.secret, body, typeof signature === 'string' ? signature : undefined)) {
      logger.warn({ remote: req.socket.remoteAddress }, 'internal event post with a bad signature');
      {
        reply(res, 403);
        return;
      }
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      {
        reply(res, 400);
        return;
      }
    }
    const parsed = bodySchema.safeParse(json);
    if (!parsed.success) {
      reply(res, 400);
      return;
    }
    const { events, notices = [] } = parsed.data;
    const requestId = req.headers[REQUEST_ID_HEADER];
    logger.debug(
      { requestId: typeof requestId === 'string' ? requestId : undefined, events: events.length },
      'internal event post',
    );
    opts.deliver([...events, ...notices] as unknown as DomainEvent[]);
    reply(res, 204);
  }

  const port = await listen(server, opts.port, opts.host);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

function reply(res: ServerResponse, status: number): void {
  res.statusCode = status;
  res.end();
}

/** Reads the whole body as UTF-8; null when it exceeds the limit. */
async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_INTERNAL_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
