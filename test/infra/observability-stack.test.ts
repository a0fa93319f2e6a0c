// ObservabilityStack assertions: dashboard plus alarms on Lambda errors, API 5xx, table throttles and relay CPU.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ROUTES } from '../../lambdas/http/routes.js';
import { synthLairChat } from './synth.js';

describe('ObservabilityStack', () => {
  let template: Template;
  const functionCount = new Set(ROUTES.map((r) => r.group)).size + 1; // + streams

  beforeAll(() => {
    template = Template.fromStack(synthLairChat().stacks.observability);
  });

  it('has a dashboard and an alarm topic', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.resourceCountIs('AWS::SNS::Topic', 1);
  });

  it('alarms on errors of every function', () => {
    const errorAlarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties.Namespace === 'AWS/Lambda' && a.Properties.MetricName === 'Errors',
    );
    expect(errorAlarms).toHaveLength(functionCount);
  });

  it('alarms on API 5xx, table throttles and relay CPU, each notifying the topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'WriteThrottleEvents' }) }),
        }),
      ]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ECS',
      MetricName: 'CPUUtilization',
      Threshold: 80,
    });
    template.resourceCountIs('AWS::CloudWatch::Alarm', functionCount + 3);
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
    }
  });
});
