// InvitationSweep: the scheduled Lambda that sends invitation reminders and expires overdue invitations (docs/protocol/extensions.md §6.3), run by EventBridge Scheduler every 5 minutes.
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { SubnetType, type ISecurityGroup, type IVpc } from 'aws-cdk-lib/aws-ec2';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { JWT_SECRET_ARN_ENV } from '../../lambdas/secret-env.js';
import { ChatFunction } from './chat-function.js';
import { grantTableAccess } from './table-access.js';

/** Props of {@link InvitationSweep}. */
export interface InvitationSweepProps {
  readonly stage: string;
  readonly table: ITable;
  readonly jwtSecret: ISecret;
  /** The relays' VPC: the sweep publishes reminder/expiry events to their internal endpoints. */
  readonly vpc: IVpc;
  readonly eventPublisherSecurityGroup: ISecurityGroup;
  readonly memorySize: number;
  readonly logRetention: RetentionDays;
  /** Minutes between runs (default 5; reminders are due 24 h ahead). */
  readonly everyMinutes?: number;
}

/**
 * One ChatFunction (`lambdas/invitations/sweep.ts`) with table read/write (it queries the
 * `INVITEDUE` slots on GSI2 and transitions records), the JWT secret (relay publisher signing)
 * and the VPC placement of the write Lambdas; an EventBridge Scheduler schedule invokes it.
 */
export class InvitationSweep extends Construct {
  public readonly fn: ChatFunction;
  public readonly schedule: Schedule;
  /** The role EventBridge Scheduler assumes to invoke {@link fn} (lambda:InvokeFunction on it only). */
  public readonly schedulerRole: Role;

  public constructor(scope: Construct, id: string, props: InvitationSweepProps) {
    super(scope, id);
    this.fn = new ChatFunction(this, 'Function', {
      entry: 'lambdas/invitations/sweep.ts',
      description: `Lair Chat ${props.stage}: invitation reminders and expiry sweep`,
      table: props.table,
      environment: { [JWT_SECRET_ARN_ENV]: props.jwtSecret.secretArn },
      memorySize: props.memorySize,
      logGroupRetention: props.logRetention,
      timeout: Duration.seconds(60),
      vpc: props.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [props.eventPublisherSecurityGroup],
    });
    grantTableAccess(this.fn, props.table, 'readWrite');
    props.jwtSecret.grantRead(this.fn);
    this.schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: 'EventBridge Scheduler: invoke the invitation sweep',
    });
    this.schedule = new Schedule(this, 'Schedule', {
      schedule: ScheduleExpression.rate(Duration.minutes(props.everyMinutes ?? 5)),
      target: new LambdaInvoke(this.fn, { retryAttempts: 0, role: this.schedulerRole }),
      description: 'Invitation reminders (24 h before expiry) and overdue expiry',
    });
  }
}
