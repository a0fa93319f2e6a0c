// ApiStack assertions: one Lambda per route group, one HttpApi route per ROUTES entry, nodejs22.x arm64, narrow IAM, stage, stream.
import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ROUTES, routeKey, type RouteDef, type RouteGroup } from '../../lambdas/http/routes.js';
import {
  ACCESS_LOG_FIELDS,
  ApiStack,
  isReadOnlyGroup,
  RATE_LIMIT_PK_PREFIX,
  STREAM_RETRY_ATTEMPTS,
} from '../../infra/stacks/api-stack.js';
import { DataStack } from '../../infra/stacks/data-stack.js';
import { TABLE_INDEX_NAMES } from '../../infra/constructs/table-access.js';
import { RelayStack } from '../../infra/stacks/relay-stack.js';
import { stageConfig } from '../../infra/config.js';
import { keys } from '../../shared/features/index.js';
import { synthLairChat } from './synth.js';
import { JWT_SECRET_ARN_ENV } from '../../lambdas/secret-env.js';

/** An IAM policy statement as synthesized (resources may be intrinsic functions). */
interface Statement {
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const groups = [...new Set(ROUTES.map((r) => r.group))];
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

describe('ApiStack', () => {
  let template: Template;
  let functions: ReturnType<Template['findResources']>;
  let memoryMiB: number;
  let throttle: { throttleRatePerSecond: number; throttleBurst: number };
  /** Logical id of the function serving each group. */
  const fnIdOf = new Map<RouteGroup, string>();

  beforeAll(() => {
    const { stacks, config } = synthLairChat();
    template = Template.fromStack(stacks.api);
    memoryMiB = config.lambda.memoryMiB;
    throttle = config.api;
    functions = template.findResources('AWS::Lambda::Function');
    for (const group of groups) {
      const id = Object.keys(functions).find((logicalId) =>
        logicalId.startsWith(`${capitalize(group)}Function`),
      );
      if (id !== undefined) fnIdOf.set(group, id);
    }
  });

  describe('functions', () => {
    it('has one function per route group plus the streams, invitation-sweep and export worker functions', () => {
      expect(Object.keys(functions)).toHaveLength(groups.length + 3);
      expect([...fnIdOf.keys()].sort()).toEqual([...groups].sort());
    });

    it('runs every function on nodejs22.x, arm64, with the stage memory, the table name and source maps', () => {
      for (const fn of Object.values(functions)) {
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          MemorySize: memoryMiB,
          Handler: 'index.handler',
          Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
        });
        // Every function gets the secret's ARN (lambdas/deps.ts reads it; stream consumers publish to relays).
        expect(fn.Properties.Environment.Variables[JWT_SECRET_ARN_ENV]).toBeDefined();
        expect(fn.Properties.Environment.Variables.LAIR_TABLE_NAME).toBeDefined();
        expect(fn.Properties.LoggingConfig.LogGroup).toBeDefined();
      }
      for (const group of groups) expect(functions[fnIdOf.get(group)!]!.Properties.Timeout).toBe(10);
      const worker = Object.entries(functions).find(([id]) => id.startsWith('ExportWorkerFunction'));
      expect(worker?.[1].Properties.Timeout).toBe(900);
      // The history group invokes the export worker by name (lambdas/history/export-runner.ts).
      expect(
        functions[fnIdOf.get('history')!]!.Properties.Environment.Variables.LAIR_EXPORT_FUNCTION,
      ).toEqual({
        Ref: worker?.[0],
      });
    });

    it('traces every function with X-Ray and logs in JSON to its own log group', () => {
      const logGroups = template.findResources('AWS::Logs::LogGroup');
      for (const fn of Object.values(functions)) {
        expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
        expect(fn.Properties.LoggingConfig.LogFormat).toBe('JSON');
        expect(Object.keys(logGroups)).toContain(fn.Properties.LoggingConfig.LogGroup.Ref);
      }
      // one per function (groups, streams, invitation sweep, export worker) + the API access log, all with the dev stage's retention
      template.resourceCountIs('AWS::Logs::LogGroup', groups.length + 4);
      template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    });

    it('puts event-publishing (writing) groups in the VPC; and the streams function in the VPC; read-only groups outside', () => {
      for (const group of groups) {
        const vpcConfig = functions[fnIdOf.get(group)!]!.Properties.VpcConfig;
        if (isReadOnlyGroup(group)) expect(vpcConfig).toBeUndefined();
        else
          expect(vpcConfig).toMatchObject({
            SubnetIds: expect.any(Array),
            SecurityGroupIds: [expect.anything()],
          });
      }
      const streams = Object.entries(functions).find(([id]) => id.startsWith('StreamsFunction'));
      expect(streams).toBeDefined();
      expect(streams?.[1].Properties.VpcConfig).toMatchObject({
        SubnetIds: expect.any(Array),
        SecurityGroupIds: [expect.anything()],
      });
    });
  });

