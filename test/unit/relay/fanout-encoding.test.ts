// Fan-out encoding (issue 16, docs/adr/022): one serialization and one shared plaintext TCP frame per event for the whole audience, opt-in gating per feature set intact.
import { randomUUID } from 'node:crypto';
import { DeliveryRegistry, type DeliveryTarget } from '../../../relay/delivery/registry.js';
import { OutgoingMessage, FrameDecoder } from '../../../relay/protocol/index.js';
import type { DomainEvent, EventPayload } from '../../../shared/kernel/events.js';
import { negotiateFeatures, NO_FEATURES, type FeatureSet } from '../../../shared/kernel/extensions.js';
import { OutboundGauge, DEFAULT_OUTBOUND_LIMITS } from '../../../relay/connection/transport.js';
import { testLogger } from '../../support/relay.js';

class Target implements DeliveryTarget {
  readonly id = randomUUID();
  readonly sessionId = randomUUID();
  readonly got: { json: Buffer; shared: OutgoingMessage | undefined }[] = [];
  constructor(
    readonly userId: string,
    readonly features: FeatureSet = NO_FEATURES,
  ) {}
  sessionRevoked(): void {}
  deliver(json: Buffer, shared?: OutgoingMessage): void {
    this.got.push({ json, shared });
  }
}

const ev = (roomId: string, payload: EventPayload): DomainEvent => ({
  id: randomUUID(),
  at: Date.now(),
  audience: { kind: 'room', roomId },
  payload,
});

describe('fan-out encoding', () => {
  const R = randomUUID();
  let reg: DeliveryRegistry;
  let plain: Target[];
  let opted: Target;

  beforeEach(async () => {
    reg = new DeliveryRegistry({ logger: testLogger() });
    plain = [new Target(randomUUID()), new Target(randomUUID()), new Target(randomUUID())];
    opted = new Target(randomUUID(), negotiateFeatures(['lair.messages']));
    const load = () => Promise.resolve([R]);
    for (const t of [...plain, opted]) await reg.attach(t, load);
  });

  it('hands every recipient the same bytes and the same OutgoingMessage (serialized once)', () => {
    reg.deliver([ev(R, { type: 'server_notice', message: 'hi', severity: 'info' })]);
    const all = [...plain, opted].map((t) => t.got[0]);
    const first = all[0];
    expect(first?.shared).toBeInstanceOf(OutgoingMessage);
    for (const g of all) {
      expect(g?.shared).toBe(first?.shared);
      expect(g?.json).toBe(first?.json);
    }
    expect(first?.shared?.tcpFrame()).toBe(first?.shared?.tcpFrame()); // built once, then reused
  });

  it('the shared TCP frame is the length-prefixed JSON (docs/protocol/tcp.md §1.1)', () => {
    const m = new OutgoingMessage(Buffer.from('{"type":"x"}'));
    expect(new FrameDecoder().push(m.tcpFrame())).toEqual([m.json]);
  });

  it('an extension event reaches only the connections that opted in (docs/protocol/extensions.md §0.2)', () => {
    reg.deliver([
      ev(R, {
        type: 'reaction_added',
        message_id: randomUUID(),
        target: { type: 'room', room_id: R },
        emoji: '👍',
        user_id: plain[0]!.userId,
        count: 1,
      }),
    ]);
    expect(plain.map((t) => t.got.length)).toEqual([0, 0, 0]);
    expect(opted.got).toHaveLength(1);
  });
});

describe('OutboundGauge', () => {
  it('counts only writes left buffered and uncounts them as their callbacks fire, in order', () => {
    const g = new OutboundGauge({ ...DEFAULT_OUTBOUND_LIMITS, maxFrames: 2 });
    g.wrote(0); // taken by the kernel at once
    g.wrote(10);
    g.wrote(20);
    expect(g.queuedFrames).toBe(2);
    expect(g.wouldOverflow(20, 1)).toBe(true);
    g.onWritten(); // the first (uncounted) write
    expect(g.queuedFrames).toBe(2);
    g.onWritten();
    g.onWritten();
    expect(g.queuedFrames).toBe(0);
    expect(g.wouldOverflow(0, 1)).toBe(false);
  });
});
