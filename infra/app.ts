// CDK app entry (cdk.json: `npx tsx infra/app.ts`): reads stage/env from context and CDK_DEFAULT_*, adds the stacks.
import { App } from 'aws-cdk-lib';
import { createLairChatStacks } from './lair-chat.js';

/**
 * Context keys (all optional): `stage` (default `dev`), `relayDesiredCount`, `jwtSecretArn`,
 * `alarmEmail`. Account/region come from CDK_DEFAULT_ACCOUNT/CDK_DEFAULT_REGION, which the CLI sets
 * only when it finds credentials; without them the stacks are environment-agnostic, so
 * `npx cdk synth` works offline with no account.
 */
const app = new App();
const context = (key: string): string | undefined => {
  // --context values arrive as strings; cdk.json values may be numbers.
  const value: unknown = app.node.tryGetContext(key);
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
};

const stage = context('stage') ?? 'dev';
if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage))
  throw new Error(`context stage must match [a-z][a-z0-9-]{0,19}, got ${stage}`);
const desired = context('relayDesiredCount');

createLairChatStacks(app, {
  stage,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  relayDesiredCount: desired === undefined ? undefined : Number.parseInt(desired, 10),
  jwtSecretArn: context('jwtSecretArn'),
  alarmEmail: context('alarmEmail'),
});
app.synth();
