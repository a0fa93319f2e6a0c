// ObservabilityStack: one CloudWatch dashboard and the alarms over the API, Lambdas, stream, table and relay.
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { FargateService } from 'aws-cdk-lib/aws-ecs';
import type { NetworkLoadBalancer, NetworkTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { GSI1, GSI2, GSI3, GSI4 } from '../../shared/storage/table.js';

/** Props of {@link ObservabilityStack}. */
export interface ObservabilityStackProps extends StackProps {
  /** Stage name (dashboard name `lair-chat-<stage>`). */
  readonly stage: string;
  /** Functions to watch, keyed by a short label used in alarm ids and widget legends. */
  readonly functions: ReadonlyMap<string, IFunction>;
  /** The DynamoDB Streams consumer (iterator age). */
  readonly streamsFunction: IFunction;
  /** The stream mapping's on-failure queue. */
  readonly streamFailures: IQueue;
  /** The HTTP API. */
  readonly httpApi: IHttpApi;
  /** The single table. */
  readonly table: ITable;
  /** The relay service. */
  readonly relayService: FargateService;
  /** The relay's load balancer. */
  readonly loadBalancer: NetworkLoadBalancer;
  /** The relay's target groups (TCP, WebSocket): unhealthy-target alarms, one each. */
  readonly relayTargetGroups: readonly NetworkTargetGroup[];
  /** Optional address subscribed to the alarm topic. */
  readonly alarmEmail?: string;
}

const FIVE_MINUTES = Duration.minutes(5);
const ONE_MINUTE = Duration.minutes(1);

/**
 * DynamoDB operations the code issues (shared/storage repositories, relay presence, streams
 * handler): the SystemErrors alarm sums these (an alarm may use at most 10 metrics).
 */
export const WATCHED_TABLE_OPERATIONS: readonly Operation[] = [
  Operation.GET_ITEM,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.QUERY,
  Operation.BATCH_GET_ITEM,
  Operation.BATCH_WRITE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
  Operation.GET_RECORDS,
];

/** CloudWatch's limit of metrics in one math-expression alarm (AWS docs: "Using metric math with alarms"). */
export const MAX_METRICS_PER_ALARM = 10;

/** Stream iterator age that raises an alarm, ms: notices are minutes late by then. */
export const ITERATOR_AGE_ALARM_MS = 5 * 60 * 1000;

/**
 * One dashboard and these alarms (all notify {@link alarmTopic}; missing data = OK):
 * - per function: `Errors` sum ≥ 5 in 5 min;
 * - Lambda throttles: `Throttles` summed per 10 functions (the math-alarm limit) ≥ 1 in 5 min;
 * - stream: streams function `IteratorAge` max ≥ 5 min; failure queue has ≥ 1 visible message;
 * - API: `5xx` sum ≥ 5 in 5 min;
 * - table: read + write throttle events (table, GSI1-GSI4) sum ≥ 1 in 5 min; `SystemErrors` of the
 *   {@link WATCHED_TABLE_OPERATIONS} sum ≥ 1 in 5 min;
 * - relay: average CPU ≥ 80 % for 3 × 5 min; average memory ≥ 80 % for 3 × 5 min;
 *   per target group, `UnHealthyHostCount` max ≥ 1 for 2 × 1 min.
 */
export class ObservabilityStack extends Stack {
  /** SNS topic every alarm publishes to. */
  public readonly alarmTopic: Topic;
  /** Every alarm of the stack. */
  public readonly alarms: readonly Alarm[];

  public constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: `Lair Chat ${props.stage} alarms`,
      enforceSSL: true,
    });
    if (props.alarmEmail !== undefined)
      this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    const alarms: Alarm[] = [];
    const alarm = (
      alarmId: string,
      metric: IMetric,
      threshold: number,
      description: string,
      evaluationPeriods = 1,
    ) => {
      const a = new Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(new SnsAction(this.alarmTopic));
      alarms.push(a);
      return a;
    };
    const fns = [...props.functions];

    // Lambda
    const fnErrors = fns.map(([label, fn]) => {
      const metric = fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' });
      alarm(`${label}ErrorsAlarm`, metric, 5, `Lambda ${label}: ≥ 5 errors in 5 minutes`);
      return metric.with({ label }); // labelled for the dashboard only (a label turns an alarm into a math alarm)
    });
    // CloudWatch allows at most 10 metrics per math alarm: one throttle alarm per 10 functions.
    const fnThrottleAlarms: MathExpression[] = [];
    for (let start = 0; start < fns.length; start += MAX_METRICS_PER_ALARM) {
      const chunk = fns.slice(start, start + MAX_METRICS_PER_ALARM);
      const parts = Object.fromEntries(
        chunk.map(([, fn], i) => [
          `t${start + i}`,
          fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        ]),
      );
      const part = start / MAX_METRICS_PER_ALARM;
      const expression = new MathExpression({
        expression: Object.keys(parts).join(' + '),
        usingMetrics: parts,
        label: `Lambda throttles (functions ${start + 1}–${start + chunk.length})`,
        period: FIVE_MINUTES,
      });
      alarm(
        part === 0 ? 'LambdaThrottlesAlarm' : `LambdaThrottlesAlarm${part + 1}`,
        expression,
        1,
        `Lambda: at least one throttled invocation in 5 minutes (functions ${chunk.map(([l]) => l).join(', ')})`,
      );
      fnThrottleAlarms.push(expression);
    }
    const iteratorAge = props.streamsFunction.metric('IteratorAge', {
      period: ONE_MINUTE,
      statistic: 'Maximum',
    });
    alarm(
      'StreamIteratorAgeAlarm',
      iteratorAge,
      ITERATOR_AGE_ALARM_MS,
      'DynamoDB stream consumer: oldest record ≥ 5 minutes old (expiry notices are late)',
      3,
    );
    const failures = props.streamFailures.metricApproximateNumberOfMessagesVisible({
      period: FIVE_MINUTES,
      statistic: 'Maximum',
    });
    alarm(
      'StreamFailuresAlarm',
      failures,
      1,
      'DynamoDB stream consumer gave up on a batch (see the failure queue)',
    );

    // API
    const api5xx = props.httpApi.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' });
    alarm('Api5xxAlarm', api5xx, 5, 'HTTP API: ≥ 5 responses with status 5xx in 5 minutes');

    // Table
    const tableMetric = (name: string, index?: string) =>
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName: name,
        dimensionsMap: {
          TableName: props.table.tableName,
          ...(index === undefined ? {} : { GlobalSecondaryIndexName: index }),
        },
        period: FIVE_MINUTES,
        statistic: 'Sum',
      });
    const tableThrottleParts: Record<string, Metric> = {};
    for (const [i, index] of [undefined, GSI1, GSI2, GSI3, GSI4].entries()) {
      tableThrottleParts[`r${i}`] = tableMetric('ReadThrottleEvents', index);
      tableThrottleParts[`w${i}`] = tableMetric('WriteThrottleEvents', index);
    }
    const tableThrottles = new MathExpression({
      expression: Object.keys(tableThrottleParts).join(' + '),
      usingMetrics: tableThrottleParts,
      label: 'Throttle events (table + GSIs)',
      period: FIVE_MINUTES,
    });
    alarm(
      'TableThrottlesAlarm',
      tableThrottles,
      1,
      'DynamoDB: read/write throttle events on the table or its GSIs',
    );
    const systemErrors = props.table.metricSystemErrorsForOperations({
      operations: [...WATCHED_TABLE_OPERATIONS],
      period: FIVE_MINUTES,
      statistic: 'Sum',
    });
    alarm(
      'TableSystemErrorsAlarm',
      systemErrors,
      1,
      'DynamoDB: at least one system error (HTTP 500) in 5 minutes',
    );

    // Relay
    const relayCpu = props.relayService.metricCpuUtilization({ period: FIVE_MINUTES, statistic: 'Average' });
    alarm('RelayCpuAlarm', relayCpu, 80, 'Relay: average CPU ≥ 80 % for 15 minutes', 3);
    const relayMemory = props.relayService.metricMemoryUtilization({
      period: FIVE_MINUTES,
      statistic: 'Average',
    });
    alarm('RelayMemoryAlarm', relayMemory, 80, 'Relay: average memory ≥ 80 % for 15 minutes', 3);
    const unhealthy = props.relayTargetGroups.map((tg, i) => {
      const metric = tg.metrics.unHealthyHostCount({ period: ONE_MINUTE, statistic: 'Maximum' });
      alarm(
        `RelayUnhealthyTargets${i}Alarm`,
        metric,
        1,
        `Relay NLB target group ${i}: unhealthy targets for 2 minutes`,
        2,
      );
      return metric;
    });
    this.alarms = alarms;

    const dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `lair-chat-${props.stage}` });
    const graph = (title: string, left: IMetric[], right: IMetric[] = []) =>
      new GraphWidget({ title, left, right, width: 12, height: 6 });
    dashboard.addWidgets(
      graph('API requests / 4xx / 5xx', [
        props.httpApi.metricCount({ period: FIVE_MINUTES }),
        props.httpApi.metricClientError({ period: FIVE_MINUTES }),
        api5xx,
      ]),
      graph('API latency (p50 / p99, ms)', [
        props.httpApi.metricLatency({ period: FIVE_MINUTES, statistic: 'p50' }),
        props.httpApi.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' }),
      ]),
    );
    dashboard.addWidgets(
      graph('Lambda errors', fnErrors, fnThrottleAlarms),
      graph(
        'Lambda duration p99 (ms)',
        fns.map(([label, fn]) => fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99', label })),
      ),
    );
    dashboard.addWidgets(
      graph(
        'Table consumed capacity',
        [props.table.metricConsumedReadCapacityUnits({ period: FIVE_MINUTES })],
        [props.table.metricConsumedWriteCapacityUnits({ period: FIVE_MINUTES })],
      ),
      graph('Table throttles / system errors', [tableThrottles], [systemErrors]),
    );
    dashboard.addWidgets(
      graph('Stream iterator age (ms) / failed batches', [iteratorAge], [failures]),
      graph('Relay CPU / memory (%)', [relayCpu], [relayMemory]),
    );
    dashboard.addWidgets(
      graph(
        'Relay NLB flows (active / new)',
        [props.loadBalancer.metrics.activeFlowCount({ period: ONE_MINUTE })],
        [props.loadBalancer.metrics.newFlowCount({ period: ONE_MINUTE })],
      ),
      graph('Relay unhealthy targets (TCP, WS)', unhealthy),
    );

    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: `lair-chat-${props.stage}` });
  }
}
