// Test support: builds every Lair Chat stack offline (no Lambda bundling, no Docker, no account).
import { App } from 'aws-cdk-lib';
import { createLairChatStacks, type LairChatStacks } from '../../infra/lair-chat.js';

/** Stage used by the infra tests; the table is `lair-chat-test`. */
export const TEST_STAGE = 'test';

/**
 * A fresh App with bundling disabled for all stacks (`aws:cdk:bundling-stacks` = []), so
 * NodejsFunction runs no esbuild/npm and the relay image asset is only fingerprinted.
 */
export function synthLairChat(): { app: App; stacks: LairChatStacks } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return { app, stacks: createLairChatStacks(app, { stage: TEST_STAGE }) };
}
