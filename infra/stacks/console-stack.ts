// Stack of the web admin console (docs/protocol/extensions.md §9): bucket, CloudFront distribution and deployment (infra/constructs/admin-console.ts); outputs the console URL.
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AdminConsole } from '../constructs/admin-console.js';

/** Props of {@link ConsoleStack}. */
export interface ConsoleStackProps extends StackProps {
  readonly stage: string;
  readonly production: boolean;
  /** The HTTP API's endpoint URL (ApiStack `httpApi.apiEndpoint`). */
  readonly apiEndpoint: string;
}

/** `LairChat-<stage>-Console`: the admin console at `https://<distribution>/admin`. */
export class ConsoleStack extends Stack {
  public readonly console: AdminConsole;

  public constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, props);
    this.console = new AdminConsole(this, 'AdminConsole', {
      apiEndpoint: props.apiEndpoint,
      removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    new CfnOutput(this, 'AdminConsoleUrl', {
      value: `https://${this.console.distribution.distributionDomainName}/admin`,
      description: 'Web admin console (sign in with an admin account)',
    });
  }
}
