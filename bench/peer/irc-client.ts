// Lean bench client for RFC 2812 IRC (the peer ngircd): NICK/USER, JOIN, PRIVMSG, PING/PONG, and a byte scan for bench deliveries.
import { connect, type Socket } from 'node:net';
import { scanStamp, type DeliverySink } from './stamp.js';

const NL = 0x0a;
const PRIVMSG = Buffer.from(' PRIVMSG ');

/**
 * One IRC client connection (RFC 2812 §3.1 registration, §3.2.1 JOIN, §3.3.1 PRIVMSG,
 * §3.7.2–3 PING/PONG). IRC has no send acknowledgement and does not echo a PRIVMSG to its sender,
 * so a message reaches members − 1 clients (the Lair relay delivers to the sender too).
 */
export class LeanIrcClient {
  private socket: Socket | undefined;
  private rest: Buffer = Buffer.alloc(0);
  closedUnexpectedly = false;
  private closing = false;
  private onLine: (line: Buffer) => void = () => undefined;

  constructor(private readonly sink: DeliverySink) {}

  /**
   * Connects to 127.0.0.1:`port`, registers as `nick`, joins `channel` and resolves at the end of
   * its NAMES list (366). @throws Error on ERROR/433/471-475, a close or 120 s without an answer
   */
  open(port: number, nick: string, channel: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      this.socket = socket;
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        reject(new Error('irc registration timed out'));
      }, 120_000);
      socket.write(`NICK ${nick}\r\nUSER ${nick} 0 * :bench\r\n`);
      this.onLine = (line) => {
        const text = line.toString('latin1');
        const parts = text.split(' ');
        const code = parts[1];
        if (code === '001') socket.write(`JOIN ${channel}\r\n`);
        else if (code === '366') {
          clearTimeout(timer);
          this.onLine = (l) => {
            this.ready(l);
          };
          resolve();
        } else if (text.startsWith('ERROR') || /^(433|47[1-5])$/.test(code ?? '')) {
          clearTimeout(timer);
          reject(new Error(`irc: ${text}`));
        }
      };
      socket.on('data', (chunk: Buffer) => {
        this.feed(chunk);
      });
      socket.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.on('close', () => {
        clearTimeout(timer);
        if (!this.closing) this.closedUnexpectedly = true;
        reject(new Error('closed during registration'));
      });
    });
  }

  /** Sends one PRIVMSG to `channel` (no acknowledgement exists in IRC). */
  send(channel: string, content: string): void {
    this.socket?.write(`PRIVMSG ${channel} :${content}\r\n`);
  }

  /** Closes without counting it as unexpected. */
  close(): void {
    this.closing = true;
    this.socket?.destroy();
  }

  private ready(line: Buffer): void {
    if (line[0] === 0x50 && line.toString('latin1', 0, 5) === 'PING ') {
      this.socket?.write(`PONG ${line.toString('latin1', 5)}\r\n`);
      return;
    }
    const at = line.indexOf(PRIVMSG);
    if (at > 0) scanStamp(line, this.sink, at);
  }

  private feed(chunk: Buffer): void {
    let data = this.rest.length === 0 ? chunk : Buffer.concat([this.rest, chunk]);
    let start = 0;
    for (let nl = data.indexOf(NL); nl >= 0; nl = data.indexOf(NL, start)) {
      const end = nl > start && data[nl - 1] === 0x0d ? nl - 1 : nl;
      this.onLine(data.subarray(start, end));
      start = nl + 1;
    }
    data = data.subarray(start);
    this.rest = data.length === 0 ? Buffer.alloc(0) : Buffer.from(data);
  }
}
