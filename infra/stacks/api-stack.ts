// ApiStack: HTTP API with one ChatFunction per route group (from lambdas/http/routes.ts) and the DynamoDB Streams function.
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { SubnetType, type ISecurityGroup, type IVpc } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ROUTE_GROUPS, ROUTES, routeKey, type RouteDef, type RouteGroup } from '../../lambdas/http/routes.js';
import { keys } from '../../shared/features/index.js';
import type { StageConfig } from '../config.js';
import { LairAppConfig } from '../constructs/app-config.js';
import { ChatFunction, NATIVE_NODE_MODULES } from '../constructs/chat-function.js';
import { grantTableAccess } from '../constructs/table-access.js';
import { InvitationSweep } from '../constructs/invitation-sweep.js';
import {
  ATTACHMENTS_BUCKET_ENV,
  attachmentsBucketName,
  grantAttachmentObjects,
} from '../constructs/attachments-bucket.js';
import { JWT_SECRET_ARN_ENV } from '../../lambdas/secret-env.js';

/** Props of {@link ApiStack}. */
export interface ApiStackProps extends StackProps {
  /** Stage name, used in the API name. */
  readonly stage: string;
  /** The single table (must have a stream: the streams function consumes it). */
  readonly table: Table;
  /** The JWT secret; functions get `LAIR_JWT_SECRET_ARN` and `secretsmanager:GetSecretValue` on it only. */
  readonly jwtSecret: ISecret;
  /** VPC of the relays; functions that may publish events run in its private subnets. */
  readonly vpc: IVpc;
  /** Security group the relays accept internal event posts (port 8081) from; given to publishing functions. */
  readonly eventPublisherSecurityGroup: ISecurityGroup;
  /** Stage throttling of the API (infra/config.ts). */
  readonly api: StageConfig['api'];
  /** Memory of every function, MB. */
  readonly lambdaMemoryMiB: number;
  /** Retention of the function and access-log groups. */
  readonly logRetention: RetentionDays;
  /** Route table to deploy. @default ROUTES from lambdas/http/routes.ts */
  readonly routes?: readonly RouteDef[];
}

/** Groups touching attachment bytes: `attachments` presigns PUT/GET, `messages` checks and copies uploads on send. */
export const ATTACHMENT_GROUPS: ReadonlySet<RouteGroup> = new Set<RouteGroup>([
  'attachments',
  'messages',
  'history',
]);

/** Env var naming the export worker for the history group (shared/config/settings.ts `LAIR_EXPORT_FUNCTION`). */
export const EXPORT_FUNCTION_ENV = 'LAIR_EXPORT_FUNCTION';

/** Stream batches retried this many times (then bisected, then sent to the failure queue). */
export const STREAM_RETRY_ATTEMPTS = 3;

/**
 * One JSON line per request in the API's access log (HTTP API `$context` variables; the REST-only
 * ones of `AccessLogFormat.jsonWithStandardFields` would fail the deployment).
 */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  userAgent: '$context.identity.userAgent',
};

/**
 * True when every route of the group is a GET: such a group gets table read access
 * (`grantTableAccess(…, 'read')`, plus `UpdateItem` restricted to rate-limit items, since every
 * route consumes a shared rate-limit counter, docs/protocol/http.md §3) and stays out of the VPC (it changes no
 * domain state, so it publishes no events). Every other group gets read/write access and runs in
 * the VPC so it can reach the relays' internal endpoint.
 */
export function isReadOnlyGroup(group: RouteGroup, routes: readonly RouteDef[] = ROUTES): boolean {
  return routes.filter((r) => r.group === group).every((r) => r.method === 'GET');
}

/**
 * Partition-key prefix of the rate-limit counters (`RATE#`), derived from `keys.rateLimit` so the
 * IAM condition never re-spells a key format: everything before the first variable component.
 */
export const RATE_LIMIT_PK_PREFIX: string = (() => {
  const marker = '\u0000';
  const pk = keys.rateLimit(marker, marker, 0).PK;
  return pk.slice(0, pk.indexOf(marker));
})();

