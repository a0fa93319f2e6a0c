// ObservabilityStack assertions: one dashboard and every alarm of issue 4 (Lambda, stream, API, table, relay), each notifying the topic.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ROUTES } from '../../lambdas/http/routes.js';
import {
  ITERATOR_AGE_ALARM_MS,
  MAX_METRICS_PER_ALARM,
  WATCHED_TABLE_OPERATIONS,
} from '../../infra/stacks/observability-stack.js';
import { synthLairChat } from './synth.js';

/** An alarm as synthesized: a single metric, or metric math over `Metrics`. */
interface AlarmProps {
  Namespace?: string;
  MetricName?: string;
  Threshold: number;
  EvaluationPeriods: number;
  AlarmActions: unknown[];
  Metrics?: { MetricStat?: { Metric: { Namespace: string; MetricName: string } }; Expression?: string }[];
}

describe('ObservabilityStack', () => {
  let template: Template;
  let alarms: AlarmProps[];
  const functionCount = new Set(ROUTES.map((r) => r.group)).size + 1; // + streams
  /** Alarms whose (only or math) metrics are all `namespace`/`name`. */
  const alarmsOn = (namespace: string, name: string) =>
    alarms.filter((a) => {
      if (a.MetricName !== undefined) return a.Namespace === namespace && a.MetricName === name;
      const stats = (a.Metrics ?? []).flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []));
      return stats.length > 0 && stats.every((m) => m.Namespace === namespace && m.MetricName === name);
    });

  beforeAll(() => {
    template = Template.fromStack(synthLairChat().stacks.observability);
    alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties as AlarmProps,
    );
  });

  it('has one dashboard and an alarm topic that accepts only TLS publishers', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      }),
    });
  });

  it('alarms on errors of every function and on throttles of all of them', () => {
    expect(alarmsOn('AWS/Lambda', 'Errors')).toHaveLength(functionCount);
    const throttles = alarmsOn('AWS/Lambda', 'Throttles');
    expect(throttles).toHaveLength(Math.ceil(functionCount / MAX_METRICS_PER_ALARM));
    const watched = throttles.flatMap((a) => a.Metrics!.filter((m) => m.MetricStat));
    expect(watched).toHaveLength(functionCount); // every function in exactly one alarm
    for (const a of throttles) {
      expect(a.Metrics!.filter((m) => m.MetricStat).length).toBeLessThanOrEqual(MAX_METRICS_PER_ALARM);
      expect(a.Threshold).toBe(1);
    }
  });

  it('alarms on stream iterator age and on batches given up on', () => {
    expect(alarmsOn('AWS/Lambda', 'IteratorAge')).toEqual([
      expect.objectContaining({ Threshold: ITERATOR_AGE_ALARM_MS }),
    ]);
    expect(alarmsOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible')).toEqual([
      expect.objectContaining({ Threshold: 1 }),
    ]);
  });

  it('alarms on API 5xx', () => {
    expect(alarmsOn('AWS/ApiGateway', '5xx')).toHaveLength(1);
  });

  it('alarms on table throttles (table and GSIs) and on system errors of every operation the code issues', () => {
    const throttles = alarms.find((a) =>
      (a.Metrics ?? []).some((m) => m.MetricStat?.Metric.MetricName === 'WriteThrottleEvents'),
    );
    expect(throttles!.Metrics!.filter((m) => m.MetricStat)).toHaveLength(10); // table + GSI1–GSI4, read and write (the CloudWatch maximum)
    const [systemErrors] = alarmsOn('AWS/DynamoDB', 'SystemErrors');
    expect(systemErrors!.Metrics!.filter((m) => m.MetricStat)).toHaveLength(WATCHED_TABLE_OPERATIONS.length);
    expect(WATCHED_TABLE_OPERATIONS.length).toBeLessThanOrEqual(10); // CloudWatch: ≤ 10 metrics per alarm
  });

  it('alarms on relay CPU and memory, and on unhealthy targets of both target groups', () => {
    expect(alarmsOn('AWS/ECS', 'CPUUtilization')).toEqual([expect.objectContaining({ Threshold: 80 })]);
    expect(alarmsOn('AWS/ECS', 'MemoryUtilization')).toEqual([expect.objectContaining({ Threshold: 80 })]);
    expect(alarmsOn('AWS/NetworkELB', 'UnHealthyHostCount')).toHaveLength(2);
  });

  it('has no other alarm, and every alarm notifies the topic', () => {
    // per-function errors + one throttle alarm per 10 functions + 9 others (stream ×2, API, table ×2, relay ×4)
    expect(alarms).toHaveLength(functionCount + Math.ceil(functionCount / MAX_METRICS_PER_ALARM) + 9);
    for (const alarm of alarms) expect(alarm.AlarmActions).toHaveLength(1);
  });

  it('keeps every metric-math alarm within the CloudWatch limit of 10 metrics per alarm', () => {
    for (const alarm of alarms)
      expect((alarm.Metrics ?? []).filter((m) => m.MetricStat).length).toBeLessThanOrEqual(10);
  });
});
