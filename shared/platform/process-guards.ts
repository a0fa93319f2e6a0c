// Process-level safety net for long-running entry points (relay, local stack): log what escaped, never die silently.
import type { Logger } from './logger.js';

/**
 * Installs `unhandledRejection` (logged, process keeps serving: one failed promise must not drop
 * every socket) and `uncaughtException` (logged as fatal, then exit 1 so the supervisor — ECS or
 * the developer — restarts from a clean state, as Node's docs advise). Call once per process.
 * @param beforeExit - cleanup run before exiting (e.g. stopping the DynamoDB Local child)
 */
export function installProcessGuards(logger: Logger, beforeExit?: () => Promise<void>): void {
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
  });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception; exiting');
    const done = (): never => process.exit(1);
    if (beforeExit === undefined) done();
    else void beforeExit().finally(done);
  });
}
