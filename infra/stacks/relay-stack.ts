// RelayStack: VPC, ECS cluster and the Fargate TCP/WebSocket relay behind a Network Load Balancer (docs/design.md §1, §4).
import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { CfnScalableTarget, CfnScalingPolicy } from 'aws-cdk-lib/aws-applicationautoscaling';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import {
  FlowLogDestination,
  FlowLogTrafficType,
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
  ContainerInsights,
  CpuArchitecture,
  FargateService,
  FargateTaskDefinition,
  LinuxParameters,
  LogDrivers,
  OperatingSystemFamily,
  Protocol,
  Secret as EcsSecret,
} from 'aws-cdk-lib/aws-ecs';
import {
  NetworkLoadBalancer,
  Protocol as LbProtocol,
  type NetworkTargetGroup,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { LairAppConfig } from '../constructs/app-config.js';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config.js';
import { REPO_ROOT } from '../constructs/chat-function.js';
import { grantTableAccess } from '../constructs/table-access.js';
import {
  ATTACHMENTS_BUCKET_ENV,
  attachmentsBucketName,
  grantAttachmentObjects,
} from '../constructs/attachments-bucket.js';

/** Public TCP protocol port (docs/protocol/README.md: `LAIR_TCP_PORT`), on the NLB and in the container. */
export const RELAY_TCP_PORT = 8080;
/**
 * Public WebSocket port (`/ws`, docs/protocol/websocket.md: upstream serves it on the HTTP port 8082), on the NLB
 * and in the container (`LAIR_RELAY_WS_PORT`, relay/main.ts). Plain `ws://`: the NLB forwards TCP.
 */
export const RELAY_WS_PORT = 8082;
/** Internal event-post port (`LAIR_RELAY_INTERNAL_PORT`, docs/design.md §4.3); reachable only inside the VPC. */
export const RELAY_INTERNAL_PORT = 8081;

/**
 * Container health check: `/app/healthcheck.mjs` (written by relay/Dockerfile, which also runs it
 * as the image's HEALTHCHECK) connects to the TCP port and waits for the first `server_hello`
 * bytes, so it fails when the event loop is stuck, not only when the port is closed.
 */
export const RELAY_HEALTHCHECK_COMMAND: readonly string[] = ['CMD', 'node', '/app/healthcheck.mjs'];

/** Props of {@link RelayStack}. */
export interface RelayStackProps extends StackProps {
  /** Stage name. */
  readonly stage: string;
  /** The single table; the task role gets read/write on it and its indexes. */
  readonly table: ITable;
  /** The JWT secret, injected by ECS as `LAIR_JWT_SECRET` (execution role gets read on it only). */
  readonly jwtSecret: ISecret;
  /** The TOTP key (docs/adr/021), injected by ECS as `LAIR_TOTP_SECRET_KEY`. */
  readonly totpSecretKey: ISecret;
  /** The settings document (docs/adr/009): the task polls it (relay/appconfig-poller.ts); its role may read it. */
  readonly appConfig: LairAppConfig;
  /** Task size, scaling and shutdown timings of the stage (infra/config.ts). */
  readonly relay: StageConfig['relay'];
  /** Retention of the relay and VPC flow-log groups. */
  readonly logRetention: RetentionDays;
}

/**
 * Network and relay:
 * - VPC over 2 AZs, public + private subnets, ONE NAT gateway (cost over AZ-redundant egress), a
 *   free DynamoDB gateway endpoint so table traffic bypasses the NAT, and flow logs of rejected
 *   traffic.
 * - Fargate service (x86_64, private subnets, no public IP) built from `relay/Dockerfile`
 *   (an asset: built only at deploy time, so synth needs no Docker).
 * - Internet-facing NLB with its own security group: TCP 8080 -> container 8080 (TCP protocol)
 *   and TCP 8082 -> container 8082 (`/ws`), TCP health checks, client IP preserved (the relay's
 *   per-address login throttle needs the real peer address).
 * - Port 8081 (internal events) accepts only the relay group itself (relay -> relay) and
 *   {@link eventPublisherSecurityGroup} (Lambdas that publish events).
 * - Autoscaling between `minTasks` and `maxTasks` by target tracking on average CPU and on NLB
 *   active flows per healthy task.
 * - Shutdown: deregistration delay, then SIGTERM; the relay drains (server_notice, flush, close)
 *   within `drainSeconds`, before `stopTimeoutSeconds` sends SIGKILL (infra/config.ts checks the order).
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
  /** Target group of the TCP protocol listener (8080); its healthy-host count = serving tasks. */
  public readonly tcpTargetGroup: NetworkTargetGroup;
  /** Target group of the WebSocket listener (8082). */
  public readonly wsTargetGroup: NetworkTargetGroup;

  public constructor(scope: Construct, id: string, props: RelayStackProps) {
    super(scope, id, props);
    const cfg = props.relay;
    this.vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      gatewayEndpoints: { DynamoDb: { service: GatewayVpcEndpointAwsService.DYNAMODB } },
    });
    this.vpc.addFlowLog('RejectedFlows', {
      trafficType: FlowLogTrafficType.REJECT,
      destination: FlowLogDestination.toCloudWatchLogs(
        new LogGroup(this, 'FlowLogs', {
          retention: props.logRetention,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
      ),
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
    for (const [port, what] of [
      [RELAY_TCP_PORT, 'Lair Chat TCP protocol'],
      [RELAY_WS_PORT, 'Lair Chat WebSocket /ws'],
    ] as const) {
      nlbSg.addIngressRule(Peer.anyIpv4(), Port.tcp(port), what);
      nlbSg.addEgressRule(relaySg, Port.tcp(port), 'to relay tasks');
      relaySg.addIngressRule(nlbSg, Port.tcp(port), 'from NLB (clients and health checks)');
    }
    relaySg.addIngressRule(relaySg, Port.tcp(RELAY_INTERNAL_PORT), 'relay -> relay events');
    relaySg.addIngressRule(
      this.eventPublisherSecurityGroup,
      Port.tcp(RELAY_INTERNAL_PORT),
      'publisher -> relay events',
    );

    const cluster = new Cluster(this, 'Cluster', {
      vpc: this.vpc,
      containerInsightsV2: cfg.containerInsights ? ContainerInsights.ENABLED : ContainerInsights.DISABLED,
    });
    const taskDefinition = new FargateTaskDefinition(this, 'RelayTask', {
      cpu: cfg.cpu,
      memoryLimitMiB: cfg.memoryMiB,
      runtimePlatform: {
        cpuArchitecture: CpuArchitecture.X86_64,
        operatingSystemFamily: OperatingSystemFamily.LINUX,
      },
    });
    const logGroup = new LogGroup(this, 'RelayLogs', {
      retention: props.logRetention,
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
        { name: 'ws', containerPort: RELAY_WS_PORT, protocol: Protocol.TCP },
        { name: 'internal', containerPort: RELAY_INTERNAL_PORT, protocol: Protocol.TCP },
      ],
      environment: {
        LAIR_TCP_PORT: String(RELAY_TCP_PORT),
        LAIR_RELAY_WS_PORT: String(RELAY_WS_PORT),
        LAIR_RELAY_INTERNAL_PORT: String(RELAY_INTERNAL_PORT),
        LAIR_RELAY_DRAIN_DEADLINE_MS: String(cfg.drainSeconds * 1000),
        LAIR_TABLE_NAME: props.table.tableName,
        [ATTACHMENTS_BUCKET_ENV]: attachmentsBucketName(props.stage),
        AWS_REGION: this.region,
        LAIR_LOG_LEVEL: 'info',
        ...props.appConfig.environmentVariables,
      },
      secrets: {
        LAIR_JWT_SECRET: EcsSecret.fromSecretsManager(props.jwtSecret),
        LAIR_TOTP_SECRET_KEY: EcsSecret.fromSecretsManager(props.totpSecretKey),
      },
      logging: LogDrivers.awsLogs({ streamPrefix: 'relay', logGroup }),
      healthCheck: {
        command: [...RELAY_HEALTHCHECK_COMMAND],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(30),
      },
      stopTimeout: Duration.seconds(cfg.stopTimeoutSeconds),
      // tini as PID 1: forwards SIGTERM to node and reaps children.
      linuxParameters: new LinuxParameters(this, 'RelayLinux', { initProcessEnabled: true }),
    });
    grantTableAccess(taskDefinition.taskRole, props.table, 'readWrite');
    props.appConfig.grantRead(taskDefinition.taskRole);
    grantAttachmentObjects(taskDefinition.taskRole, props.stage);

    this.service = new FargateService(this, 'RelayService', {
      cluster,
      taskDefinition,
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
    const forward = (listenerId: string, port: number): NetworkTargetGroup =>
      this.loadBalancer
        .addListener(listenerId, { port, protocol: LbProtocol.TCP })
        .addTargets(`${listenerId}Relay`, {
          port,
          protocol: LbProtocol.TCP,
          targets: [this.service.loadBalancerTarget({ containerName: 'relay', containerPort: port })],
          healthCheck: {
            protocol: LbProtocol.TCP,
            interval: Duration.seconds(10),
            timeout: Duration.seconds(5),
            healthyThresholdCount: 2,
            unhealthyThresholdCount: 2,
          },
          deregistrationDelay: Duration.seconds(cfg.deregistrationDelaySeconds),
          // `deregistration_delay.connection_termination.enabled` stays false (default): existing
          // connections outlive the delay, ECS sends SIGTERM after it, and the relay's drain
          // (server_notice, then close) ends them itself.
          preserveClientIp: true,
        });
    this.tcpTargetGroup = forward('Tcp', RELAY_TCP_PORT);
    this.wsTargetGroup = forward('Ws', RELAY_WS_PORT);

    this.addScaling(cfg);

    new CfnOutput(this, 'RelayHost', {
      value: this.loadBalancer.loadBalancerDnsName,
      description: 'DNS name of the relay NLB (terminal client: --host)',
    });
    new CfnOutput(this, 'RelayEndpoint', {
      value: `${this.loadBalancer.loadBalancerDnsName}:${RELAY_TCP_PORT}`,
      description: 'TCP endpoint of the relay (plain TCP, protocol docs/protocol/tcp.md)',
    });
    new CfnOutput(this, 'WebSocketUrl', {
      value: `ws://${this.loadBalancer.loadBalancerDnsName}:${RELAY_WS_PORT}/ws`,
      description: 'WebSocket endpoint of the relay (docs/protocol/websocket.md)',
    });
  }

  /**
   * Target tracking on two signals; the service follows whichever asks for more tasks:
   * average CPU of the service, and NLB `ActiveFlowCount` (TCP + WebSocket connections) divided
   * by the TCP target group's `HealthyHostCount` (metric math; CDK's L2 takes single metrics only).
   * Scale-in waits 10 minutes: every removed task disconnects its clients (they reconnect, docs/design.md §4.5).
   */
  private addScaling(cfg: StageConfig['relay']): void {
    const scaling = this.service.autoScaleTaskCount({ minCapacity: cfg.minTasks, maxCapacity: cfg.maxTasks });
    const scaleInCooldown = Duration.minutes(10);
    const scaleOutCooldown = Duration.minutes(1);
    scaling.scaleOnCpuUtilization('CpuScaling', {
      targetUtilizationPercent: cfg.targetCpuPercent,
      scaleInCooldown,
      scaleOutCooldown,
    });
    const target = scaling.node.findAll().find((c): c is CfnScalableTarget => c instanceof CfnScalableTarget);
    if (target === undefined) throw new Error('relay autoscaling: no scalable target');
    const nlbMetric = (metricName: string, stat: string, withTargetGroup: boolean) => ({
      metricStat: {
        metric: {
          namespace: 'AWS/NetworkELB',
          metricName,
          dimensions: [
            { name: 'LoadBalancer', value: this.loadBalancer.loadBalancerFullName },
            ...(withTargetGroup
              ? [{ name: 'TargetGroup', value: this.tcpTargetGroup.targetGroupFullName }]
              : []),
          ],
        },
        stat,
      },
      returnData: false,
    });
    new CfnScalingPolicy(this, 'ConnectionScaling', {
      policyName: `${this.stackName}-connections-per-task`,
      policyType: 'TargetTrackingScaling',
      scalingTargetId: target.ref,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: cfg.targetConnectionsPerTask,
        scaleInCooldown: scaleInCooldown.toSeconds(),
        scaleOutCooldown: scaleOutCooldown.toSeconds(),
        customizedMetricSpecification: {
          metrics: [
            { id: 'flows', ...nlbMetric('ActiveFlowCount', 'Average', false) },
            { id: 'tasks', ...nlbMetric('HealthyHostCount', 'Minimum', true) },
            {
              id: 'perTask',
              expression: 'flows / tasks',
              label: 'Active flows per healthy task',
              returnData: true,
            },
          ],
        },
      },
    });
  }
}
