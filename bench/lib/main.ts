// The one entry-point shape of every bench driver: parse flags (exit 2 on bad ones), run, print, write the result JSON, always clean up (exit 1 on failure).
import { writeResult } from './report.js';

/** What a driver supplies to {@link runBench}. */
export interface BenchDriver<A extends { outDir: string }, R extends { startedAt: string }> {
  /** Progress line writer (stderr). */
  log(msg: string): void;
  /** @throws Error with a message for the user on a bad flag */
  parse(argv: string[]): A;
  /** The run; pushes undo steps (stop processes, delete tables) onto `cleanup`. */
  run(args: A, cleanup: (() => Promise<void>)[]): Promise<R>;
  /** The stdout table. */
  format(result: R): string;
  /** Appended to the result file name (e.g. `-lifecycle`). */
  suffix?: string;
}

/** Runs a driver from `process.argv` and exits with 0 (ok), 1 (run failed) or 2 (bad flags). */
export async function runBench<A extends { outDir: string }, R extends { startedAt: string }>(
  d: BenchDriver<A, R>,
): Promise<never> {
  let args: A;
  try {
    args = d.parse(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const cleanup: (() => Promise<void>)[] = [];
  let code = 0;
  try {
    const result = await d.run(args, cleanup);
    process.stdout.write(d.format(result));
    d.log(`result written to ${await writeResult(result, args.outDir, d.suffix ?? '')}`);
  } catch (err) {
    d.log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    code = 1;
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  }
  process.exit(code);
}
