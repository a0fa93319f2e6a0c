// E2E: three terminal-client states (client/tui ChatState over the SDK's TCP client) on a real relay: two become friends, the three start a titled group and chat in it, the third blocks the first (issue 13 "Done when", group part).
import { LairTcpClient } from '../../../client/sdk/tcp.js';
import { ChatState } from '../../../client/tui/commands.js';
import type { EventPayload } from '../../../shared/kernel/events.js';
import { startTestRelay, type TestRelay } from '../../support/relay.js';

describe('group conversations from the terminal client', () => {
  let relay: TestRelay;
  const sessions: LairTcpClient[] = [];
  beforeAll(async () => {
    relay = await startTestRelay();
  });
  afterAll(async () => {
    for (const s of sessions) s.close();
    await relay.close();
  });

  async function person() {
    const auth = await relay.register();
    const session = new LairTcpClient();
    sessions.push(session);
    await session.connect({
      host: '127.0.0.1',
      port: relay.relay.port,
      features: ['lair.social', 'lair.messages'],
    });
    await session.authenticate(auth.token);
    const state = new ChatState(session, auth.user);
    const seen: EventPayload[] = [];
    session.on('event', (e: EventPayload) => {
      state.observe(e);
      seen.push(e);
    });
    await state.warmUp();
    const waitFor = async (pred: (e: EventPayload) => boolean) => {
      for (let i = 0; i < 100; i++) {
        if (seen.some(pred)) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('event did not arrive');
    };
    return { state, user: auth.user, seen, waitFor };
  }

  it('friends, a titled group, chat in it, then a block: the blocked one cannot DM and is not told why', async () => {
    const [ann, bob, cat] = [await person(), await person(), await person()];
    await ann.state.run(`/friend ${bob.user.username}`);
    await bob.state.run(`/friend ${ann.user.username}`); // mutual: friends now
    expect((await ann.state.run('/friends')).lines.join('\n')).toContain(bob.user.username);

    const made = await ann.state.run(`/group ${bob.user.username} ${cat.user.username} Weekend plans`);
    expect(made.lines.join()).toContain('Now in group “Weekend plans” (3 people)');
    await cat.waitFor((e) => e.type === 'conversation_created');
    expect((await cat.state.run('/groups')).lines.join('\n')).toContain('1. Weekend plans');
    await cat.state.run('/group 1');
    await ann.state.run('hello group');
    await cat.state.run('hi ann');
    for (const p of [ann, bob, cat]) {
      await p.waitFor((e) => e.type === 'message_received' && e.message.content === 'hi ann');
      await p.waitFor((e) => e.type === 'message_received' && e.message.content === 'hello group');
    }

    await cat.state.run(`/block ${ann.user.username}`);
    const refused = await ann.state.run(`/msg ${cat.user.username} are you there?`).then(
      () => 'sent',
      (e: unknown) => (e instanceof Error ? e.message : 'failed'),
    );
    expect(refused).toContain('Recipient unavailable');
    expect(refused).not.toMatch(/block/i);
  });
});