/** `GET /api/v1/rooms/{room_id}` -> `GETApiV1RoomsRoomId`: a stable construct id per route key. */
function routeId(route: RouteDef): string {
  const words = route.path.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0);
  return route.method + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The REST face: an HTTP API (CORS: any origin/method/header, docs/protocol/http.md §1) whose `$default` stage
 * is throttled and writes JSON access logs, one {@link ChatFunction} per route group whose entry
 * is `lambdas/<group>/handler.ts`, one `HttpRoute` per {@link RouteDef} (route key =
 * `routeKey(r)`) and the `lambdas/streams/handler.ts` function fed all
 * of the table stream's events (docs/design.md §4.4), with failed records' metadata sent to {@link streamFailures}.
 */
export class ApiStack extends Stack {
  /** The HTTP API. */
  public readonly httpApi: HttpApi;
  /** Its `$default` stage (auto-deployed, throttled, access-logged). */
  public readonly stage: HttpStage;
  /** On-failure destination of the stream mapping: one message per batch given up on. */
  public readonly streamFailures: Queue;
  /** One route per route-table entry, in table order. */
  public readonly routes: readonly HttpRoute[];
  /** One function per route group that has at least one route. */
  public readonly groupFunctions: ReadonlyMap<RouteGroup, ChatFunction>;
  /** The DynamoDB Streams consumer. */
  public readonly streamsFunction: ChatFunction;
  /** Invitation reminders and overdue expiry (infra/constructs/invitation-sweep.ts). */
  public readonly invitationSweep: InvitationSweep;
  /** The async export worker (lambdas/history/export-worker.ts), invoked by the history group. */
  public readonly exportWorkerFunction: ChatFunction;

