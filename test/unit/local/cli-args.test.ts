// Operator CLI arguments (local/cli-args.ts): --help prints the usage and exits 0, a bad option prints the reason and the usage and exits 2, values parse.
import { jest } from '@jest/globals';
import { parseCliArgs } from '../../../local/cli-args.js';

const USAGE = 'usage: npm run thing -- --out FILE [--force]';
const OPTIONS = { out: { type: 'string' }, force: { type: 'boolean', default: false } } as const;

describe('parseCliArgs', () => {
  let exit: jest.SpiedFunction<typeof process.exit>;
  let out: jest.SpiedFunction<typeof process.stdout.write>;
  let err: jest.SpiedFunction<typeof process.stderr.write>;
  beforeEach(() => {
    exit = jest.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${String(code)}`);
    });
    out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('returns the parsed values', () => {
    expect(parseCliArgs(OPTIONS, USAGE, ['--out', 'f.jsonl', '--force'])).toEqual({
      out: 'f.jsonl',
      force: true,
    });
    expect(exit).not.toHaveBeenCalled();
  });

  it('--help prints the usage to stdout and exits 0', () => {
    expect(() => parseCliArgs(OPTIONS, USAGE, ['--help'])).toThrow('exit 0');
    expect(out).toHaveBeenCalledWith(`${USAGE}\n`);
  });

  it('an unknown option prints the reason and the usage to stderr and exits 2 (no stack trace)', () => {
    expect(() => parseCliArgs(OPTIONS, USAGE, ['--bogus'])).toThrow('exit 2');
    const text = err.mock.calls.map((c) => String(c[0])).join('');
    expect(text).toContain("Unknown option '--bogus'");
    expect(text).toContain(USAGE);
    expect(text).not.toContain('    at ');
  });
});
