// Adapts the config reloader to `POST /api/v1/admin/config/reload` (docs/protocol/extensions.md §10): an invalid document becomes `validation_failed` naming the key.
import { ConfigError } from '../shared/config/config-file.js';
import type { ReloadResult } from '../shared/config/reload.js';
import { DomainError } from '../shared/kernel/errors.js';
import type { ConfigReloader } from '../shared/platform/config-source.js';

/**
 * Reloads for the admin route. @param by - `admin:<user id>`, logged
 * @throws DomainError `validation_failed` (400) with the ConfigError text (old config kept)
 */
export async function reloadForRoute(reloader: ConfigReloader, by: string): Promise<ReloadResult> {
  try {
    return await reloader.reload(by);
  } catch (e) {
    if (e instanceof ConfigError) throw new DomainError('validation_failed', e.message);
    throw e;
  }
}
