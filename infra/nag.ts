// cdk-nag: every acknowledged AwsSolutions finding of the Lair Chat stacks with its reason, in one place to audit.
import { Stack, Token, Validations } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import type { StageConfig } from './config.js';
import type { LairChatStacks } from './lair-chat.js';
import { attachmentObjectsNagId } from './constructs/attachments-bucket.js';
import { ATTACHMENT_GROUPS } from './stacks/api-stack.js';
import { bucketDeploymentHandler, type AdminConsole } from './constructs/admin-console.js';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';

/** One acknowledged finding: the rule (with its finding suffix, cdk-nag v3 ids) and why it stands. */
export interface NagAcknowledgement {
  /** e.g. `AwsSolutions-IAM5[Resource::*]`. */
  readonly id: string;
  /** Why the finding is accepted; true for this code base, checked by test/infra where testable. */
  readonly reason: string;
}

/** Actions that accept only `Resource: *` (IAM Service Authorization Reference: no resource types). */
export const RESOURCE_STAR_ONLY_ACTIONS: readonly string[] = [
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'dynamodb:ListStreams',
  'ecr:GetAuthorizationToken',
];

/** The reasons, keyed by what they cover (exported so tests and docs can list them). */
export const NAG_REASONS = {
  jwtSecretRotation:
    'LAIR_JWT_SECRET is both the HS256 token key and the relay-event HMAC key, with a single value (no key ids, no grace period): ' +
    'Lambdas read it once per cold start and ECS injects it once per relay task, so a scheduled rotation would log every user out ' +
    'and split relays and Lambdas between two keys until all restart. It is rotated by hand, restarting relays and Lambdas (docs/deploy.md §7).',
  totpKeyRotation:
    'LAIR_TOTP_SECRET_KEY seals every stored TOTP secret (AES-256-GCM, docs/adr/021) and values carry the id of the key that sealed them; ' +
    'a scheduled rotation would make every enabled second factor unreadable until each secret is re-sealed. It is never rotated automatically.',
  publicNlb:
    'The NLB is the public entry of the chat protocol: TCP 8080 (docs/protocol/tcp.md) and WebSocket 8082 (docs/protocol/websocket.md) must accept any IPv4 client. ' +
    'Only these two ports are open, and the relay tasks accept them only from this security group (never from an address range).',
  containerInsightsOff:
    'Non-production stage: Container Insights is off to avoid its per-metric charges; the service CPU and memory metrics (AWS/ECS, free) ' +
    'are alarmed and on the dashboard. Production stages enable it (infra/config.ts).',
  containerEnvironment:
    'Only non-secret settings are plain environment variables (ports, table name, region, log level, drain deadline); ' +
    'the secrets, LAIR_JWT_SECRET and LAIR_TOTP_SECRET_KEY, are injected from Secrets Manager through the container "secrets".',
  ecrAuthToken:
    'ecr:GetAuthorizationToken has no resource-level permissions (it must be "*"); the image pull actions are scoped to the asset repository.',
  nlbAccessLogs:
    'NLB access logs record TLS connections only (Elastic Load Balancing docs: logs are created only for TLS listeners); ' +
    'this NLB has TCP listeners only, so a log bucket would stay empty. Refused traffic is in the VPC flow logs.',
  lambdaBasicExecution:
    'AWS managed policy with only the CloudWatch Logs actions (CreateLogGroup, CreateLogStream, PutLogEvents) a function needs to log.',
  lambdaVpcAccess:
    'AWS managed policy with the EC2 network-interface actions a function in the VPC needs (they accept no narrower resource) plus logging.',
  resourceStar: `Only actions without resource-level permissions have Resource "*" (${RESOURCE_STAR_ONLY_ACTIONS.join(', ')}): X-Ray active tracing, and the stream mapping's ListStreams. No data action is unscoped (enforced by test/infra/nag.test.ts).`,
  runtime:
    'nodejs22.x is the runtime this project targets (issue 4 and docs/design.md §6: code runs on Node 20 locally and nodejs22.x on Lambda); ' +
    'it is a supported Lambda runtime. Moving to a newer one is a docs/design.md decision, not an infra default.',
  routeAuthorization:
    'Authorization happens in the handlers (docs/protocol/http.md §4 "Auth" column, lambdas/http/middleware.ts): HS256 JWTs signed with LAIR_JWT_SECRET plus a ' +
    'session lookup. The HTTP API JWT authorizer needs an OIDC issuer with JWKS and cannot verify HS256 shared-secret tokens; ' +
    'health, ready, metrics, register and login are public by protocol.',
  attachmentObjects:
    'GetObject/PutObject on <attachments bucket>/* only: every attachment is its own object (pending/<id>, files/<id>), so the keys ' +
    'cannot be listed in advance; no bucket-level action is granted, and only the attachments and messages functions and the relay task hold it.',
  schedulerInvoke:
    'lambda:InvokeFunction on the invitation sweep function and its own qualifiers (<arn>:*, what grantInvoke writes so versions and aliases ' +
    'stay invocable); the role can be assumed only by scheduler.amazonaws.com and invokes nothing else.',
  dlqWithoutDlq:
    'This queue is itself the on-failure destination of the stream mapping (a dead-letter queue); nothing consumes it automatically, ' +
    'so a dead-letter queue of its own would never receive a message.',
  consoleGeo:
    'The admin console (docs/protocol/extensions.md §9) is used by operators wherever they are; every page is static and every /api/* ' +
    'call needs an admin session, so a country allow-list would only lock out travelling operators.',
  consoleWaf:
    'The console distribution serves four static files and forwards /api/* to the HTTP API, whose sign-in is already guarded by the ' +
    'account lockout and per-address throttling of docs/protocol/extensions.md §10 and whose admin routes need an admin session; a WAF is a per-stage option, not a default.',
  consoleTls:
    'The distribution uses the default *.cloudfront.net certificate (no custom domain is configured), for which CloudFront fixes the ' +
    'minimum protocol at TLSv1; a stage with its own domain and ACM certificate sets TLSv1.2_2021. Viewers are redirected to HTTPS either way.',
  bucketDeploymentHandler:
    "aws-cdk-lib's own BucketDeployment handler (a Lambda that copies the synthesized console files): its role is what the construct " +
    'generates: the basic execution policy, read on the CDK asset bucket and read/write/delete on the console bucket only (the s3:*Object* ' +
    'wildcards come from grantRead/grantReadWrite), and its Python runtime is chosen by aws-cdk-lib, not by this project.',
} as const;

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * Records the acknowledgements on the narrowest constructs they concern (a function, a role, a
 * security group), never on a whole stack, so a new resource with the same problem still fails.
 */
