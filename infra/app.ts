// CDK app entry (cdk.json: `npx tsx infra/app.ts`): stage settings from context, stacks, cdk-nag AwsSolutions checks.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stageConfig } from './config.js';
import { createLairChatStacks } from './lair-chat.js';
import { acknowledgeNagFindings } from './nag.js';

/**
 * Context keys (all optional): `stage` (default `dev`; a key of STAGES in infra/config.ts),
 * `alarmEmail`, `jwtSecretArn`. Account/region come from CDK_DEFAULT_ACCOUNT/CDK_DEFAULT_REGION,
 * which the CLI sets only when it finds credentials; without them the stacks are
 * environment-agnostic, so `npx cdk synth` works offline with no account.
 * Synthesis fails on any cdk-nag AwsSolutions finding not acknowledged in infra/nag.ts.
 */
const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};

const config = stageConfig(context('stage') ?? 'dev', {
  alarmEmail: context('alarmEmail'),
  jwtSecretArn: context('jwtSecretArn'),
});
const stacks = createLairChatStacks(app, {
  config,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
acknowledgeNagFindings(stacks, config);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
