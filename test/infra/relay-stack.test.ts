// RelayStack assertions: Fargate service, NLB TCP 8080/WS 8082 -> container, health checks, autoscaling, drain timings, internal 8081 only from security groups.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { StageConfig } from '../../infra/config.js';
import {
  RELAY_HEALTHCHECK_COMMAND,
  RELAY_INTERNAL_PORT,
  RELAY_TCP_PORT,
  RELAY_WS_PORT,
} from '../../infra/stacks/relay-stack.js';
import { APPCONFIG_ENV } from '../../lambdas/appconfig.js';
import { synthLairChat } from './synth.js';

/** A `dockerImages` entry of a stack's asset manifest. */
interface DockerImageAsset {
  source: { directory: string; dockerFile: string; platform: string };
}

describe('RelayStack', () => {
  let template: Template;
  let dockerImages: DockerImageAsset[];
  let assemblyDir: string;
  let relay: StageConfig['relay'];

  beforeAll(() => {
    const { app, stacks, config } = synthLairChat();
    relay = config.relay;
    template = Template.fromStack(stacks.relay);
    assemblyDir = app.synth().directory;
    const manifest = JSON.parse(
      readFileSync(join(assemblyDir, `${stacks.relay.stackName}.assets.json`), 'utf8'),
    ) as { dockerImages?: Record<string, DockerImageAsset> };
    dockerImages = Object.values(manifest.dockerImages ?? {});
  });

  it('runs one Fargate service on x86_64 from the relay/Dockerfile image asset', () => {
    template.resourceCountIs('AWS::ECS::Service', 1);
    template.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      RuntimePlatform: { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' },
    });
    expect(dockerImages.map((i) => i.source)).toEqual([
      expect.objectContaining({ dockerFile: 'relay/Dockerfile', platform: 'linux/amd64' }),
    ]);
  });

  it('stages a Docker context filtered by .dockerignore (no node_modules, no infra)', () => {
    const context = readdirSync(join(assemblyDir, dockerImages[0]!.source.directory));
    expect(context).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'relay', 'shared']));
    for (const excluded of ['node_modules', 'infra', 'test', 'cdk.out', '.git'])
      expect(context).not.toContain(excluded);
  });

  it('configures the container with the LAIR_* environment and the JWT secret from Secrets Manager', () => {
    const [taskDef] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
    const [container] = taskDef!.Properties.ContainerDefinitions;
    const env = Object.fromEntries(
      (container.Environment as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]),
    );
    expect(env).toMatchObject({
      LAIR_TCP_PORT: String(RELAY_TCP_PORT),
      LAIR_RELAY_INTERNAL_PORT: String(RELAY_INTERNAL_PORT),
    });
    expect(env.LAIR_TABLE_NAME).toBeDefined();
    expect(env.AWS_REGION).toBeDefined();
    expect(env.LAIR_RELAY_INTERNAL_HOST).toBeUndefined(); // set at run time from task metadata (relay/Dockerfile)
    expect(env.LAIR_RELAY_WS_PORT).toBe(String(RELAY_WS_PORT));
    expect(container.Secrets).toEqual([
      { Name: 'LAIR_JWT_SECRET', ValueFrom: expect.anything() },
      { Name: 'LAIR_TOTP_SECRET_KEY', ValueFrom: expect.anything() },
    ]);
    // The AppConfig poller (relay/appconfig-poller.ts) finds its profile by these.
    for (const name of Object.values(APPCONFIG_ENV)) expect(env[name]).toBeDefined();
    expect(container.PortMappings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ContainerPort: RELAY_TCP_PORT, Protocol: 'tcp' }),
        expect.objectContaining({ ContainerPort: RELAY_INTERNAL_PORT, Protocol: 'tcp' }),
        expect.objectContaining({ ContainerPort: RELAY_WS_PORT, Protocol: 'tcp' }),
      ]),
    );
  });

  it('sizes the task from the stage config and checks the container with the image health check', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: String(relay.cpu),
      Memory: String(relay.memoryMiB),
    });
    const [taskDef] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
    const [container] = taskDef!.Properties.ContainerDefinitions;
    expect(container.HealthCheck).toMatchObject({ Command: [...RELAY_HEALTHCHECK_COMMAND], Retries: 3 });
    const dockerfile = readFileSync(
      join(assemblyDir, dockerImages[0]!.source.directory, 'relay', 'Dockerfile'),
      'utf8',
    );
    expect(dockerfile).toContain(`HEALTHCHECK`);
    expect(dockerfile).toContain(RELAY_HEALTHCHECK_COMMAND.at(-1));
  });

  it('drains within the deregistration delay and before ECS sends SIGKILL', () => {
    const [taskDef] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
    const [container] = taskDef!.Properties.ContainerDefinitions;
    const env = Object.fromEntries(
      (container.Environment as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]),
    );
    const drainMs = Number(env.LAIR_RELAY_DRAIN_DEADLINE_MS);
    expect(drainMs).toBe(relay.drainSeconds * 1000);
    expect(container.StopTimeout).toBe(relay.stopTimeoutSeconds);
    expect(drainMs + 5000).toBeLessThanOrEqual(container.StopTimeout * 1000);
    expect(container.LinuxParameters).toMatchObject({ InitProcessEnabled: true }); // SIGTERM reaches node
    const groups = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'));
    expect(groups).toHaveLength(2);
    for (const tg of groups) {
      const attrs = Object.fromEntries(
        (tg.Properties.TargetGroupAttributes as { Key: string; Value: string }[]).map((a) => [
          a.Key,
          a.Value,
        ]),
      );
      expect(Number(attrs['deregistration_delay.timeout_seconds'])).toBe(relay.deregistrationDelaySeconds);
      expect(drainMs).toBeLessThanOrEqual(relay.deregistrationDelaySeconds * 1000);
      expect(attrs['deregistration_delay.connection_termination.enabled']).not.toBe('true');
      expect(attrs['preserve_client_ip.enabled']).toBe('true'); // per-address login throttle sees clients
    }
  });

  it('exposes TCP 8080 and WebSocket 8082 on an internet-facing NLB, each forwarding to the same container port (ip targets)', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'network',
      Scheme: 'internet-facing',
    });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
    for (const port of [RELAY_TCP_PORT, RELAY_WS_PORT]) {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: port,
        Protocol: 'TCP',
      });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        Port: port,
        Protocol: 'TCP',
        TargetType: 'ip',
      });
    }
    template.hasResourceProperties('AWS::ECS::Service', {
      LoadBalancers: Match.arrayWith([
        Match.objectLike({ ContainerName: 'relay', ContainerPort: RELAY_TCP_PORT }),
        Match.objectLike({ ContainerName: 'relay', ContainerPort: RELAY_WS_PORT }),
      ]),
    });
  });

  it('health-checks the targets over TCP every 10 s', () => {
    for (const tg of Object.values(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'))) {
      expect(tg.Properties).toMatchObject({
        HealthCheckProtocol: 'TCP',
        HealthCheckIntervalSeconds: 10,
        HealthyThresholdCount: 2,
        UnhealthyThresholdCount: 2,
      });
    }
  });

  it('scales between the stage floor and ceiling on CPU and on connections per healthy task', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: relay.minTasks,
      MaxCapacity: relay.maxTasks,
      ScalableDimension: 'ecs:service:DesiredCount',
    });
    // No DesiredCount in the template: CloudFormation would reset the autoscaled count to it on
    // every deploy (aws-cdk #3919); the scalable target's MinCapacity raises a new service to it.
    const [service] = Object.values(template.findResources('AWS::ECS::Service'));
    expect(service?.Properties.DesiredCount).toBeUndefined();
    const policies = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy')).map(
      (p) => p.Properties.TargetTrackingScalingPolicyConfiguration,
    );
    expect(policies).toHaveLength(2);
    expect(policies).toContainEqual(
      expect.objectContaining({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: relay.targetCpuPercent,
      }),
    );
    const connections = policies.find((p) => p.CustomizedMetricSpecification !== undefined);
    expect(connections.TargetValue).toBe(relay.targetConnectionsPerTask);
    const metrics = connections.CustomizedMetricSpecification.Metrics as {
      Id: string;
      Expression?: string;
      ReturnData: boolean;
      MetricStat?: { Metric: { Namespace: string; MetricName: string } };
    }[];
    const names = Object.fromEntries(
      metrics.filter((m) => m.MetricStat).map((m) => [m.Id, m.MetricStat!.Metric]),
    );
    expect(names.flows).toMatchObject({ Namespace: 'AWS/NetworkELB', MetricName: 'ActiveFlowCount' });
    expect(names.tasks).toMatchObject({ Namespace: 'AWS/NetworkELB', MetricName: 'HealthyHostCount' });
    expect(metrics.filter((m) => m.ReturnData)).toEqual([
      expect.objectContaining({ Expression: 'flows / tasks' }),
    ]);
  });

  it('outputs the NLB DNS name, the TCP endpoint and the WebSocket URL', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['RelayHost', 'RelayEndpoint', 'WebSocketUrl']),
    );
    expect(outputs.RelayHost!.Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Nlb/), 'DNSName'] });
  });

  it('opens the internal port only to security groups, never to an address range', () => {
    type Rule = { FromPort: number; ToPort: number; CidrIp?: string; SourceSecurityGroupId?: unknown };
    const ingress: Rule[] = [
      ...Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map(
        (r) => r.Properties as Rule,
      ),
      ...Object.values(template.findResources('AWS::EC2::SecurityGroup')).flatMap(
        (r) => (r.Properties.SecurityGroupIngress ?? []) as Rule[],
      ),
    ];
    const internal = ingress.filter(
      (r) => r.FromPort <= RELAY_INTERNAL_PORT && r.ToPort >= RELAY_INTERNAL_PORT,
    );
    expect(internal).toHaveLength(2); // relay -> relay, event publishers -> relay
    for (const rule of internal) {
      expect(rule.CidrIp).toBeUndefined();
      expect(rule.SourceSecurityGroupId).toBeDefined();
    }
    const publicRules = ingress.filter((r) => r.CidrIp === '0.0.0.0/0');
    expect(publicRules.map((r) => r.FromPort).sort()).toEqual([RELAY_TCP_PORT, RELAY_WS_PORT]);
  });

  it('logs rejected VPC traffic; Container Insights is off in dev and on in prod', () => {
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      TrafficType: 'REJECT',
      LogDestinationType: 'cloud-watch-logs',
    });
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'disabled' }],
    });
    Template.fromStack(synthLairChat('prod').stacks.relay).hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  it('builds a 2-AZ VPC with one NAT gateway and a DynamoDB gateway endpoint', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['.dynamodb'])]) }),
    });
  });

  it('grants the task role table access scoped to the table ARN', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const statements = policies.flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const dynamo = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.length).toBeGreaterThan(0);
    for (const s of dynamo) {
      for (const resource of [s.Resource].flat()) {
        expect(resource).not.toBe('*');
        expect(JSON.stringify(resource)).toMatch(/Fn::ImportValue.*Table/);
      }
    }
  });

  it('lets the task role read the AppConfig settings profile (StartConfigurationSession + GetLatestConfiguration only)', () => {
    const [taskDef] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
    const roleId = taskDef!.Properties.TaskRoleArn['Fn::GetAtt'][0] as string;
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref?: string }[]).some((r) => r.Ref === roleId))
      .flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      );
    const appconfig = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('appconfig:')));
    expect(appconfig).toHaveLength(1);
    expect([appconfig[0]!.Action].flat().sort()).toEqual([
      'appconfig:GetLatestConfiguration',
      'appconfig:StartConfigurationSession',
    ]);
    expect(JSON.stringify(appconfig[0]!.Resource)).toMatch(/application\/.*environment\/.*configuration\//);
  });
});
