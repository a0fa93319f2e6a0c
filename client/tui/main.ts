// Terminal client entry point: server prompt, HTTP login/register, encrypted TCP session, input loop.
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { clearLine, cursorTo } from 'node:readline';
import type { Interface } from 'node:readline/promises';
import { LairHttpClient, LairHttpError } from '../sdk/http.js';
import { LairRequestError } from '../sdk/session.js';
import { LairTcpClient } from '../sdk/tcp.js';
import type { AuthResult } from '../../shared/domain/entities.js';
import { ChatState } from './commands.js';
import { HELP, formatEvent, style } from './render.js';

/** Minimum gap between two `typing` notifications we send, ms (no server throttle, tcp.md §10). */
const TYPING_EVERY_MS = 3_000;

const USAGE = `Usage: lair-chat-client [--host H] [--http-port P] [--tcp-port P] [--user NAME] [--register] [--no-encryption] [--yes]
  Defaults: host 127.0.0.1, HTTP port $LAIR_HTTP_PORT or 8082, TCP port $LAIR_TCP_PORT or 8080.
  --yes skips the server prompts.`;

/** stdout wrapper that can hide typed characters (password entry). */
class MutableOutput extends Writable {
  muted = false;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    if (!this.muted) process.stdout.write(chunk);
    done();
  }
}

async function ask(rl: Interface, question: string, fallback = ''): Promise<string> {
  const hint = fallback !== '' ? style.dim(` [${fallback}]`) : '';
  const answer = (await rl.question(`${question}${hint}: `)).trim();
  return answer === '' ? fallback : answer;
}

async function askSecret(rl: Interface, out: MutableOutput, question: string): Promise<string> {
  process.stdout.write(`${question}: `);
  out.muted = true;
  try {
    return await rl.question('');
  } finally {
    out.muted = false;
    process.stdout.write('\n');
  }
}

function describeError(err: unknown): string {
  if (err instanceof LairHttpError || err instanceof LairRequestError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/** Logs in or registers over HTTP, retrying on errors until it succeeds. */
async function authenticate(rl: Interface, out: MutableOutput, http: LairHttpClient, user?: string, register?: boolean): Promise<AuthResult> {
  for (;;) {
    const mode = register === true ? 'r' : user !== undefined ? 'l' : (await ask(rl, '(l)ogin or (r)egister', 'l')).toLowerCase();
    const username = user ?? (await ask(rl, mode.startsWith('r') ? 'Username' : 'Username or email'));
    const email = mode.startsWith('r') ? await ask(rl, 'Email') : '';
    const password = await askSecret(rl, out, 'Password');
    try {
      return mode.startsWith('r') ? await http.register(username, email, password) : await http.login(username, password);
    } catch (err) {
      console.log(style.red(`✖ ${describeError(err)}`));
      user = undefined;
      register = undefined;
    }
  }
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
  const out = new MutableOutput();
  const rl = createInterface({ input: process.stdin, output: out, terminal: process.stdin.isTTY });
  const host = values.host ?? '127.0.0.1';
  const defaultHttp = `http://${host}:${values['http-port'] ?? process.env.LAIR_HTTP_PORT ?? '8082'}`;
  const defaultTcp = `${host}:${values['tcp-port'] ?? process.env.LAIR_TCP_PORT ?? '8080'}`;
  const skip = values.yes === true;
  const httpUrl = skip ? defaultHttp : await ask(rl, 'HTTP server', defaultHttp);
  const tcpAddr = skip ? defaultTcp : await ask(rl, 'TCP server', defaultTcp);

  const http = new LairHttpClient(httpUrl);
  const auth = await authenticate(rl, out, http, values.user, values.register);
  console.log(style.green(`Signed in as ${auth.user.username}`));

  const client = new LairTcpClient();
  const sep = tcpAddr.lastIndexOf(':');
  await client.connect({
    host: tcpAddr.slice(0, sep),
    port: Number(tcpAddr.slice(sep + 1)),
    encryption: values['no-encryption'] !== true,
    clientName: 'Lair Chat TS TUI',
  });
  await client.authenticate(auth.token);
  console.log(style.dim(`Connected to ${tcpAddr}${client.encrypted ? ' (encrypted)' : ''}. Type /help for commands.`));

  const state = new ChatState(client, auth.user);
  const print = (line: string): void => {
    clearLine(process.stdout, 0);
    cursorTo(process.stdout, 0);
    console.log(line);
    rl.setPrompt(prompt(state));
    rl.prompt(true);
  };
  client.on('event', (event) => {
    state.observe(event);
    const line = formatEvent(event, state);
    if (line !== null) print(line);
  });
  client.on('server_error', (err) => { print(style.red(`server: ${err.code}: ${err.message}`)); });
  client.on('close', (reason) => {
    print(style.red(`Disconnected${reason !== undefined ? `: ${reason.message}` : ''}`));
    rl.close();
  });

  let lastTyping = 0;
  process.stdin.on('keypress', () => {
    const roomId = state.currentRoomId;
    if (roomId === undefined || rl.line.startsWith('/') || Date.now() - lastTyping < TYPING_EVERY_MS) return;
    lastTyping = Date.now();
    client.typing({ type: 'room', room_id: roomId });
  });

  console.log(HELP.slice(-1)[0] ?? '');
  rl.setPrompt(prompt(state));
  rl.prompt();
  for await (const line of rl) {
    try {
      const result = await state.run(line);
      for (const l of result.lines) console.log(l);
      if (result.quit === true) break;
    } catch (err) {
      console.log(style.red(`✖ ${describeError(err)}`));
    }
    rl.setPrompt(prompt(state));
    rl.prompt();
  }
  client.close();
  rl.close();
}

function prompt(state: ChatState): string {
  const where = state.currentRoomId !== undefined ? `#${state.roomName(state.currentRoomId)}` : state.me.username;
  return `${style.bold(where)}> `;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(style.red(`✖ ${describeError(err)}`));
    process.exit(1);
  },
);
