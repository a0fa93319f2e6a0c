// Test helper: an in-memory ChatSession whose requests a script answers (no socket), for terminal-client command tests.
import { ChatSession } from '../../../client/sdk/session.js';
import type { EventPayload } from '../../../shared/kernel/events.js';
import type { Received } from './scripted-tcp-server.js';

/** A reply: payload fields of a successful `<type>_response`, or an error. */
export type FakeReply = Record<string, unknown> | { error: { code: string; message: string } };

/** Answers one request; `undefined` leaves it unanswered. */
export type FakeScript = (msg: Received) => FakeReply | undefined;

/**
 * Records every request in {@link sent} and answers asynchronously with `<type>_response`,
 * echoing the request_id (`success: false` when the reply has an `error`).
 */
export class FakeSession extends ChatSession {
  readonly sent: Received[] = [];

  constructor(private readonly script: FakeScript) {
    super();
  }

  /** The requests of one type, in order. */
  sentOf(type: string): Received[] {
    return this.sent.filter((m) => m.type === type);
  }

  /** Delivers a pushed event as if it came from the server. */
  push(event: EventPayload): void {
    this.dispatch(event);
  }

  protected transmit(msg: object): void {
    const m = msg as Received;
    this.sent.push(m);
    const reply = this.script(m);
    if (reply === undefined) return;
    const failed = 'error' in reply;
    queueMicrotask(() => {
      this.dispatch({
        type: `${m.type}_response`,
        request_id: m.request_id ?? null,
        success: !failed,
        ...reply,
      });
    });
  }

  protected closeTransport(): void {
    this.handleClosed();
  }
}