  public constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const routes = props.routes ?? ROUTES;
    // The settings document in AWS AppConfig (docs/adr/009): every route function reads it at cold start.
    const appConfig = new LairAppConfig(this, 'AppConfig', { stage: props.stage });
    const environment = {
      [JWT_SECRET_ARN_ENV]: props.jwtSecret.secretArn,
      ...appConfig.environmentVariables,
    };
    const inVpc = {
      vpc: props.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [props.eventPublisherSecurityGroup],
    };

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `lair-chat-${props.stage}`,
      description: 'Lair Chat REST + admin API (protocol docs/protocol/http.md)',
      corsPreflight: {
        allowOrigins: ['*'],
        allowMethods: [CorsHttpMethod.ANY],
        allowHeaders: ['*'],
        exposeHeaders: [
          'X-RateLimit-Limit',
          'X-RateLimit-Remaining',
          'X-RateLimit-Reset',
          'Retry-After',
          'Allow',
        ],
        maxAge: Duration.hours(1),
      },
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.api.throttleRatePerSecond, burstLimit: props.api.throttleBurst },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    const fnDefaults = {
      table: props.table,
      environment,
      memorySize: props.lambdaMemoryMiB,
      logGroupRetention: props.logRetention,
    };

    const functions = new Map<RouteGroup, ChatFunction>();
    const integrations = new Map<RouteGroup, HttpLambdaIntegration>();
    for (const group of ROUTE_GROUPS.filter((g) => routes.some((r) => r.group === g))) {
      const readOnly = isReadOnlyGroup(group, routes);
      const blobs = ATTACHMENT_GROUPS.has(group);
      const fn = new ChatFunction(this, `${capitalize(group)}Function`, {
        entry: `lambdas/${group}/handler.ts`,
        description: `Lair Chat ${props.stage}: ${group} routes`,
        ...fnDefaults,
        ...(blobs
          ? { environment: { ...environment, [ATTACHMENTS_BUCKET_ENV]: attachmentsBucketName(props.stage) } }
          : {}),
        ...(readOnly ? {} : inVpc),
        // The system group serves Swagger UI's files from the package (lambdas/docs/handler.ts).
        ...(group === 'system'
          ? { bundling: { nodeModules: [...NATIVE_NODE_MODULES, 'swagger-ui-dist'] } }
          : {}),
      });
      appConfig.grantRead(fn);
      if (blobs) grantAttachmentObjects(fn, props.stage);
      if (readOnly) {
        grantTableAccess(fn, props.table, 'read');
        fn.addToRolePolicy(
          new PolicyStatement({
            sid: 'RateLimitCountersOnly',
            actions: ['dynamodb:UpdateItem'],
            resources: [props.table.tableArn],
            conditions: {
              'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${RATE_LIMIT_PK_PREFIX}*`] },
            },
          }),
        );
      } else {
        grantTableAccess(fn, props.table, 'readWrite');
      }
      props.jwtSecret.grantRead(fn);
      functions.set(group, fn);
      // One resource-policy statement per function (not per route): keeps the policy far below 20 KB.
      integrations.set(
        group,
        new HttpLambdaIntegration(`${capitalize(group)}Integration`, fn, { scopePermissionToRoute: false }),
      );
    }

    this.routes = routes.map((route) => {
      const integration = integrations.get(route.group);
      if (integration === undefined) throw new Error(`no integration for ${routeKey(route)}`);
      // HttpRouteKey.with(path, method).key === routeKey(route): '<METHOD> <path template>'.
      return new HttpRoute(this, routeId(route), {
        httpApi: this.httpApi,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration,
      });
    });
    this.groupFunctions = functions;

    // Export jobs (docs/protocol/extensions.md §5): the history group invokes this worker
    // asynchronously; it reads the table, writes JSONL under `exports/` in the attachments bucket.
    this.exportWorkerFunction = new ChatFunction(this, 'ExportWorkerFunction', {
      entry: 'lambdas/history/export-worker.ts',
      description: `Lair Chat ${props.stage}: export worker (JSONL to S3)`,
      ...fnDefaults,
      environment: { ...environment, [ATTACHMENTS_BUCKET_ENV]: attachmentsBucketName(props.stage) },
      timeout: Duration.minutes(15),
    });
    grantTableAccess(this.exportWorkerFunction, props.table, 'readWrite');
    props.jwtSecret.grantRead(this.exportWorkerFunction);
    grantAttachmentObjects(this.exportWorkerFunction, props.stage);
    const exportsFn = functions.get('history');
    if (exportsFn !== undefined) {
      exportsFn.addEnvironment(EXPORT_FUNCTION_ENV, this.exportWorkerFunction.functionName);
      // The unqualified function only (grantInvoke would add `<arn>:*`, every version and alias).
      exportsFn.addToRolePolicy(
        new PolicyStatement({
          sid: 'InvokeExportWorker',
          actions: ['lambda:InvokeFunction'],
          resources: [this.exportWorkerFunction.functionArn],
        }),
      );
    }

    // Stream consumers (lambdas/streams/consumers.ts) index messages for search, stamp retention
    // TTLs, purge and count: they read and write the table, verify/sign with the JWT secret and
    // publish events to relays' internal port, so the function gets what a writing route group gets.
    this.streamsFunction = new ChatFunction(this, 'StreamsFunction', {
      entry: 'lambdas/streams/handler.ts',
      description: `Lair Chat ${props.stage}: DynamoDB Streams (search index, retention, expiry)`,
      ...fnDefaults,
      ...inVpc,
      timeout: Duration.seconds(60),
    });
    grantTableAccess(this.streamsFunction, props.table, 'readWrite');
    props.jwtSecret.grantRead(this.streamsFunction);
    // Holds stream-record *metadata* (shard, sequence numbers), not item images: 14 days to replay.
    this.streamFailures = new Queue(this, 'StreamFailures', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.streamsFunction.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.LATEST,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        retryAttempts: STREAM_RETRY_ATTEMPTS,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        // Stream records live 24 h; a record older than that is gone anyway.
        maxRecordAge: Duration.hours(24),
        onFailure: new SqsDlq(this.streamFailures),
        // Every event: INSERT/MODIFY feed the search index and retention stamps, REMOVE (user or
        // TTL) drops index entries and expiry notices (lambdas/streams/consumers.ts).
      }),
    );

    this.invitationSweep = new InvitationSweep(this, 'InvitationSweep', {
      ...props,
      ...inVpc,
      memorySize: props.lambdaMemoryMiB,
      logRetention: props.logRetention,
    });

    new CfnOutput(this, 'HttpApiUrl', {
      value: this.httpApi.apiEndpoint,
      description: 'Base URL of the REST API (terminal client: "HTTP server" prompt)',
    });
  }
}
