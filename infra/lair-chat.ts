// Wires the five Lair Chat stacks (data -> relay -> api -> observability, api -> console) of one stage into a CDK scope; used by app.ts and tests.
import { Tags, type Environment } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { StageConfig } from './config.js';
import { ApiStack } from './stacks/api-stack.js';
import { ConsoleStack } from './stacks/console-stack.js';
import { DataStack } from './stacks/data-stack.js';
import { ObservabilityStack } from './stacks/observability-stack.js';
import { RelayStack } from './stacks/relay-stack.js';

/** What one deployment needs: the validated stage settings and where to deploy. */
export interface LairChatDeployment {
  /** Settings of the stage (`stageConfig()` from infra/config.ts). */
  readonly config: StageConfig;
  /** Target account/region; leave fields undefined for environment-agnostic stacks (offline synth). */
  readonly env?: Environment;
}

/** The stacks of one stage. */
export interface LairChatStacks {
  readonly data: DataStack;
  readonly relay: RelayStack;
  readonly api: ApiStack;
  readonly observability: ObservabilityStack;
  readonly console: ConsoleStack;
}

/**
 * Adds the stacks of one stage to `scope` (an App or Stage), named `LairChat-<stage>-<Part>`.
 * Dependencies flow one way: data (table, secret) -> relay (VPC, publisher security group) ->
 * api -> observability.
 */
export function createLairChatStacks(scope: Construct, deployment: LairChatDeployment): LairChatStacks {
  const { config, env } = deployment;
  const { stage } = config;
  const logRetention = config.logRetentionDays;
  const name = (part: string) => `LairChat-${stage}-${part}`;
  const data = new DataStack(scope, name('Data'), {
    env,
    stage,
    production: config.production,
    jwtSecretArn: config.jwtSecretArn,
    description: 'Lair Chat: DynamoDB table, attachments bucket and JWT secret',
  });
  const relay = new RelayStack(scope, name('Relay'), {
    env,
    stage,
    table: data.table,
    jwtSecret: data.jwtSecret,
    totpSecretKey: data.totpSecretKey,
    appConfig: data.appConfig,
    relay: config.relay,
    logRetention,
    description: 'Lair Chat: VPC, ECS Fargate TCP/WebSocket relay, NLB',
  });
  const api = new ApiStack(scope, name('Api'), {
    env,
    stage,
    table: data.table,
    jwtSecret: data.jwtSecret,
    totpSecretKey: data.totpSecretKey,
    appConfig: data.appConfig,
    vpc: relay.vpc,
    eventPublisherSecurityGroup: relay.eventPublisherSecurityGroup,
    api: config.api,
    lambdaMemoryMiB: config.lambda.memoryMiB,
    logRetention,
    description: 'Lair Chat: HTTP API, route-group Lambdas, streams Lambda',
  });
  const functions = new Map<string, IFunction>([...api.groupFunctions].map(([group, fn]) => [group, fn]));
  functions.set('streams', api.streamsFunction);
  const observability = new ObservabilityStack(scope, name('Observability'), {
    env,
    stage,
    functions,
    streamsFunction: api.streamsFunction,
    streamFailures: api.streamFailures,
    httpApi: api.httpApi,
    table: data.table,
    relayService: relay.service,
    loadBalancer: relay.loadBalancer,
    relayTargetGroups: [relay.tcpTargetGroup, relay.wsTargetGroup],
    alarmEmail: config.alarmEmail,
    description: 'Lair Chat: dashboard and alarms',
  });
  const consoleStack = new ConsoleStack(scope, name('Console'), {
    env,
    stage,
    production: config.production,
    apiEndpoint: api.httpApi.apiEndpoint,
    description: 'Lair Chat: web admin console (S3 + CloudFront, /api/* to the HTTP API)',
  });
  for (const stack of [data, relay, api, observability, consoleStack]) {
    Tags.of(stack).add('project', 'lair-chat');
    Tags.of(stack).add('stage', stage);
  }
  return { data, relay, api, observability, console: consoleStack };
}
