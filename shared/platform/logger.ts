// Structured JSON logging (pino) with secrets redacted; one logger built per composition root.
import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths never written to logs (tokens, passwords, hashes, secrets). */
const REDACT = [
  'password',
  '*.password',
  'new_password',
  '*.new_password',
  'current_password',
  '*.current_password',
  'password_hash',
  '*.password_hash',
  'token',
  '*.token',
  'jwtSecret',
  '*.jwtSecret',
  'totpKey',
  '*.totpKey',
  'headers.authorization',
  '*.headers.authorization',
];

/**
 * Builds the process logger.
 * @param level - pino level name (`LAIR_LOG_LEVEL`, default `info`)
 * @param name - component name (`http`, `relay`, `local`…)
 */
export function createLogger(level: string, name: string): Logger {
  return pino({ level, name, redact: { paths: REDACT, censor: '[redacted]' } });
}
