// Per-second counters of this relay process over the last 60 s: successful send_message commands and failed command responses (docs/protocol/extensions.md §9 stats/live).

/** Window of the per-second averages, seconds. */
export const WINDOW_SECONDS = 60;

/** A 60-slot ring of per-second counts. */
class Ring {
  private readonly slots: number[] = new Array<number>(WINDOW_SECONDS).fill(0);
  private readonly stamps: number[] = new Array<number>(WINDOW_SECONDS).fill(-1);

  add(nowMs: number): void {
    const sec = Math.floor(nowMs / 1000);
    const i = sec % WINDOW_SECONDS;
    if (this.stamps[i] !== sec) {
      this.stamps[i] = sec;
      this.slots[i] = 0;
    }
    this.slots[i] = (this.slots[i] ?? 0) + 1;
  }

  /** Average per second over the last {@link WINDOW_SECONDS} whole seconds. */
  rate(nowMs: number): number {
    const sec = Math.floor(nowMs / 1000);
    let sum = 0;
    for (let i = 0; i < WINDOW_SECONDS; i++)
      if (sec - (this.stamps[i] ?? -Infinity) < WINDOW_SECONDS) sum += this.slots[i] ?? 0;
    return sum / WINDOW_SECONDS;
  }
}

const messages = new Ring();
const errors = new Ring();

/** Records one command outcome (called by relay/commands/index.ts `runCommand`). */
export function countCommand(type: string, ok: boolean, nowMs = Date.now()): void {
  if (!ok) errors.add(nowMs);
  else if (type === 'send_message') messages.add(nowMs);
}

/** `{messages_per_s, errors_per_s}` of this process over the last 60 s. */
export function liveRates(nowMs = Date.now()): { messages_per_s: number; errors_per_s: number } {
  const r = (n: number): number => Math.round(n * 100) / 100;
  return { messages_per_s: r(messages.rate(nowMs)), errors_per_s: r(errors.rate(nowMs)) };
}
