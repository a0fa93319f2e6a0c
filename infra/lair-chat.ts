// Wires the four Lair Chat stacks (data -> relay -> api -> observability) into a CDK scope; used by app.ts and tests.
import { Tags, type Environment } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { ApiStack } from './stacks/api-stack.js';
import { DataStack } from './stacks/data-stack.js';
import { ObservabilityStack } from './stacks/observability-stack.js';
import { RelayStack } from './stacks/relay-stack.js';

/** Deployment settings (app.ts reads them from CDK context and the CDK_DEFAULT_* env vars). */
export interface LairChatConfig {
  /** Stage name: stack names `LairChat-<stage>-*`, table `lair-chat-<stage>`. */
  readonly stage: string;
  /** Target account/region; leave fields undefined for environment-agnostic stacks (offline synth). */
  readonly env?: Environment;
  /** Relay task count. @default 1 */
  readonly relayDesiredCount?: number;
  /** Existing JWT secret ARN. @default a generated secret in the data stack */
  readonly jwtSecretArn?: string;
  /** Alarm e-mail subscription. @default none */
  readonly alarmEmail?: string;
}

/** The stacks of one stage. */
export interface LairChatStacks {
  readonly data: DataStack;
  readonly relay: RelayStack;
  readonly api: ApiStack;
  readonly observability: ObservabilityStack;
}

/**
 * Adds the stacks of one stage to `scope` (an App or Stage). Dependencies flow one way:
 * data (table, secret) -> relay (VPC, publisher security group) -> api -> observability.
 */
export function createLairChatStacks(scope: Construct, config: LairChatConfig): LairChatStacks {
  const { stage, env } = config;
  const name = (part: string) => `LairChat-${stage}-${part}`;
  const data = new DataStack(scope, name('Data'), {
    env,
    stage,
    jwtSecretArn: config.jwtSecretArn,
    description: 'Lair Chat: DynamoDB table and JWT secret',
  });
  const relay = new RelayStack(scope, name('Relay'), {
    env,
    stage,
    table: data.table,
    jwtSecret: data.jwtSecret,
    desiredCount: config.relayDesiredCount,
    description: 'Lair Chat: VPC, ECS Fargate TCP relay, NLB',
  });
  const api = new ApiStack(scope, name('Api'), {
    env,
    stage,
    table: data.table,
    jwtSecret: data.jwtSecret,
    vpc: relay.vpc,
    eventPublisherSecurityGroup: relay.eventPublisherSecurityGroup,
    description: 'Lair Chat: HTTP API, route-group Lambdas, streams Lambda',
  });
  const functions = new Map<string, IFunction>([...api.groupFunctions].map(([group, fn]) => [group, fn]));
  functions.set('streams', api.streamsFunction);
  const observability = new ObservabilityStack(scope, name('Observability'), {
    env,
    stage,
    functions,
    httpApi: api.httpApi,
    table: data.table,
    relayService: relay.service,
    loadBalancer: relay.loadBalancer,
    alarmEmail: config.alarmEmail,
    description: 'Lair Chat: dashboard and alarms',
  });
  for (const stack of [data, relay, api, observability]) {
    Tags.of(stack).add('project', 'lair-chat');
    Tags.of(stack).add('stage', stage);
  }
  return { data, relay, api, observability };
}
