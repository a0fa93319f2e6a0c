// RelayStack assertions: Fargate service, NLB TCP 8080 -> container 8080, internal 8081 only from security groups.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RELAY_INTERNAL_PORT, RELAY_TCP_PORT } from '../../infra/stacks/relay-stack.js';
import { synthLairChat } from './synth.js';

/** A `dockerImages` entry of a stack's asset manifest. */
interface DockerImageAsset {
  source: { directory: string; dockerFile: string; platform: string };
}

describe('RelayStack', () => {
  let template: Template;
  let dockerImages: DockerImageAsset[];
  let assemblyDir: string;

  beforeAll(() => {
    const { app, stacks } = synthLairChat();
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
    expect(container.Secrets).toEqual([{ Name: 'LAIR_JWT_SECRET', ValueFrom: expect.anything() }]);
    expect(container.PortMappings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ContainerPort: RELAY_TCP_PORT, Protocol: 'tcp' }),
        expect.objectContaining({ ContainerPort: RELAY_INTERNAL_PORT, Protocol: 'tcp' }),
      ]),
    );
  });

  it('exposes TCP 8080 on an internet-facing NLB, forwarding to container port 8080 (ip targets)', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'network',
      Scheme: 'internet-facing',
    });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: RELAY_TCP_PORT,
      Protocol: 'TCP',
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: RELAY_TCP_PORT,
      Protocol: 'TCP',
      TargetType: 'ip',
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      LoadBalancers: [Match.objectLike({ ContainerName: 'relay', ContainerPort: RELAY_TCP_PORT })],
    });
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
    expect(publicRules.map((r) => r.FromPort)).toEqual([RELAY_TCP_PORT]);
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
});
