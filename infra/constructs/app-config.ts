// AWS AppConfig delivery of the config document (docs/adr/009): application, environment, hosted TOML profile with the defaults, deployment strategy, and the grant a reader needs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import {
  Application,
  ConfigurationContent,
  DeploymentStrategy,
  Environment,
  HostedConfiguration,
  RolloutStrategy,
} from 'aws-cdk-lib/aws-appconfig';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { APPCONFIG_ENV } from '../../lambdas/appconfig.js';

/** The document deployed at first: the example's defaults (ports and paths do not apply in Lambda). */
const DEFAULT_DOCUMENT = readFileSync(join(import.meta.dirname, '../../config/lair.example.toml'), 'utf8');

/** The AppConfig resources of one stage; `environmentVariables` tell a process where to read. */
export class LairAppConfig extends Construct {
  readonly application: Application;
  readonly environment: Environment;
  readonly profile: HostedConfiguration;

  constructor(scope: Construct, id: string, props: { stage: string }) {
    super(scope, id);
    this.application = new Application(this, 'Application', {
      applicationName: `lair-chat-${props.stage}`,
      description: 'Lair Chat settings document (config/lair.example.toml format)',
    });
    this.environment = new Environment(this, 'Environment', {
      application: this.application,
      environmentName: props.stage,
    });
    this.profile = new HostedConfiguration(this, 'Settings', {
      application: this.application,
      name: 'settings',
      content: ConfigurationContent.fromInline(DEFAULT_DOCUMENT, 'application/toml'),
      deploymentStrategy: new DeploymentStrategy(this, 'Rollout', {
        rolloutStrategy: RolloutStrategy.linear({
          growthFactor: 50,
          deploymentDuration: Duration.minutes(2),
          finalBakeTime: Duration.minutes(1),
        }),
      }),
      deployTo: [this.environment],
    });
  }

  /** `LAIR_APPCONFIG_*` for a function or container (read by lambdas/appconfig.ts). */
  get environmentVariables(): Record<string, string> {
    return {
      [APPCONFIG_ENV.application]: this.application.applicationId,
      [APPCONFIG_ENV.environment]: this.environment.environmentId,
      [APPCONFIG_ENV.profile]: this.profile.configurationProfileId,
    };
  }

  /** Lets `grantee` start a session on this profile and read its latest version (nothing else). */
  grantRead(grantee: IGrantable): void {
    const { partition, region, account } = Stack.of(this);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadLairSettings',
        actions: ['appconfig:StartConfigurationSession', 'appconfig:GetLatestConfiguration'],
        resources: [
          `arn:${partition}:appconfig:${region}:${account}:application/${this.application.applicationId}/environment/${this.environment.environmentId}/configuration/${this.profile.configurationProfileId}`,
        ],
      }),
    );
  }
}
