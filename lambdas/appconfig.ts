// The config document from AWS AppConfig (docs/adr/009): AppConfigData session + latest configuration, parsed like the local config file.
import {
  AppConfigDataClient,
  GetLatestConfigurationCommand,
  StartConfigurationSessionCommand,
} from '@aws-sdk/client-appconfigdata';
import { parseConfigDocument } from '../shared/config/config-file.js';

/** Env names the CDK stack sets on each function (infra/constructs/app-config.ts). */
export const APPCONFIG_ENV = {
  application: 'LAIR_APPCONFIG_APPLICATION',
  environment: 'LAIR_APPCONFIG_ENVIRONMENT',
  profile: 'LAIR_APPCONFIG_PROFILE',
} as const;

/** A reader of the AppConfig document; keeps its session token between calls. */
export interface AppConfigSource {
  /**
   * The document's settings (env names -> strings). AppConfig answers an empty body when nothing
   * changed since the last call; the last document is returned then.
   * @throws ConfigError when the document is invalid; SDK errors when AppConfig is unreachable
   */
  read(): Promise<Record<string, string>>;
}

/**
 * The AppConfig source named by `env` (`LAIR_APPCONFIG_APPLICATION`/`_ENVIRONMENT`/`_PROFILE`),
 * or undefined when they are not all set (local runs, tests).
 */
export function appConfigSourceFromEnv(
  env: Record<string, string | undefined>,
  region: string,
): AppConfigSource | undefined {
  const application = env[APPCONFIG_ENV.application];
  const environment = env[APPCONFIG_ENV.environment];
  const profile = env[APPCONFIG_ENV.profile];
  if (!application || !environment || !profile) return undefined;
  const client = new AppConfigDataClient({ region });
  let token: string | undefined;
  let last: Record<string, string> = {};
  return {
    async read() {
      token ??= (
        await client.send(
          new StartConfigurationSessionCommand({
            ApplicationIdentifier: application,
            EnvironmentIdentifier: environment,
            ConfigurationProfileIdentifier: profile,
          }),
        )
      ).InitialConfigurationToken;
      const out = await client.send(new GetLatestConfigurationCommand({ ConfigurationToken: token }));
      token = out.NextPollConfigurationToken;
      const text = out.Configuration === undefined ? '' : new TextDecoder().decode(out.Configuration);
      if (text.trim() !== '') {
        last = parseConfigDocument(text, out.ContentType?.includes('json') === true ? 'json' : 'toml');
      }
      return last;
    },
  };
}
