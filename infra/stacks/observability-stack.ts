// ObservabilityStack: CloudWatch dashboard and alarms over the API, Lambdas, table and relay.
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
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { FargateService } from 'aws-cdk-lib/aws-ecs';
import type { NetworkLoadBalancer } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { GSI1, GSI2 } from '../../shared/storage/table.js';

/** Props of {@link ObservabilityStack}. */
export interface ObservabilityStackProps extends StackProps {
  /** Stage name (dashboard name `lair-chat-<stage>`). */
  readonly stage: string;
  /** Functions to watch, keyed by a short label used in alarm ids and widget legends. */
  readonly functions: ReadonlyMap<string, IFunction>;
  /** The HTTP API. */
  readonly httpApi: IHttpApi;
  /** The single table. */
  readonly table: ITable;
  /** The relay service. */
  readonly relayService: FargateService;
  /** The relay's load balancer. */
  readonly loadBalancer: NetworkLoadBalancer;
  /** Optional address subscribed to the alarm topic. */
  readonly alarmEmail?: string;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * One dashboard and these alarms (all notify {@link alarmTopic}):
 * - per function: `Errors` sum ≥ 5 in 5 min;
 * - API: `5xx` sum ≥ 5 in 5 min;
 * - table: read + write throttle events (table, GSI1, GSI2) sum ≥ 1 in 5 min;
 * - relay: average CPU ≥ 80 % for 3 × 5 min.
 */
export class ObservabilityStack extends Stack {
  /** SNS topic every alarm publishes to. */
  public readonly alarmTopic: Topic;
  /** Every alarm of the stack. */
  public readonly alarms: readonly Alarm[];

  public constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: `Lair Chat ${props.stage} alarms` });
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

    const fnErrors = [...props.functions].map(([label, fn]) => {
      const metric = fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' });
      alarm(`${label}ErrorsAlarm`, metric, 5, `Lambda ${label}: ≥ 5 errors in 5 minutes`);
      return metric.with({ label }); // labelled for the dashboard only (a label turns an alarm into a math alarm)
    });

    const api5xx = props.httpApi.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' });
    alarm('Api5xxAlarm', api5xx, 5, 'HTTP API: ≥ 5 responses with status 5xx in 5 minutes');

    const throttleMetric = (name: string, index?: string) =>
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
    const throttleParts: Record<string, Metric> = {};
    for (const [i, index] of [undefined, GSI1, GSI2].entries()) {
      throttleParts[`r${i}`] = throttleMetric('ReadThrottleEvents', index);
      throttleParts[`w${i}`] = throttleMetric('WriteThrottleEvents', index);
    }
    const throttles = new MathExpression({
      expression: Object.keys(throttleParts).join(' + '),
      usingMetrics: throttleParts,
      label: 'Throttle events (table + GSIs)',
      period: FIVE_MINUTES,
    });
    alarm(
      'TableThrottlesAlarm',
      throttles,
      1,
      'DynamoDB: read/write throttle events on the table or its GSIs',
    );

    const relayCpu = props.relayService.metricCpuUtilization({ period: FIVE_MINUTES, statistic: 'Average' });
    alarm('RelayCpuAlarm', relayCpu, 80, 'Relay: average CPU ≥ 80 % for 15 minutes', 3);
    this.alarms = alarms;

    const dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `lair-chat-${props.stage}` });
    const graph = (title: string, left: IMetric[], right: IMetric[] = []) =>
      new GraphWidget({ title, left, right, width: 12, height: 6 });
    const fns = [...props.functions];
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
      graph('Lambda errors', fnErrors),
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
      graph('Table throttles', [throttles]),
    );
    dashboard.addWidgets(
      graph(
        'Relay CPU / memory (%)',
        [relayCpu],
        [props.relayService.metricMemoryUtilization({ period: FIVE_MINUTES, statistic: 'Average' })],
      ),
      graph(
        'Relay NLB flows',
        [props.loadBalancer.metrics.activeFlowCount({ period: FIVE_MINUTES })],
        [props.loadBalancer.metrics.newFlowCount({ period: FIVE_MINUTES })],
      ),
    );

    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
  }
}
