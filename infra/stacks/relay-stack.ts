// RelayStack: VPC, ECS cluster and the Fargate TCP relay behind a Network Load Balancer (DESIGN.md §1, §4).
import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import {
  GatewayVpcEndpointAwsService,
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import {
  Cluster,
  ContainerImage,
  CpuArchitecture,
  FargateService,
  FargateTaskDefinition,
  LinuxParameters,
  LogDrivers,
  OperatingSystemFamily,
  Protocol,
  Secret as EcsSecret,
} from 'aws-cdk-lib/aws-ecs';
import { NetworkLoadBalancer, Protocol as LbProtocol } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { REPO_ROOT } from '../constructs/chat-function.js';

/** Public TCP protocol port (protocol README: `LAIR_TCP_PORT`), on the NLB and in the container. */
export const RELAY_TCP_PORT = 8080;
/** Internal event-post port (`LAIR_RELAY_INTERNAL_PORT`, DESIGN.md §4.3); reachable only inside the VPC. */
export const RELAY_INTERNAL_PORT = 8081;

/** Props of {@link RelayStack}. */
export interface RelayStackProps extends StackProps {
  /** Stage name. */
  readonly stage: string;
  /** The single table; the task role gets read/write on it and its indexes. */
  readonly table: ITable;
  /** The JWT secret, injected by ECS as `LAIR_JWT_SECRET` (execution role gets read on it only). */
  readonly jwtSecret: ISecret;
  /** Number of relay tasks. @default 1 */
  readonly desiredCount?: number;
}

/**
 * Network and relay:
 * - VPC over 2 AZs, public + private subnets, ONE NAT gateway (cost over AZ-redundant egress) and
 *   a free DynamoDB gateway endpoint so table traffic bypasses the NAT.
 * - Fargate service (x86_64, private subnets, no public IP) built from `relay/Dockerfile`
 *   (an asset: built only at deploy time, so synth needs no Docker).
 * - Internet-facing NLB with its own security group: TCP 8080 -> container 8080.
 * - Port 8081 (internal events) accepts only the relay group itself (relay -> relay) and
 *   {@link eventPublisherSecurityGroup} (Lambdas that publish events).
 * The task advertises its private IP as `LAIR_RELAY_INTERNAL_HOST`: the image's entrypoint reads it
 * from the ECS task metadata endpoint v4 (see relay/Dockerfile).
 */
export class RelayStack extends Stack {
  /** The VPC shared with the publishing Lambdas. */
  public readonly vpc: Vpc;
  /** Attach to any compute that must POST events to a relay's internal port. */
  public readonly eventPublisherSecurityGroup: SecurityGroup;
  /** The relay service. */
  public readonly service: FargateService;
  /** The public load balancer. */
  public readonly loadBalancer: NetworkLoadBalancer;

  public constructor(scope: Construct, id: string, props: RelayStackProps) {
    super(scope, id, props);
    this.vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      gatewayEndpoints: { DynamoDb: { service: GatewayVpcEndpointAwsService.DYNAMODB } },
    });

    this.eventPublisherSecurityGroup = new SecurityGroup(this, 'EventPublisherSg', {
      vpc: this.vpc,
      description: 'Lair Chat: compute allowed to post events to relay internal port',
      allowAllOutbound: true,
    });
    const relaySg = new SecurityGroup(this, 'RelaySg', {
      vpc: this.vpc,
      description: 'Lair Chat relay tasks',
      allowAllOutbound: true,
    });
    const nlbSg = new SecurityGroup(this, 'NlbSg', {
      vpc: this.vpc,
      description: 'Lair Chat relay NLB',
      allowAllOutbound: false,
    });
    nlbSg.addIngressRule(Peer.anyIpv4(), Port.tcp(RELAY_TCP_PORT), 'Lair Chat TCP protocol');
    nlbSg.addEgressRule(relaySg, Port.tcp(RELAY_TCP_PORT), 'to relay tasks');
    relaySg.addIngressRule(nlbSg, Port.tcp(RELAY_TCP_PORT), 'from NLB (clients and health checks)');
    relaySg.addIngressRule(relaySg, Port.tcp(RELAY_INTERNAL_PORT), 'relay -> relay events');
    relaySg.addIngressRule(
      this.eventPublisherSecurityGroup,
      Port.tcp(RELAY_INTERNAL_PORT),
      'publisher -> relay events',
    );

    const cluster = new Cluster(this, 'Cluster', { vpc: this.vpc });
    const taskDefinition = new FargateTaskDefinition(this, 'RelayTask', {
      cpu: 512,
      memoryLimitMiB: 1024,
      runtimePlatform: {
        cpuArchitecture: CpuArchitecture.X86_64,
        operatingSystemFamily: OperatingSystemFamily.LINUX,
      },
    });
    const logGroup = new LogGroup(this, 'RelayLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    taskDefinition.addContainer('relay', {
      image: ContainerImage.fromAsset(REPO_ROOT, {
        file: path.join('relay', 'Dockerfile'),
        platform: Platform.LINUX_AMD64,
      }),
      essential: true,
      portMappings: [
        { name: 'tcp', containerPort: RELAY_TCP_PORT, protocol: Protocol.TCP },
        { name: 'internal', containerPort: RELAY_INTERNAL_PORT, protocol: Protocol.TCP },
      ],
      environment: {
        LAIR_TCP_PORT: String(RELAY_TCP_PORT),
        LAIR_RELAY_INTERNAL_PORT: String(RELAY_INTERNAL_PORT),
        LAIR_TABLE_NAME: props.table.tableName,
        AWS_REGION: this.region,
        LAIR_LOG_LEVEL: 'info',
      },
      secrets: { LAIR_JWT_SECRET: EcsSecret.fromSecretsManager(props.jwtSecret) },
      logging: LogDrivers.awsLogs({ streamPrefix: 'relay', logGroup }),
      stopTimeout: Duration.seconds(30),
      // tini as PID 1: forwards SIGTERM to node and reaps children.
      linuxParameters: new LinuxParameters(this, 'RelayLinux', { initProcessEnabled: true }),
    });
    props.table.grantReadWriteData(taskDefinition.taskRole);

    this.service = new FargateService(this, 'RelayService', {
      cluster,
      taskDefinition,
      desiredCount: props.desiredCount ?? 1,
      assignPublicIp: false,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [relaySg],
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
    });

    this.loadBalancer = new NetworkLoadBalancer(this, 'Nlb', {
      vpc: this.vpc,
      internetFacing: true,
      crossZoneEnabled: true,
      securityGroups: [nlbSg],
    });
    this.loadBalancer
      .addListener('Tcp', { port: RELAY_TCP_PORT, protocol: LbProtocol.TCP })
      .addTargets('Relay', {
        port: RELAY_TCP_PORT,
        protocol: LbProtocol.TCP,
        targets: [this.service.loadBalancerTarget({ containerName: 'relay', containerPort: RELAY_TCP_PORT })],
        healthCheck: { protocol: LbProtocol.TCP, interval: Duration.seconds(10), healthyThresholdCount: 2 },
        deregistrationDelay: Duration.seconds(30),
      });

    new CfnOutput(this, 'RelayEndpoint', {
      value: `${this.loadBalancer.loadBalancerDnsName}:${RELAY_TCP_PORT}`,
      description: 'TCP endpoint of the relay (plain TCP, protocol tcp.md)',
    });
  }
}