export function acknowledgeNagFindings(stacks: LairChatStacks, config: StageConfig): void {
  const { data, relay, api } = stacks;
  acknowledge(data.jwtSecret, 'AwsSolutions-SMG4', NAG_REASONS.jwtSecretRotation);
  acknowledge(data.totpSecretKey, 'AwsSolutions-SMG4', NAG_REASONS.totpKeyRotation);

  const nlbSg = relay.node.findChild('NlbSg');
  acknowledge(nlbSg, 'AwsSolutions-EC23', NAG_REASONS.publicNlb);
  if (!config.relay.containerInsights)
    acknowledge(relay.service.cluster, 'AwsSolutions-ECS4', NAG_REASONS.containerInsightsOff);
  const task = relay.service.taskDefinition;
  acknowledge(task, 'AwsSolutions-ECS2', NAG_REASONS.containerEnvironment);
  if (task.executionRole !== undefined)
    acknowledge(task.executionRole, 'AwsSolutions-IAM5[Resource::*]', NAG_REASONS.ecrAuthToken);
  acknowledge(relay.loadBalancer, 'AwsSolutions-ELB2', NAG_REASONS.nlbAccessLogs);

  for (const fn of [
    ...api.groupFunctions.values(),
    api.streamsFunction,
    api.invitationSweep.fn,
    api.exportWorkerFunction,
  ]) {
    acknowledge(
      fn,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      NAG_REASONS.lambdaBasicExecution,
    );
    if (fn.isBoundToVpc)
      acknowledge(
        fn,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        NAG_REASONS.lambdaVpcAccess,
      );
    acknowledge(fn, 'AwsSolutions-IAM5[Resource::*]', NAG_REASONS.resourceStar);
    acknowledge(fn, 'AwsSolutions-L1', NAG_REASONS.runtime);
  }
  for (const route of api.routes) acknowledge(route, 'AwsSolutions-APIG4', NAG_REASONS.routeAuthorization);
  acknowledge(api.streamFailures, 'AwsSolutions-SQS3', NAG_REASONS.dlqWithoutDlq);
  const sweepFn = Stack.of(api).getLogicalId(api.invitationSweep.fn.node.defaultChild as CfnFunction);
  acknowledge(
    api.invitationSweep.schedulerRole,
    `AwsSolutions-IAM5[Resource::<${sweepFn}.Arn>:*]`,
    NAG_REASONS.schedulerInvoke,
  );
  const objectsId = attachmentObjectsNagId(config.stage);
  acknowledge(relay.service.taskDefinition.taskRole, objectsId, NAG_REASONS.attachmentObjects);
  for (const [group, fn] of api.groupFunctions)
    if (ATTACHMENT_GROUPS.has(group)) acknowledge(fn, objectsId, NAG_REASONS.attachmentObjects);
  acknowledge(api.exportWorkerFunction, objectsId, NAG_REASONS.attachmentObjects);
  acknowledgeConsole(stacks.console.console);
}

/** The admin console stack's findings (infra/constructs/admin-console.ts). */
function acknowledgeConsole(c: AdminConsole): void {
  const cf = c.distribution;
  acknowledge(cf, 'AwsSolutions-CFR1', NAG_REASONS.consoleGeo);
  acknowledge(cf, 'AwsSolutions-CFR2', NAG_REASONS.consoleWaf);
  acknowledge(cf, 'AwsSolutions-CFR4', NAG_REASONS.consoleTls);
  const handler = bucketDeploymentHandler(c);
  if (handler === undefined) return;
  const stack = Stack.of(c);
  const bucket = stack.getLogicalId(c.bucket.node.defaultChild as CfnBucket);
  // cdk-nag prints the asset bucket with the stack's account/region when they are known at synth.
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  for (const finding of [
    'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'IAM5[Action::s3:GetObject*]',
    'IAM5[Action::s3:GetBucket*]',
    'IAM5[Action::s3:List*]',
    'IAM5[Action::s3:DeleteObject*]',
    'IAM5[Action::s3:Abort*]',
    `IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${account}-${region}/*]`,
    `IAM5[Resource::<${bucket}.Arn>/*]`,
    'L1',
  ])
    acknowledge(handler, `AwsSolutions-${finding}`, NAG_REASONS.bucketDeploymentHandler);
}
