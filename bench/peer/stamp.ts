// Bench message content `B|<phase>|<send µs>|…` shared by the Lair and IRC drivers: build it, and read it back from raw bytes.

/** Called once per bench delivery found: phase code (`w`/`f`) and the send time, µs. */
export type DeliverySink = (phase: string, sentMicros: number) => void;

/** System-wide monotonic clock (CLOCK_MONOTONIC via hrtime) in µs: the same in every process of the machine. */
export function monoMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** `B|<phase>|<µs>|` padded with `.` to `bytes` characters. */
export function stampContent(phase: string, sentMicros: number, bytes: number): string {
  return `B|${phase}|${sentMicros}|`.padEnd(bytes, '.');
}

const B = 0x42;
const BAR = 0x7c;

/**
 * Finds the first `B|x|<digits>|` in `bytes` (from `from`) and reports it to `sink`.
 * @returns true when a stamp was found
 */
export function scanStamp(bytes: Buffer, sink: DeliverySink, from = 0): boolean {
  let i = bytes.indexOf('B|', from, 'latin1');
  while (i >= 0) {
    if (bytes[i] === B && bytes[i + 3] === BAR) {
      let n = 0;
      let j = i + 4;
      for (; j < bytes.length; j++) {
        const c = bytes[j] as number;
        if (c === BAR) break;
        n = n * 10 + (c - 48);
      }
      if (j > i + 4 && j < bytes.length) {
        sink(String.fromCharCode(bytes[i + 2] as number), n);
        return true;
      }
    }
    i = bytes.indexOf('B|', i + 1, 'latin1');
  }
  return false;
}
