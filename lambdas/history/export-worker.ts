// Async export worker Lambda (AWS): invoked with `{"export_id"}` (InvocationType Event) by the history group; writes the JSONL to S3 (docs/protocol/extensions.md §5).
import { createLogger } from '../../shared/platform/logger.js';
import type { Composition } from '../../shared/compose.js';
import { compositionFromEnv } from '../streams/deps.js';

let built: Promise<Composition> | undefined;
const logger = createLogger(process.env.LAIR_LOG_LEVEL ?? 'info', 'export-worker');

/** Runs one export job to the end; a failure is recorded on the job (status `failed`) and logged. */
export const handler = async (event: { export_id?: unknown }): Promise<void> => {
  if (typeof event.export_id !== 'string') {
    logger.error({ event: Object.keys(event) }, 'export worker: no export_id');
    return;
  }
  built ??= compositionFromEnv(process.env);
  const { services } = await built;
  try {
    const done = await services.exports.run(event.export_id);
    logger.info({ exportId: event.export_id, messages: done.messages, bytes: done.bytes }, 'export done');
  } catch (err) {
    logger.error({ err, exportId: event.export_id }, 'export failed');
  }
};
