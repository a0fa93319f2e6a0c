// The relay's AppConfig poller (docs/adr/009): AppConfigData session + latest configuration (aws-sdk-client-mock: AWS AppConfig is not available locally), a new document applied as SIGHUP applies it, an empty answer is "no change", an invalid document keeps the old config, a failed call restarts the session.
import {
  AppConfigDataClient,
  GetLatestConfigurationCommand,
  StartConfigurationSessionCommand,
  type GetLatestConfigurationCommandOutput,
} from '@aws-sdk/client-appconfigdata';
import { mockClient } from 'aws-sdk-client-mock';
import { APPCONFIG_ENV, appConfigSourceFromEnv } from '../../../shared/platform/appconfig-source.js';
import {
  loadConfig,
  startConfigReloader,
  type ConfigReloader,
} from '../../../shared/platform/config-source.js';
import { createLogger } from '../../../shared/platform/logger.js';
import { startAppConfigPoller, type AppConfigPoller } from '../../../relay/appconfig-poller.js';

const ENV = {
  [APPCONFIG_ENV.application]: 'app1',
  [APPCONFIG_ENV.environment]: 'env1',
  [APPCONFIG_ENV.profile]: 'prof1',
  LAIR_JWT_SECRET: 'poller-test-secret',
  LAIR_RATE_LIMIT_USER_MESSAGES: undefined,
};
/** A `Configuration` blob as the SDK returns it (bytes + transformToString). */
const body = (text: string) =>
  Object.assign(new TextEncoder().encode(text), {
    transformToString: () => text,
  }) as unknown as GetLatestConfigurationCommandOutput['Configuration'];

describe('relay AppConfig poller', () => {
  const client = new AppConfigDataClient({ region: 'us-east-1' });
  const mock = mockClient(client);
  let reloader: ConfigReloader;
  let poller: AppConfigPoller;
  afterEach(() => {
    poller.stop();
    reloader.stop();
    mock.reset();
  });

  it('applies a new document like SIGHUP, treats an empty answer as no change, rejects an invalid one keeping the old config', async () => {
    mock.on(StartConfigurationSessionCommand).resolves({ InitialConfigurationToken: 't0' });
    mock
      .on(GetLatestConfigurationCommand)
      .resolvesOnce({
        Configuration: body('[rate_limit]\nuser_messages = 50\n'),
        ContentType: 'application/toml',
        NextPollConfigurationToken: 't1',
        NextPollIntervalInSeconds: 30,
      })
      .resolvesOnce({ Configuration: body(''), NextPollConfigurationToken: 't2' })
      .resolvesOnce({
        Configuration: body('table_name = "other"\n[rate_limit]\nuser_messages = 7\n'),
        ContentType: 'application/toml',
        NextPollConfigurationToken: 't3',
      })
      .resolvesOnce({
        Configuration: body('[rate_limit]\nuser_messages = -5\n'),
        ContentType: 'application/toml',
        NextPollConfigurationToken: 't4',
      })
      .resolvesOnce({ Configuration: body('not = [valid toml'), NextPollConfigurationToken: 't5' });
    const source = appConfigSourceFromEnv(ENV, 'us-east-1', client)!;
    const logger = createLogger('silent', 'relay');
    const reloads: string[] = [];
    const rejected: string[] = [];
    await source.poll(); // the start-up read (relay/main.ts)
    const config = loadConfig(
      [],
      ENV,
      () => 'r',
      () => source.current(),
    );
    const { settings } = config;
    expect(settings.LAIR_RATE_LIMIT_USER_MESSAGES).toBe(50);
    expect(source.nextPollMs()).toBe(30_000);
    const real = startConfigReloader(config, logger);
    reloader = {
      ...real,
      reload: (by) => {
        reloads.push(by);
        return real.reload(by);
      },
      rejected: (by, err) => {
        rejected.push((err as Error).message);
        real.rejected(by, err);
      },
    };
    poller = startAppConfigPoller({ source, reloader, logger });

    await poller.tick(); // empty body: unchanged, no reload
    expect(reloads).toEqual([]);

    await poller.tick(); // new document: reloadable key applied in place, table name = restart required
    expect(reloads).toEqual(['appconfig']);
    expect(settings.LAIR_RATE_LIMIT_USER_MESSAGES).toBe(7);
    expect(settings.LAIR_TABLE_NAME).toBe('lair-chat');

    await poller.tick(); // negative rate limit: rejected, old config kept
    await poller.tick(); // invalid TOML: rejected, old config kept
    expect(rejected).toEqual([
      expect.stringMatching(/rate_limit\.user_messages/),
      expect.stringMatching(/invalid TOML/),
    ]);
    expect(reloads).toEqual(['appconfig']);
    expect(settings.LAIR_RATE_LIMIT_USER_MESSAGES).toBe(7);
    expect(source.current().LAIR_RATE_LIMIT_USER_MESSAGES).toBe('7');
    // The session is started once; each poll passes the token of the previous answer.
    expect(mock.commandCalls(StartConfigurationSessionCommand)).toHaveLength(1);
    expect(
      mock.commandCalls(GetLatestConfigurationCommand).map((c) => c.args[0].input.ConfigurationToken),
    ).toEqual(['t0', 't1', 't2', 't3', 't4']);
  });

  it('an unreachable AppConfig keeps the config and starts a new session on the next poll', async () => {
    mock
      .on(StartConfigurationSessionCommand)
      .resolvesOnce({ InitialConfigurationToken: 'a0' })
      .resolvesOnce({ InitialConfigurationToken: 'b0' });
    mock
      .on(GetLatestConfigurationCommand)
      .rejectsOnce(new Error('socket hang up'))
      .resolvesOnce({
        Configuration: body('rate_limit_user_messages = 9\n'),
        NextPollConfigurationToken: 'b1',
      });
    const source = appConfigSourceFromEnv(ENV, 'us-east-1', client)!;
    const config = loadConfig(
      [],
      ENV,
      () => 'r',
      () => source.current(),
    );
    reloader = startConfigReloader(config, createLogger('silent', 'relay'));
    poller = startAppConfigPoller({ source, reloader, logger: createLogger('silent', 'relay') });
    await poller.tick();
    expect(config.settings.LAIR_RATE_LIMIT_USER_MESSAGES).toBe(120);
    await poller.tick();
    expect(config.settings.LAIR_RATE_LIMIT_USER_MESSAGES).toBe(9);
    expect(mock.commandCalls(StartConfigurationSessionCommand)).toHaveLength(2);
  });
});
