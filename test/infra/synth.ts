// Test support: builds every Lair Chat stack of a stage offline (no Lambda bundling, no Docker, no account), as app.ts does.
import { App } from 'aws-cdk-lib';
import { stageConfig, type StageConfig } from '../../infra/config.js';
import { createLairChatStacks, type LairChatStacks } from '../../infra/lair-chat.js';
import { acknowledgeNagFindings } from '../../infra/nag.js';

/** Stage most infra tests use; the table is `lair-chat-dev`. */
export const TEST_STAGE = 'dev';

/**
 * A fresh App with bundling disabled for all stacks (`aws:cdk:bundling-stacks` = []), so
 * NodejsFunction runs no esbuild/npm and the relay image asset is only fingerprinted; the stacks
 * of `stage` (a STAGES key) carry the cdk-nag acknowledgements like app.ts.
 */
export function synthLairChat(stage: string = TEST_STAGE): {
  app: App;
  stacks: LairChatStacks;
  config: StageConfig;
} {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const config = stageConfig(stage);
  const stacks = createLairChatStacks(app, { config });
  acknowledgeNagFindings(stacks, config);
  return { app, stacks, config };
}
