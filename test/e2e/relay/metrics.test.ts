// Relay metrics (issue 17 finding 9): connections by transport/state, frames, fan-out, command latency, event-loop lag — in process and on the relay process's /metrics.
import { relayMetrics } from '../../../relay/metrics.js';
import { createTestTable, deleteTestTable } from '../../support/dynamo.js';
import { spawnRelayProcess } from '../../support/relay-process.js';
import { connectUser, startTestRelay, type TestRelay } from '../../support/relay.js';

/** The value of one sample line, e.g. `lair_relay_connections{transport="tcp",state="AUTHENTICATED"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('relay metrics', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay();
  });
  afterAll(async () => {
    await relay.close();
  });

  it('counts connections, frames, fan-out and command latency', async () => {
    const alice = await connectUser(relay);
    const bob = await connectUser(relay);
    const room = (await alice.client.request({ type: 'create_room', name: `met-${Date.now()}` })).room;
    await bob.client.request({ type: 'join_room', room_id: room.id });
    await alice.client.request({
      type: 'send_message',
      target: { type: 'room', room_id: room.id },
      content: 'hi',
    });
    await bob.client.nextOf('message_received');
    const { body, contentType } = await relayMetrics();
    expect(contentType).toMatch(/^text\/plain/);
    expect(
      sample(body, 'lair_relay_connections{transport="tcp",state="AUTHENTICATED"}'),
    ).toBeGreaterThanOrEqual(2);
    expect(sample(body, 'lair_relay_frames_in_total{transport="tcp"}')).toBeGreaterThan(0);
    expect(sample(body, 'lair_relay_frames_out_total{transport="tcp"}')).toBeGreaterThan(0);
    expect(sample(body, 'lair_relay_fanout_deliveries_total')).toBeGreaterThan(0);
    expect(
      sample(body, 'lair_relay_command_duration_seconds_count{command="send_message"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(body).toMatch(/^lair_relay_event_loop_lag_seconds\{quantile="p99"\} /m);
    expect(body).toMatch(/^# TYPE lair_relay_slow_client_disconnects_total counter/m);
    expect(body).toMatch(/^# TYPE lair_relay_queue_drops_total counter/m);
    alice.client.close();
    bob.client.close();
  });

  it('counts every frame out once: frames queued after a scrape appear in the next one (issue 16 tally)', async () => {
    const alice = await connectUser(relay);
    const bob = await connectUser(relay);
    const room = (await alice.client.request({ type: 'create_room', name: `met2-${Date.now()}` })).room;
    await bob.client.request({ type: 'join_room', room_id: room.id });
    await bob.client.nextOf('user_joined_room');
    const framesOut = async (): Promise<number> =>
      sample((await relayMetrics()).body, 'lair_relay_frames_out_total{transport="tcp"}') ?? 0;
    const before = await framesOut();
    expect(await framesOut()).toBe(before); // a scrape alone moves nothing twice
    await alice.client.request({
      type: 'send_message',
      target: { type: 'room', room_id: room.id },
      content: 'counted',
    });
    await alice.client.nextOf('message_received');
    await bob.client.nextOf('message_received');
    // 3 frames: alice's response, alice's and bob's message_received (docs/protocol/tcp.md §8)
    expect(await framesOut()).toBe(before + 3);
    alice.client.close();
    bob.client.close();
  });

  it('the relay process serves them on its HTTP port', async () => {
    const table = await createTestTable();
    const proc = await spawnRelayProcess(table);
    try {
      const res = await fetch(`http://127.0.0.1:${proc.wsPort}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toMatch(/^# TYPE lair_relay_connections gauge/m);
      expect(text).toMatch(/^# TYPE lair_relay_command_duration_seconds histogram/m);
    } finally {
      proc.child.kill('SIGTERM');
      await proc.exited;
      await deleteTestTable(table);
    }
  }, 60_000);
});
