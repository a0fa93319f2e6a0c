// Terminal client entry point: server prompt, HTTP login/register, encrypted TCP session, input loop.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { downloadFile, uploadFile } from '../sdk/attachments.js';
import { LairHttpClient, LairHttpError } from '../sdk/http.js';
import { LAIR_MESSAGES, LairRequestError } from '../sdk/session.js';
import { invitationSummaryLines } from './invitation-commands.js';
import { LairTcpClient } from '../sdk/tcp.js';
import type { AuthResult } from '../../shared/features/auth/index.js';
import { ChatState } from './commands.js';
import { formatEvent, style } from './render.js';
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
  const where =
    state.currentRoomId !== undefined ? `#${state.roomName(state.currentRoomId)}` : state.me.username;
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

  const client = new LairTcpClient();
  const sep = tcpAddr.lastIndexOf(':');
  const hello = await client.connect({
    host: tcpAddr.slice(0, sep),
    port: Number(tcpAddr.slice(sep + 1)),
    encryption: values['no-encryption'] !== true,
    clientName: 'Lair Chat TS TUI',
    features: [LAIR_MESSAGES, 'lair.invitations', 'lair.social'], // reactions/threads (§1), invitation status (§6), friends and presence (§7, §8)
  });
  await client.authenticate(auth.token);
  const downloads = join(process.cwd(), 'downloads');
  const state = new ChatState(
    client,
    auth.user,
    {
      upload: (path) => uploadFile(http, path),
      download: (id) => downloadFile(http, id, downloads),
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
  );
  await state.warmUp();
  for (const line of await invitationSummaryLines(client).catch(() => [])) term.print(line); // offline invitations + reminders
  term.print(
    style.dim(`Connected to ${tcpAddr}${client.encrypted ? ' (encrypted)' : ''}. Type /help for commands.`),
  );
  if (!hello.features.includes(LAIR_MESSAGES))
    term.print(
      style.yellow('This server does not offer lair.messages: reactions and threads will not update live.'),
    );

  client.on('event', (event) => {
    state.observe(event);
    const line = formatEvent(event, state);
    if (line !== null) term.print(line);
  });
  client.on('server_error', (err) => {
    term.print(style.red(`server: ${err.code}: ${err.message}`));
  });
  client.on('close', (reason) => {
    term.print(style.red(`Disconnected${reason !== undefined ? `: ${reason.message}` : ''}`));
    term.close();
  });

  let lastTyping = 0;
  process.stdin.on('keypress', () => {
    const roomId = state.currentRoomId;
    if (roomId === undefined || term.currentLine.startsWith('/')) return;
    if (Date.now() - lastTyping < TYPING_EVERY_MS) return;
    lastTyping = Date.now();
    client.typing({ type: 'room', room_id: roomId });
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
  client.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(style.red(`✖ ${describeError(err)}`));
    process.exit(1);
  },
);
