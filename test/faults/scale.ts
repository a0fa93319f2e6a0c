// Fault-test sizes: small in `npm test`, long under `npm run test:faults` (LAIR_FAULTS=long).

/** True under `npm run test:faults`. */
export const LONG = process.env.LAIR_FAULTS === 'long';

/** Frames the fuzzer sends: 100,000 in the long run, 3,000 in CI. */
export const FUZZ_FRAMES = Number(process.env.LAIR_FUZZ_FRAMES ?? (LONG ? 100_000 : 3_000));

/** How long the 20 clients send before the relay is killed, ms. */
export const SEND_BEFORE_KILL_MS = LONG ? 8_000 : 1_500;

/** How long DynamoDB stays unreachable, ms (the 10 s in both runs). */
export const OUTAGE_MS = 10_000;
