// Terminal client entry point: server prompt, HTTP login/register, encrypted TCP session (reconnecting, with catch-up sync), input loop.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { downloadFile, uploadFile } from '../sdk/attachments.js';
import { exportRoomToFile } from '../sdk/exports.js';
import { LairHttpClient, LairHttpError } from '../sdk/http.js';
import { LAIR_MESSAGES, LAIR_RECEIPTS, LAIR_SYNC, LairRequestError } from '../sdk/session.js';
import { invitationSummaryLines } from './invitation-commands.js';
import { LairTcpClient } from '../sdk/tcp.js';
import type { AuthResult } from '../../shared/features/auth/index.js';
import { ChatState } from './commands.js';
import { formatEvent, style } from './render.js';
import { catchUpFile } from './sync-commands.js';
import { Terminal } from './terminal.js';

/** Minimum gap between two `typing` notifications we send, ms (the server has no throttle, docs/protocol/tcp.md §10). */
const TYPING_EVERY_MS = 3_000;

const USAGE = `Usage: lair-chat-client [options]
  --host H           server host (default 127.0.0.1)
  --http-port P      HTTP port (default $LAIR_HTTP_PORT or 8082)
  --tcp-port P       TCP port (default $LAIR_TCP_PORT or 8080)
  --user NAME        log in as NAME (asks only for the password)
  --register         create an account instead of logging in
  --no-encryption    plaintext TCP (default: X25519 + AES-256-GCM)
  -y, --yes          accept the default server addresses without asking`;

