// Argument parsing for the operator CLIs (backup, restore, export, reindex): node:util parseArgs plus `--help` and a usage line instead of a stack trace on a bad option.
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses `argv` (default: the process arguments) against `options`. `--help`/`-h` prints `usage`
 * to stdout and exits 0; an unknown option or a missing value prints the parser's one-line reason
 * and `usage` to stderr and exits 2 (the usual usage-error status).
 * @returns the parsed option values (positionals are not accepted).
 */
export function parseCliArgs<O extends Options>(
  options: O,
  usage: string,
  argv: string[] = process.argv.slice(2),
): ReturnType<typeof parseArgs<{ options: O }>>['values'] {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  try {
    return parseArgs({ args: argv, options }).values;
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${usage}\n`);
    process.exit(2);
  }
}