  describe('routes', () => {
    it('creates exactly one route per ROUTES entry, each with its routeKey', () => {
      const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
      expect(routes).toHaveLength(ROUTES.length);
      const routeKeys = routes.map((r) => r.Properties.RouteKey as string).sort();
      expect(routeKeys).toEqual(ROUTES.map(routeKey).sort());
    });

    it("targets each route at its group's function", () => {
      const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
      const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
      for (const def of ROUTES) {
        const route = routes.find((r) => r.Properties.RouteKey === routeKey(def))!;
        const integrationId = route.Properties.Target['Fn::Join'][1][1].Ref as string;
        const integration = integrations[integrationId]!;
        expect(integration.Properties).toMatchObject({
          IntegrationType: 'AWS_PROXY',
          PayloadFormatVersion: '2.0',
        });
        expect(integration.Properties.IntegrationUri['Fn::GetAtt'][0]).toBe(fnIdOf.get(def.group));
      }
    });

    it('deploys a route that is added to the route table', () => {
      const extra: RouteDef = {
        method: 'GET',
        path: '/api/v1/extra/{id}',
        group: 'rooms',
        auth: 'session',
        buckets: [],
      };
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      const config = stageConfig('dev');
      const data = new DataStack(app, 'D', { stage: 'dev', production: false });
      const relay = new RelayStack(app, 'R', {
        stage: 'dev',
        table: data.table,
        jwtSecret: data.jwtSecret,
        relay: config.relay,
        logRetention: RetentionDays.ONE_WEEK,
      });
      const api = new ApiStack(app, 'A', {
        stage: 'dev',
        table: data.table,
        jwtSecret: data.jwtSecret,
        vpc: relay.vpc,
        eventPublisherSecurityGroup: relay.eventPublisherSecurityGroup,
        api: config.api,
        lambdaMemoryMiB: 512,
        logRetention: RetentionDays.ONE_WEEK,
        routes: [...ROUTES, extra],
      });
      const keysDeployed = Object.values(
        Template.fromStack(api).findResources('AWS::ApiGatewayV2::Route'),
      ).map((r) => r.Properties.RouteKey as string);
      expect(keysDeployed).toHaveLength(ROUTES.length + 1);
      expect(keysDeployed).toContain(routeKey(extra));
    });

    it('answers CORS preflight for any origin', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        ProtocolType: 'HTTP',
        CorsConfiguration: Match.objectLike({ AllowOrigins: ['*'], AllowMethods: ['*'] }),
      });
    });
  });

  describe('stage', () => {
    it('has one auto-deployed $default stage, throttled with the stage settings', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: {
          ThrottlingRateLimit: throttle.throttleRatePerSecond,
          ThrottlingBurstLimit: throttle.throttleBurst,
        },
      });
    });

    it('writes one JSON access-log line per request to its own log group', () => {
      const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
      const settings = stage!.Properties.AccessLogSettings;
      expect(JSON.parse(settings.Format as string)).toEqual(ACCESS_LOG_FIELDS);
      expect(ACCESS_LOG_FIELDS.requestId).toBe('$context.requestId');
      expect(settings.DestinationArn['Fn::GetAtt'][0]).toMatch(/^AccessLogs/);
    });

    it('outputs the API URL', () => {
      template.hasOutput('HttpApiUrl', {
        Value: Match.objectLike({ 'Fn::GetAtt': Match.arrayWith(['ApiEndpoint']) }),
      });
    });
  });

  describe('IAM', () => {
    const policyOf = (fnLogicalId: string): Statement[] => {
      const roleId = functions[fnLogicalId]!.Properties.Role['Fn::GetAtt'][0] as string;
      const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
        (p.Properties.Roles as { Ref?: string }[]).some((r) => r.Ref === roleId),
      );
      return policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    };
    const actionsOf = (statement: Statement): string[] => [statement.Action].flat();
    const dynamoStatements = (statements: Statement[]) =>
      statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));

    it('scopes every DynamoDB statement to the table ARN (and its indexes/stream), never "*"', () => {
      for (const id of Object.keys(functions)) {
        const statements = dynamoStatements(policyOf(id));
        expect(statements.length).toBeGreaterThan(0);
        for (const s of statements) {
          // dynamodb:ListStreams only works on "*" (added by DynamoEventSource, AWS IAM reference).
          if (actionsOf(s).every((a) => a === 'dynamodb:ListStreams')) continue;
          for (const resource of [s.Resource].flat()) {
            expect(resource).not.toBe('*');
            expect(JSON.stringify(resource)).toMatch(/Fn::ImportValue.*Table/);
          }
        }
      }
    });

    it('names the table and each GSI in table statements: no index/* wildcard, no Scan', () => {
      for (const id of Object.keys(functions)) {
        const statements = policyOf(id) as (Statement & { Sid?: string })[];
        for (const s of dynamoStatements(statements)) {
          expect(JSON.stringify(s.Resource)).not.toContain('index/*');
          expect(actionsOf(s)).not.toContain('dynamodb:Scan');
        }
        const table = statements.filter((s) => s.Sid === 'TableRead' || s.Sid === 'TableReadWrite');
        expect(table).toHaveLength(1);
        expect([table[0]!.Resource].flat()).toHaveLength(1 + TABLE_INDEX_NAMES.length);
        for (const name of TABLE_INDEX_NAMES)
          expect(JSON.stringify(table[0]!.Resource)).toContain(`/index/${name}`);
      }
    });

    it('never grants a dynamodb wildcard action', () => {
      for (const id of Object.keys(functions))
        for (const action of policyOf(id).flatMap(actionsOf)) expect(action).not.toMatch(/^dynamodb:\*|^\*$/);
    });

    it('gives read-only groups read access plus UpdateItem on rate-limit items only', () => {
      expect(RATE_LIMIT_PK_PREFIX).toBe(keys.rateLimit('k', 'b', 0).PK.slice(0, RATE_LIMIT_PK_PREFIX.length));
      for (const group of groups.filter((g) => isReadOnlyGroup(g))) {
        const statements = dynamoStatements(policyOf(fnIdOf.get(group)!));
        const actions = statements.flatMap(actionsOf);
        expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
        expect(actions).not.toEqual(expect.arrayContaining(['dynamodb:PutItem']));
        expect(actions).not.toEqual(expect.arrayContaining(['dynamodb:DeleteItem']));
        expect(actions).not.toEqual(expect.arrayContaining(['dynamodb:BatchWriteItem']));
        const update = statements.find((s) => actionsOf(s).includes('dynamodb:UpdateItem'));
        expect(update!.Condition).toEqual({
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${RATE_LIMIT_PK_PREFIX}*`] },
        });
      }
    });

    it('gives writing groups read/write access', () => {
      const writers = groups.filter((g) => !isReadOnlyGroup(g)).map((g) => fnIdOf.get(g)!);
      expect(writers.length).toBeGreaterThan(1);
      for (const id of writers) {
        const actions = dynamoStatements(policyOf(id)).flatMap(actionsOf);
        expect(actions).toEqual(
          expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query']),
        );
      }
    });

    it('gives the streams function the stream read plus table read/write (consumers index, stamp and purge)', () => {
      const id = Object.keys(functions).find((logicalId) => logicalId.startsWith('StreamsFunction'))!;
      const actions = dynamoStatements(policyOf(id)).flatMap(actionsOf);
      expect(actions).toEqual(
        expect.arrayContaining([
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:GetItem',
          'dynamodb:Query',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
        ]),
      );
    });

    it('lets every function (streams included) read the JWT secret and nothing else from Secrets Manager', () => {
      for (const id of Object.keys(functions)) {
        const secretStatements = policyOf(id).filter((s) =>
          actionsOf(s).some((a) => a.startsWith('secretsmanager:')),
        );
        expect(secretStatements).toHaveLength(1);
        expect(JSON.stringify(secretStatements[0]!.Resource)).toMatch(/Fn::ImportValue.*JwtSecret/);
      }
    });
  });

  describe('streams', () => {
    it('bisects failing batches, retries a finite number of times, then sends them to the failure queue', () => {
      const [mapping] = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
      expect(mapping!.Properties).toMatchObject({
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: STREAM_RETRY_ATTEMPTS,
        MaximumRecordAgeInSeconds: 24 * 3600,
      });
      expect(STREAM_RETRY_ATTEMPTS).toBeGreaterThan(0);
      const queues = template.findResources('AWS::SQS::Queue');
      const [queueId] = Object.keys(queues);
      expect(mapping!.Properties.DestinationConfig.OnFailure.Destination).toEqual({
        'Fn::GetAtt': [queueId, 'Arn'],
      });
      expect(queues[queueId!]!.Properties).toMatchObject({
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 86400,
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: Match.objectLike({
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        }),
      });
    });

    it('consumes every event of the table stream (no filter: search, retention and purge need INSERT/MODIFY too)', () => {
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
      const [mapping] = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
      expect(mapping!.Properties).toMatchObject({
        StartingPosition: 'LATEST',
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      expect(JSON.stringify(mapping!.Properties.EventSourceArn)).toMatch(/Fn::ImportValue.*StreamArn/);
      expect(mapping!.Properties.FilterCriteria).toBeUndefined();
    });
  });
});