function describeError(err: unknown): string {
  if (err instanceof LairHttpError || err instanceof LairRequestError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/** Logs in or registers over HTTP (docs/protocol/http.md §5), asking again after each failure. */
async function signIn(
  term: Terminal,
  http: LairHttpClient,
  user?: string,
  register?: boolean,
): Promise<AuthResult> {
  for (;;) {
    const answer =
      register === true ? 'r' : user !== undefined ? 'l' : await term.ask('(l)ogin or (r)egister', 'l');
    const registering = answer.toLowerCase().startsWith('r');
    const username = user ?? (await term.ask(registering ? 'Username' : 'Username or email'));
    const email = registering ? await term.ask('Email') : '';
    const password = await term.askSecret('Password');
    try {
      if (registering) return await http.register(username, email, password);
      try {
        return await http.login(username, password);
      } catch (err) {
        if (!(err instanceof LairHttpError && err.code === 'totp_required')) throw err;
        // 2FA is on (docs/protocol/extensions.md §10): a 6-digit code, or a recovery code.
        const code = (await term.ask('Two-factor code (or a recovery code)')).trim();
        return await http.login(
          username,
          password,
          /^\d{6}$/.test(code) ? { totp_code: code } : { recovery_code: code },
        );
      }
    } catch (err) {
      term.print(style.red(`✖ ${describeError(err)}`));
      user = undefined;
      register = undefined;
    }
  }
}

function prompt(state: ChatState): string {
  const group = state.currentConversationId;
  const where =
    group !== undefined
      ? `[${state.conversationName(group)}]`
      : state.currentRoomId !== undefined
        ? `#${state.roomName(state.currentRoomId)}`
        : state.me.username;
  return `${style.bold(where)}> `;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      'http-port': { type: 'string' },
      'tcp-port': { type: 'string' },
      user: { type: 'string' },
      register: { type: 'boolean' },
      'no-encryption': { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    console.log(USAGE);
    return;
  }
  const term = new Terminal();
  try {
    await run(term, values);
  } finally {
    term.close();
  }
}

async function run(
  term: Terminal,
  values: {
    host?: string;
    'http-port'?: string;
    'tcp-port'?: string;
    user?: string;
    register?: boolean;
    'no-encryption'?: boolean;
    yes?: boolean;
  },
): Promise<void> {
  const host = values.host ?? '127.0.0.1';
  const defaultHttp = `http://${host}:${values['http-port'] ?? process.env.LAIR_HTTP_PORT ?? '8082'}`;
  const defaultTcp = `${host}:${values['tcp-port'] ?? process.env.LAIR_TCP_PORT ?? '8080'}`;
  const httpUrl = values.yes === true ? defaultHttp : await term.ask('HTTP server', defaultHttp);
  const tcpAddr = values.yes === true ? defaultTcp : await term.ask('TCP server', defaultTcp);

  const http = new LairHttpClient(httpUrl);
  const auth = await signIn(term, http, values.user, values.register);
  term.print(style.green(`Signed in as ${auth.user.username}`));

  const sep = tcpAddr.lastIndexOf(':');
  /** Opens and authenticates one TCP session (first connect and every reconnect). */
  const open = async (): Promise<{ client: LairTcpClient; features: readonly string[] }> => {
    const c = new LairTcpClient();
    const hello = await c.connect({
      host: tcpAddr.slice(0, sep),
      port: Number(tcpAddr.slice(sep + 1)),
      encryption: values['no-encryption'] !== true,
      clientName: 'Lair Chat TS TUI',
      // reactions and thread updates live (extensions.md §1); read state and catch-up (§2, §3);
      // invitation status/reminders (§6); mutes (§9); friends, presence, profiles (§7, §8)
      features: [
        LAIR_MESSAGES,
        LAIR_RECEIPTS,
        LAIR_SYNC,
        'lair.invitations',
        'lair.moderation',
        'lair.social',
      ],
    });
    await c.authenticate(auth.token);
    return { client: c, features: hello.features };
  };
  let { client, features } = await open();
  const downloads = join(process.cwd(), 'downloads');
  const state = new ChatState(
    client,
    auth.user,
    {
      upload: (path) => uploadFile(http, path),
      download: (id) => downloadFile(http, id, downloads),
      exportRoom: (roomId, file) => exportRoomToFile(http, roomId, file),
    },
    {
      send: (method, path, body) => http.send(method, path, body),
      ask: (q) => term.ask(q),
      askSecret: (q) => term.askSecret(q),
      print: (...lines) => {
        term.print(...lines);
      },
    },
    (roomId, maxUses) =>
      http
        .send<{ link: { code: string; max_uses: number | null } }>(
          'POST',
          `/api/v1/rooms/${roomId}/invite-links`,
          { max_uses: maxUses },
        )
        .then((r) => r.link),
    catchUpFile(auth.user.id),
  );
  await state.warmUp();
  for (const line of await invitationSummaryLines(client).catch(() => [])) term.print(line); // offline invitations + reminders
  term.print(
    style.dim(`Connected to ${tcpAddr}${client.encrypted ? ' (encrypted)' : ''}. Type /help for commands.`),
  );
  if (!features.includes(LAIR_MESSAGES))
    term.print(
      style.yellow('This server does not offer lair.messages: reactions and threads will not update live.'),
    );
  /** Sync on every (re)connect: "while you were away: N new in #room" (extensions.md §3). */
  const catchUp = async () => {
    if (!features.includes(LAIR_SYNC)) return;
    try {
      term.print(...(await state.catchUp.run()));
    } catch (err) {
      term.print(style.red(`✖ sync: ${describeError(err)}`));
    }
  };
  await catchUp();

  let quitting = false;
  const attach = (c: LairTcpClient) => {
    c.on('event', (event) => {
      state.observe(event);
      const line = formatEvent(event, state);
      if (line !== null) term.print(line);
    });
    c.on('server_error', (err) => {
      term.print(style.red(`server: ${err.code}: ${err.message}`));
    });
    c.on('close', (reason) => {
      if (quitting) return;
      term.print(
        style.red(`Disconnected${reason !== undefined ? `: ${reason.message}` : ''} — reconnecting…`),
      );
      void reconnect();
    });
  };
  /** Reconnects with backoff (1 s doubling to 30 s), then syncs what was missed meanwhile. */
  const reconnect = async () => {
    for (let delay = 1000; !quitting; delay = Math.min(delay * 2, 30_000)) {
      await new Promise((r) => setTimeout(r, delay));
      try {
        ({ client, features } = await open());
        state.session = client;
        attach(client);
        term.print(style.green(`Reconnected to ${tcpAddr}`));
        await catchUp();
        return;
      } catch (err) {
        term.print(
          style.dim(
            `reconnect failed (${describeError(err)}); retrying in ${Math.min(delay * 2, 30_000) / 1000} s`,
          ),
        );
      }
    }
  };
  attach(client);

  let lastTyping = 0;
  process.stdin.on('keypress', () => {
    const roomId = state.currentRoomId;
    const group = state.currentConversationId;
    if ((roomId === undefined && group === undefined) || term.currentLine.startsWith('/')) return;
    if (Date.now() - lastTyping < TYPING_EVERY_MS) return;
    lastTyping = Date.now();
    client.typing(
      group !== undefined
        ? { type: 'conversation', conversation_id: group }
        : { type: 'room', room_id: roomId ?? '' },
    );
  });

  for (;;) {
    const line = await term.next(prompt(state));
    if (line === null) break;
    term.busy = true;
    try {
      const result = await state.run(line);
      term.print(...result.lines);
      if (result.quit === true) break;
    } catch (err) {
      term.print(style.red(`✖ ${describeError(err)}`));
    } finally {
      term.busy = false;
    }
  }
  quitting = true;
  state.catchUp.save();
  client.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(style.red(`✖ ${describeError(err)}`));
    process.exit(1);
  },
);
