// Line-oriented terminal I/O on node:readline: queued input, hidden password entry, output above the prompt.
import { createInterface } from 'node:readline';
import type { Interface } from 'node:readline';
import { Writable } from 'node:stream';
import { style } from './render.js';

/** stdout wrapper that can hide what readline echoes (password entry). */
class MutableOutput extends Writable {
  muted = false;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    if (!this.muted) process.stdout.write(chunk);
    done();
  }
}

/**
 * Wraps one readline interface. Every input line is queued, so lines typed while the client is
 * busy (connecting, waiting for a response) are never lost, and asynchronous output (events) is
 * printed above the prompt without disturbing what the user is typing.
 */
export class Terminal {
  private readonly out = new MutableOutput();
  private readonly rl: Interface;
  private readonly queue: string[] = [];
  private waiter: ((line: string | null) => void) | undefined;
  private closed = false;
  /** While true, {@link print} does not redraw the prompt (a command is running). */
  busy = false;

  constructor() {
    this.rl = createInterface({ input: process.stdin, output: this.out, terminal: process.stdin.isTTY });
    this.rl.on('line', (line) => {
      if (this.waiter !== undefined) {
        const resolve = this.waiter;
        this.waiter = undefined;
        resolve(line);
      } else {
        this.queue.push(line);
      }
    });
    this.rl.on('close', () => {
      this.closed = true;
      this.waiter?.(null);
      this.waiter = undefined;
    });
  }

  /** The text typed so far on the current line. */
  get currentLine(): string {
    return this.rl.line;
  }

  /** Shows `prompt` and resolves with the next line, or `null` once input has ended (Ctrl-D). */
  next(prompt: string): Promise<string | null> {
    this.rl.setPrompt(prompt);
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.closed) return Promise.resolve(null);
    this.rl.prompt();
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** Asks a question; an empty answer yields `fallback`. @throws Error when input has ended. */
  async ask(question: string, fallback = ''): Promise<string> {
    const hint = fallback !== '' ? style.dim(` [${fallback}]`) : '';
    const answer = await this.next(`${question}${hint}: `);
    if (answer === null) throw new Error('Input closed');
    return answer.trim() === '' ? fallback : answer.trim();
  }

  /** Asks for a secret without echoing it. @throws Error when input has ended. */
  async askSecret(question: string): Promise<string> {
    process.stdout.write(`${question}: `);
    this.out.muted = true;
    try {
      const answer = await this.next('');
      if (answer === null) throw new Error('Input closed');
      return answer;
    } finally {
      this.out.muted = false;
      if (process.stdout.isTTY) process.stdout.write('\n');
    }
  }

  /** Prints lines above the prompt, keeping the user's partial input. */
  print(...lines: string[]): void {
    if (process.stdout.isTTY && !this.busy) {
      process.stdout.write('\r\u001b[2K');
      for (const line of lines) process.stdout.write(`${line}\n`);
      this.rl.prompt(true);
    } else {
      for (const line of lines) process.stdout.write(`${line}\n`);
    }
  }

  /** Stops reading input. */
  close(): void {
    this.rl.close();
  }
}
