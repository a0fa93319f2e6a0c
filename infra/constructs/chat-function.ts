// ChatFunction: the one NodejsFunction subclass carrying Lair Chat's Lambda defaults (STYLE.md §10, DESIGN.md §6).
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';

/** Absolute path of the repository root (this file lives in `infra/constructs/`). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * esbuild banner for ESM bundles: CommonJS dependencies bundled into an ES module still call
 * `require(...)` for Node built-ins; `createRequire` gives them a real one (esbuild issue #1921).
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __lairCreateRequire } from 'node:module'; const require = __lairCreateRequire(import.meta.url);";

/**
 * Packages installed into the bundle's `node_modules` instead of being bundled: native addons
 * esbuild cannot inline. `@node-rs/argon2` resolves its prebuilt `linux-x64-gnu` binary at install
 * time, which is why every ChatFunction is x86_64 (DESIGN.md §6).
 */
export const NATIVE_NODE_MODULES: readonly string[] = ['@node-rs/argon2'];

/** Props of {@link ChatFunction}: everything of NodejsFunctionProps stays overridable. */
export interface ChatFunctionProps extends Omit<NodejsFunctionProps, 'entry'> {
  /** Entry file, relative to the repository root, e.g. `lambdas/rooms/handler.ts` (exports `handler`). */
  readonly entry: string;
  /** The single table; its name becomes `LAIR_TABLE_NAME`. No grant is made here: grant narrowly at the call site. */
  readonly table: ITable;
  /** Log retention of the function's own log group. @default RetentionDays.ONE_MONTH */
  readonly logRetentionDays?: RetentionDays;
}

/**
 * A Lair Chat Lambda: `nodejs22.x`, x86_64, ESM bundle (`index.mjs`) with the `createRequire`
 * banner, source maps (`NODE_OPTIONS=--enable-source-maps`), 512 MB, 10 s timeout, a dedicated
 * log group (`this.logGroup`) with retention, `LAIR_TABLE_NAME` set. AWS SDK v3 comes from the runtime
 * (`@aws-sdk/*` external, CDK default); `@node-rs/argon2` is installed, not bundled.
 *
 * Grants are NOT implied: callers choose `grantReadData` / `grantReadWriteData` per route group.
 */
export class ChatFunction extends NodejsFunction {
  public constructor(scope: Construct, id: string, props: ChatFunctionProps) {
    const { entry, table, logRetentionDays, environment, bundling, ...rest } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: logRetentionDays ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.X86_64,
      memorySize: 512,
      timeout: Duration.seconds(10),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      logGroup,
      ...rest,
      entry: path.join(REPO_ROOT, entry),
      environment: {
        LAIR_TABLE_NAME: table.tableName,
        NODE_OPTIONS: '--enable-source-maps',
        ...environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        sourceMap: true,
        banner: ESM_REQUIRE_BANNER,
        nodeModules: [...NATIVE_NODE_MODULES],
        ...bundling,
      },
    });
  }
}
