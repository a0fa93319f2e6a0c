// ApiStack: HTTP API with one ChatFunction per route group (from lambdas/http/routes.ts) and the DynamoDB Streams function.
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpRoute, HttpRouteKey } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { SubnetType, type ISecurityGroup, type IVpc } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ROUTE_GROUPS, ROUTES, routeKey, type RouteDef, type RouteGroup } from '../../lambdas/http/routes.js';
import { keys } from '../../shared/storage/keys.js';
import { ChatFunction } from '../constructs/chat-function.js';

/** Env var carrying the JWT secret's ARN; the Lambda runtime fetches the value from Secrets Manager at cold start. */
export const JWT_SECRET_ARN_ENV = 'LAIR_JWT_SECRET_ARN';

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
  /** Route table to deploy. @default ROUTES from lambdas/http/routes.ts */
  readonly routes?: readonly RouteDef[];
}

/**
 * True when every route of the group is a GET: such a group gets `grantReadData` (plus
 * `UpdateItem` restricted to rate-limit items, since every route consumes a shared rate-limit
 * counter, http.md §3) and stays out of the VPC (it changes no domain state, so it publishes no
 * events). Every other group gets `grantReadWriteData` and runs in the VPC so it can reach the
 * relays' internal endpoint.
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
 * The REST face: an HTTP API (CORS: any origin/method/header, http.md §1), one {@link ChatFunction}
 * per route group whose entry is `lambdas/<group>/handler.ts`, one `HttpRoute` per {@link RouteDef}
 * (route key = `routeKey(r)`) and the `lambdas/streams/handler.ts` function fed by the table stream,
 * filtered to TTL deletions (DESIGN.md §4.4).
 */
export class ApiStack extends Stack {
  /** The HTTP API. */
  public readonly httpApi: HttpApi;
  /** One function per route group that has at least one route. */
  public readonly groupFunctions: ReadonlyMap<RouteGroup, ChatFunction>;
  /** The DynamoDB Streams consumer. */
  public readonly streamsFunction: ChatFunction;

  public constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const routes = props.routes ?? ROUTES;
    const environment = { [JWT_SECRET_ARN_ENV]: props.jwtSecret.secretArn };
    const inVpc = {
      vpc: props.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [props.eventPublisherSecurityGroup],
    };

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `lair-chat-${props.stage}`,
      description: 'Lair Chat REST + admin API (protocol http.md)',
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
    });

    const functions = new Map<RouteGroup, ChatFunction>();
    const integrations = new Map<RouteGroup, HttpLambdaIntegration>();
    for (const group of ROUTE_GROUPS.filter((g) => routes.some((r) => r.group === g))) {
      const readOnly = isReadOnlyGroup(group, routes);
      const fn = new ChatFunction(this, `${capitalize(group)}Function`, {
        entry: `lambdas/${group}/handler.ts`,
        description: `Lair Chat ${props.stage}: ${group} routes`,
        table: props.table,
        environment,
        ...(readOnly ? {} : inVpc),
      });
      if (readOnly) {
        props.table.grantReadData(fn);
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
        props.table.grantReadWriteData(fn);
      }
      props.jwtSecret.grantRead(fn);
      functions.set(group, fn);
      // One resource-policy statement per function (not per route): keeps the policy far below 20 KB.
      integrations.set(
        group,
        new HttpLambdaIntegration(`${capitalize(group)}Integration`, fn, { scopePermissionToRoute: false }),
      );
    }

    for (const route of routes) {
      const integration = integrations.get(route.group);
      if (integration === undefined) throw new Error(`no integration for ${routeKey(route)}`);
      // HttpRouteKey.with(path, method).key === routeKey(route): '<METHOD> <path template>'.
      new HttpRoute(this, routeId(route), {
        httpApi: this.httpApi,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration,
      });
    }
    this.groupFunctions = functions;

    this.streamsFunction = new ChatFunction(this, 'StreamsFunction', {
      entry: 'lambdas/streams/handler.ts',
      description: `Lair Chat ${props.stage}: DynamoDB Streams (TTL expiry notices)`,
      table: props.table,
      environment,
      timeout: Duration.seconds(30),
      ...inVpc,
    });
    // Stream read is granted by DynamoEventSource. Table read only: the handler decodes OldImage and,
    // to publish expiry notices (DESIGN.md §4.4), needs the relay registry; it writes nothing.
    props.table.grantReadData(this.streamsFunction);
    props.jwtSecret.grantRead(this.streamsFunction);
    this.streamsFunction.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.LATEST,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        retryAttempts: 3,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        // Only TTL deletions: REMOVE records written by the DynamoDB service principal (AWS docs
        // "Working with TTL streams"). Widen this filter when search indexing/retention arrive.
        // (Literal patterns: what FilterRule.isEqual() builds, without its `any` return type.)
        filters: [
          FilterCriteria.filter({
            eventName: ['REMOVE'],
            userIdentity: { type: ['Service'], principalId: ['dynamodb.amazonaws.com'] },
          }),
        ],
      }),
    );

    new CfnOutput(this, 'HttpApiUrl', {
      value: this.httpApi.apiEndpoint,
      description: 'Base URL of the REST API',
    });
  }
}
