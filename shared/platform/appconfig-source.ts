// The config document from AWS AppConfig (docs/adr/009): AppConfigData session + latest configuration, parsed like the local config file; read by Lambdas at cold start and polled by relays.
import {
  AppConfigDataClient,
  GetLatestConfigurationCommand,
  StartConfigurationSessionCommand,
} from '@aws-sdk/client-appconfigdata';
import { parseConfigDocument } from '../config/config-file.js';

/** Env names the CDK stacks set on each function and relay task (infra/constructs/app-config.ts). */
export const APPCONFIG_ENV = {
  application: 'LAIR_APPCONFIG_APPLICATION',
  environment: 'LAIR_APPCONFIG_ENVIRONMENT',
  profile: 'LAIR_APPCONFIG_PROFILE',
} as const;

/** Poll interval asked of AppConfig and used when it names none, s (AppConfigData minimum: 15). */
export const DEFAULT_POLL_SECONDS = 60;

/** A reader of the AppConfig document; keeps its session token between calls. */
export interface AppConfigSource {
  /**
   * Fetches the latest configuration. AppConfig answers an empty body when nothing changed since
   * the last call; {@link current} then stays as it was. An invalid document leaves it as it was too.
   * @returns true when a new, valid document became {@link current}
   * @throws ConfigError when the new document is invalid (key path named); SDK errors when
   *   AppConfig is unreachable (the session is restarted on the next call)
   */
  poll(): Promise<boolean>;
  /** The last valid document's settings (env names -> strings); `{}` before the first. No call. */
  current(): Record<string, string>;
  /** {@link poll} then {@link current}. @throws as {@link poll} */
  read(): Promise<Record<string, string>>;
  /** How long AppConfig asked to wait before the next poll (`NextPollIntervalInSeconds`), ms. */
  nextPollMs(): number;
}

/**
 * The AppConfig source named by `env` (`LAIR_APPCONFIG_APPLICATION`/`_ENVIRONMENT`/`_PROFILE`),
 * or undefined when they are not all set (local runs, tests).
 * @param client - the AppConfigData client (default one for `region`)
 */
export function appConfigSourceFromEnv(
  env: Record<string, string | undefined>,
  region: string,
  client: AppConfigDataClient = new AppConfigDataClient({ region }),
): AppConfigSource | undefined {
  const application = env[APPCONFIG_ENV.application];
  const environment = env[APPCONFIG_ENV.environment];
  const profile = env[APPCONFIG_ENV.profile];
  if (!application || !environment || !profile) return undefined;
  let token: string | undefined;
  let last: Record<string, string> = {};
  let waitSeconds = DEFAULT_POLL_SECONDS;
  const poll = async (): Promise<boolean> => {
    try {
      token ??= (
        await client.send(
          new StartConfigurationSessionCommand({
            ApplicationIdentifier: application,
            EnvironmentIdentifier: environment,
            ConfigurationProfileIdentifier: profile,
            RequiredMinimumPollIntervalInSeconds: DEFAULT_POLL_SECONDS,
          }),
        )
      ).InitialConfigurationToken;
      const out = await client.send(new GetLatestConfigurationCommand({ ConfigurationToken: token }));
      token = out.NextPollConfigurationToken;
      waitSeconds = out.NextPollIntervalInSeconds ?? DEFAULT_POLL_SECONDS;
      const text = out.Configuration === undefined ? '' : new TextDecoder().decode(out.Configuration);
      if (text.trim() === '') return false;
      last = parseConfigDocument(text, out.ContentType?.includes('json') === true ? 'json' : 'toml');
      return true;
    } catch (e) {
      // A failed call may have consumed or expired the token (24 h): start a new session next time.
      if (!(e instanceof Error && e.name === 'ConfigError')) token = undefined;
      throw e;
    }
  };
  return {
    poll,
    current: () => last,
    async read() {
      await poll();
      return last;
    },
    nextPollMs: () => waitSeconds * 1000,
  };
}
