// ChatFunction: the one NodejsFunction subclass carrying Lair Chat's Lambda defaults (docs/style.md §10, docs/design.md §6).
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
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
 * Packages installed into the bundle's `node_modules` (with `npm ci` from the lock file) instead
 * of being bundled: native addons esbuild cannot inline. `@node-rs/argon2` loads a prebuilt
 * `.node` binary from a per-platform optional package (`@node-rs/argon2-linux-arm64-gnu` on Lambda arm64).
 */
export const NATIVE_NODE_MODULES: readonly string[] = ['@node-rs/argon2'];

/** The Lambda instruction set of every ChatFunction (Graviton: ~20 % cheaper per GB-second than x86_64). */
export const LAMBDA_ARCHITECTURE = Architecture.ARM_64;

/**
 * npm config for the bundle's `npm ci`, as environment variables: install the optional native
 * packages of the *Lambda* platform (Linux, arm64, glibc — Amazon Linux 2023 under nodejs22.x),
 * not of the machine running `cdk synth`. npm ≥ 10 reads `--os/--cpu/--libc` (npm docs
 * "config": os, cpu, libc); CDK passes `bundling.environment` to every local bundling step.
 */
export const LAMBDA_NPM_PLATFORM_ENV: Readonly<Record<string, string>> = {
  npm_config_os: 'linux',
  npm_config_cpu: 'arm64',
  npm_config_libc: 'glibc',
};

/** Props of {@link ChatFunction}: everything of NodejsFunctionProps stays overridable. */
export interface ChatFunctionProps extends Omit<NodejsFunctionProps, 'entry'> {
  /** Entry file, relative to the repository root, e.g. `lambdas/rooms/handler.ts` (exports `handler`). */
  readonly entry: string;
  /** The single table; its name becomes `LAIR_TABLE_NAME`. No grant is made here: grant narrowly at the call site. */
  readonly table: ITable;
  /** Retention of the function's own log group (stage config `logRetentionDays`). */
  readonly logGroupRetention: RetentionDays;
}

/**
 * A Lair Chat Lambda: `nodejs22.x` on arm64, ESM bundle (`index.mjs`) with the `createRequire`
 * banner, source maps (`NODE_OPTIONS=--enable-source-maps`), 512 MB, 10 s timeout, X-Ray active
 * tracing, JSON log format (the handlers' pino lines pass through as JSON; Lambda's own
 * START/END/REPORT lines become JSON too), a dedicated log group (`this.logGroup`) deleted with
 * the stack, `LAIR_TABLE_NAME` set. AWS SDK v3 comes from the runtime (`@aws-sdk/*` external, CDK
 * default); `@node-rs/argon2` is installed for linux-arm64-gnu, not bundled.
 *
 * Grants are NOT implied: callers choose read or read/write (`grantTableAccess`) per route group.
 */
export class ChatFunction extends NodejsFunction {
  public constructor(scope: Construct, id: string, props: ChatFunctionProps) {
    const { entry, table, logGroupRetention, environment, bundling, ...rest } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: logGroupRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      runtime: Runtime.NODEJS_22_X,
      architecture: LAMBDA_ARCHITECTURE,
      memorySize: 512,
      timeout: Duration.seconds(10),
      handler: 'handler',
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
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
        environment: { ...LAMBDA_NPM_PLATFORM_ENV },
        ...bundling,
      },
    });
  }
}
