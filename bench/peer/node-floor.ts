// The Node.js floor for the peer bench: a minimal IRC subset server in plain Node (no storage, no auth, no JSON) doing the same fan-out, one prebuilt Buffer per message.
import { createServer, type Socket } from 'node:net';

/**
 * Speaks just enough RFC 2812 for the bench's IRC clients (NICK, USER → 001; JOIN → 366;
 * PRIVMSG to a channel → every other member; PING → PONG) and writes each message as one Buffer
 * built once and written to every member socket. What it costs per delivery is what Node's
 * `net.Socket.write` costs: the lowest CPU per delivery any Node relay can reach on this machine.
 * Run: `node --import tsx bench/peer/node-floor.ts <port>`; prints `listening <port>`.
 */
const channels = new Map<string, Set<Socket>>();
const port = Number(process.argv[2] ?? 0);

const server = createServer((socket) => {
  socket.setNoDelay(true);
  let nick = '*';
  let rest = '';
  const joined: string[] = [];
  socket.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString('latin1')).split('\r\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const sp = line.indexOf(' ');
      const cmd = sp < 0 ? line : line.slice(0, sp);
      const arg = sp < 0 ? '' : line.slice(sp + 1);
      if (cmd === 'PRIVMSG') {
        const target = arg.slice(0, arg.indexOf(' '));
        const out = Buffer.from(`:${nick}!b@h PRIVMSG ${arg}\r\n`, 'latin1');
        for (const s of channels.get(target) ?? []) if (s !== socket) s.write(out);
      } else if (cmd === 'NICK') nick = arg;
      else if (cmd === 'USER') socket.write(`:floor 001 ${nick} :welcome\r\n`);
      else if (cmd === 'JOIN') {
        let members = channels.get(arg);
        if (members === undefined) channels.set(arg, (members = new Set()));
        members.add(socket);
        joined.push(arg);
        socket.write(`:floor 366 ${nick} ${arg} :End of NAMES list\r\n`);
      } else if (cmd === 'PING') socket.write(`PONG ${arg}\r\n`);
    }
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    for (const c of joined) channels.get(c)?.delete(socket);
  });
});
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`);
});
