// One progress bar for the table CLIs (cli-progress on a TTY; a line per 10 % otherwise).
import { SingleBar, Presets } from 'cli-progress';

/** A bar to `update(done, total?)` and `stop()`. */
export interface ProgressBar {
  update(done: number, total?: number): void;
  stop(): void;
}

/** Builds a bar labelled `what` (e.g. "backup") on stderr. */
export function progressBar(what: string): ProgressBar {
  if (process.stderr.isTTY) {
    const bar = new SingleBar(
      {
        format: `${what} [{bar}] {percentage}% | {value}/{total} items | {duration}s`,
        stream: process.stderr,
      },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total) {
        if (!started) {
          bar.start(total ?? done, done);
          started = true;
        }
        if (total !== undefined) bar.setTotal(Math.max(total, done));
        else if (done > bar.getTotal()) bar.setTotal(done);
        bar.update(done);
      },
      stop: () => {
        bar.stop();
      },
    };
  }
  let lastTenth = -1;
  return {
    update(done, total) {
      const tenth = total ? Math.floor((10 * done) / total) : Math.floor(done / 1000);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        process.stderr.write(`${what}: ${done}${total ? `/${total}` : ''} items\n`);
      }
    },
    stop: () => undefined,
  };
}
