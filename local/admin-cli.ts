// `npm run admin -- grant <username> <role>` / `seal-totp`: out-of-band system-role grants (docs/protocol/extensions.md §9) and the TOTP encryption migration (docs/adr/021) against the running stack's table.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fetchSecretString } from '../lambdas/secret.js';
import { TOTP_SECRET_KEY_ARN_ENV } from '../lambdas/secret-env.js';
import { composeServices } from '../shared/compose.js';
import { localTotpKey } from '../shared/platform/totp-key.js';
import { loadSettings, type Settings } from '../shared/config/settings.js';
import { isDomainError } from '../shared/kernel/errors.js';
import { createDynamoClients } from '../shared/storage/index.js';

import { ENDPOINT_FILE } from './cli-storage.js';

/**
 * Where the table is: `LAIR_DYNAMODB_ENDPOINT`; else real AWS with `LAIR_USE_AWS`; else the
 * endpoint `npm start` wrote to `LAIR_DATA_DIR/dynamodb-endpoint`.
 * @throws Error when none applies (no stack running with these settings)
 */
export function resolveEndpoint(settings: Settings): string | undefined {
  if (settings.LAIR_DYNAMODB_ENDPOINT !== undefined) return settings.LAIR_DYNAMODB_ENDPOINT;
  if (settings.LAIR_USE_AWS) return undefined;
  const file = join(resolve(settings.LAIR_DATA_DIR), ENDPOINT_FILE);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw new Error(
      `no running stack found (${file} is missing): start it with \`npm start\`, or set LAIR_DYNAMODB_ENDPOINT`,
    );
  }
}

const USAGE =
  'usage: npm run admin -- grant <username> <admin|moderator|user|guest>\n       npm run admin -- seal-totp';

/**
 * Runs one CLI command. @returns the process exit code (0 ok, 1 failure, 2 usage)
 * @param out - where the result line goes; @param err - where errors go
 */
export async function runAdminCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const [command, username, role] = argv;
  const seal = command === 'seal-totp' && argv.length === 1;
  if (!seal && (command !== 'grant' || username === undefined || role === undefined)) {
    err(USAGE);
    return 2;
  }
  const settings = loadSettings(env, () => 'admin-cli-unused-secret');
  // The key every server uses (docs/adr/021): the setting, its secret ARN, else the data-dir key file.
  const totpArn = env[TOTP_SECRET_KEY_ARN_ENV];
  settings.totpKey =
    settings.LAIR_TOTP_SECRET_KEY ??
    (totpArn ? await fetchSecretString(totpArn, settings.AWS_REGION) : localTotpKey(settings).key);
  const endpoint = resolveEndpoint(settings);
  const { doc, client } = createDynamoClients({
    region: settings.AWS_REGION,
    ...(endpoint !== undefined ? { endpoint } : {}),
  });
  try {
    const { services, repos } = composeServices({
      doc,
      tableName: settings.LAIR_TABLE_NAME,
      jwtSecret: settings.jwtSecret,
      totpKey: settings.totpKey,
      events: { publish: () => Promise.resolve() },
    });
    if (seal) {
      out(`sealed ${await repos.totp.sealPlaintext()} plaintext TOTP secret(s)`);
      return 0;
    }
    const user = await services.moderation.grant(username as string, role as string, 'cli');
    out(`${user.username} is now ${user.role}`);
    return 0;
  } catch (e) {
    if (isDomainError(e)) {
      err(`${e.code}: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    client.destroy();
  }
}

if (
  process.argv[1] !== undefined &&
  resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)
) {
  runAdminCli(
    process.argv.slice(2),
    process.env,
    (l) => process.stdout.write(`${l}\n`),
    (l) => process.stderr.write(`${l}\n`),
  ).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`lair-chat admin: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
