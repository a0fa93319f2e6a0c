// Stage settings of the CDK app: the dev and prod profiles in one zod-validated config (the only place stage values live).
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';

/** Stage names: lower-case, start with a letter, ≤ 20 characters (they prefix stack and resource names). */
export const STAGE_NAME = /^[a-z][a-z0-9-]{0,19}$/;

/**
 * Fargate task sizes: CPU units (1024 = 1 vCPU) -> allowed memory in MiB
 * (AWS Fargate "Task CPU and memory" table, Linux, sizes up to 4 vCPU).
 */
export const FARGATE_MEMORY_MIB: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: [1024, 2048, 3072, 4096],
  1024: [2048, 3072, 4096, 5120, 6144, 7168, 8192],
  2048: Array.from({ length: 13 }, (_, i) => 4096 + i * 1024),
  4096: Array.from({ length: 23 }, (_, i) => 8192 + i * 1024),
};

/** Longest `stopTimeout` Fargate allows, seconds (ECS ContainerDefinition.stopTimeout). */
export const FARGATE_MAX_STOP_TIMEOUT_S = 120;

const relaySchema = z.object({
  /** Task CPU units (256 = 0.25 vCPU). */
  cpu: z.number().int(),
  /** Task memory, MiB; must be a Fargate size for `cpu` ({@link FARGATE_MEMORY_MIB}). */
  memoryMiB: z.number().int(),
  /** Autoscaling floor, tasks; also the service's initial desired count. */
  minTasks: z.number().int().min(1),
  /** Autoscaling ceiling, tasks. */
  maxTasks: z.number().int().min(1),
  /** Target-tracking goal for the service's average CPU, percent. */
  targetCpuPercent: z.number().min(10).max(90),
  /** Target-tracking goal for NLB active flows (TCP + WebSocket connections) per healthy task. */
  targetConnectionsPerTask: z.number().int().positive(),
  /**
   * Hard deadline of the relay's SIGTERM drain (server_notice, flush, close every connection,
   * presence cleanup), seconds; passed to the container as `LAIR_RELAY_DRAIN_DEADLINE_MS`.
   */
  drainSeconds: z.number().int().min(1),
  /** NLB target-group deregistration delay, seconds (ELB allows 0–3600). */
  deregistrationDelaySeconds: z.number().int().min(0).max(3600),
  /** ECS container stopTimeout: SIGTERM -> SIGKILL, seconds (Fargate max 120). */
  stopTimeoutSeconds: z.number().int().min(2).max(FARGATE_MAX_STOP_TIMEOUT_S),
  /** ECS Container Insights on the cluster (per-task metrics; billed as custom metrics). */
  containerInsights: z.boolean(),
});

/** zod schema of one stage's settings; {@link StageConfig} is its output type. */
export const stageConfigSchema = z
  .object({
    /** Stage name: stacks `LairChat-<stage>-*`, table `lair-chat-<stage>`. */
    stage: z.string().regex(STAGE_NAME, 'stage must match [a-z][a-z0-9-]{0,19}'),
    /**
     * Production stage: table deletion protection on, table and JWT secret `RETAIN`ed when the
     * stack is deleted. Non-production stages delete both with the stack.
     */
    production: z.boolean(),
    /** Retention of every log group (Lambda, API access, relay, VPC flow logs): a CloudWatch Logs period, days. */
    logRetentionDays: z.enum(RetentionDays),
    /** Address subscribed (after a confirmation mail) to the alarm topic. @default none */
    alarmEmail: z.email().optional(),
    /** Existing Secrets Manager secret (complete ARN) holding LAIR_JWT_SECRET. @default a generated secret */
    jwtSecretArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/,
        'jwtSecretArn must be a complete secret ARN (ending in -XXXXXX)',
      )
      .optional(),
    api: z.object({
      /** Stage-wide steady-state request rate limit, requests per second (API Gateway throttling). */
      throttleRatePerSecond: z.number().positive(),
      /** Stage-wide burst limit, requests (token-bucket size). */
      throttleBurst: z.number().int().positive(),
    }),
    lambda: z.object({
      /** Memory of every ChatFunction, MB (CPU scales with it). */
      memoryMiB: z.number().int().min(128).max(10240),
    }),
    relay: relaySchema,
  })
  .superRefine((c, ctx) => {
    const issue = (path: string[], message: string): void => {
      ctx.addIssue({ code: 'custom', path, message });
    };
    const r = c.relay;
    const sizes = FARGATE_MEMORY_MIB[r.cpu];
    if (sizes === undefined)
      issue(['relay', 'cpu'], `relay.cpu must be one of ${Object.keys(FARGATE_MEMORY_MIB).join(', ')}`);
    else if (!sizes.includes(r.memoryMiB))
      issue(['relay', 'memoryMiB'], `relay.memoryMiB ${r.memoryMiB} is not a Fargate size for cpu ${r.cpu}`);
    if (r.minTasks > r.maxTasks) issue(['relay', 'maxTasks'], 'relay.maxTasks must be ≥ relay.minTasks');
    // The drain must end before ECS sends SIGKILL, with time left to flush logs and exit.
    if (r.drainSeconds + 5 > r.stopTimeoutSeconds)
      issue(['relay', 'stopTimeoutSeconds'], 'relay.stopTimeoutSeconds must be ≥ relay.drainSeconds + 5');
    // ...and within the deregistration delay, so it also fits when SIGTERM and deregistration start together.
    if (r.drainSeconds > r.deregistrationDelaySeconds)
      issue(
        ['relay', 'deregistrationDelaySeconds'],
        'relay.deregistrationDelaySeconds must be ≥ relay.drainSeconds',
      );
  });

/** One stage's validated settings. */
export type StageConfig = z.infer<typeof stageConfigSchema>;

/** Relay timings shared by every stage: see docs/adr/002 "Relay shutdown". */
const RELAY_TIMINGS = { drainSeconds: 20, deregistrationDelaySeconds: 30, stopTimeoutSeconds: 30 } as const;

/**
 * THE stage profiles. `dev`: one small relay, short log retention, everything deleted with the
 * stacks. `prod`: two relays across the AZs, scaling to ten, retained data, Container Insights.
 * Add a stage by adding an entry here.
 */
export const STAGES: Readonly<Record<string, StageConfig>> = {
  dev: {
    stage: 'dev',
    production: false,
    logRetentionDays: RetentionDays.ONE_WEEK,
    api: { throttleRatePerSecond: 50, throttleBurst: 100 },
    lambda: { memoryMiB: 512 },
    relay: {
      cpu: 256,
      memoryMiB: 512,
      minTasks: 1,
      maxTasks: 2,
      targetCpuPercent: 60,
      targetConnectionsPerTask: 2000,
      ...RELAY_TIMINGS,
      containerInsights: false,
    },
  },
  prod: {
    stage: 'prod',
    production: true,
    logRetentionDays: RetentionDays.ONE_MONTH,
    api: { throttleRatePerSecond: 500, throttleBurst: 1000 },
    lambda: { memoryMiB: 512 },
    relay: {
      cpu: 512,
      memoryMiB: 1024,
      minTasks: 2,
      maxTasks: 10,
      targetCpuPercent: 60,
      targetConnectionsPerTask: 2000,
      ...RELAY_TIMINGS,
      containerInsights: true,
    },
  },
};

/** Per-deployment values given with `--context` (never committed: an e-mail, an ARN). */
export interface StageOverrides {
  /** `--context alarmEmail=ops@example.com` */
  readonly alarmEmail?: string;
  /** `--context jwtSecretArn=arn:aws:secretsmanager:…` */
  readonly jwtSecretArn?: string;
}

/**
 * The validated settings of `stage` ({@link STAGES} entry) with the overrides applied.
 * @throws Error naming the known stages when `stage` has no profile, or listing every invalid
 *   field (path: message) when the merged settings fail {@link stageConfigSchema}
 */
export function stageConfig(stage: string, overrides: StageOverrides = {}): StageConfig {
  const profile = STAGES[stage];
  if (profile === undefined)
    throw new Error(
      `unknown stage "${stage}": known stages are ${Object.keys(STAGES).join(', ')} (infra/config.ts)`,
    );
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return parseStageConfig({ ...profile, ...defined });
}

/**
 * Validates raw settings against {@link stageConfigSchema}.
 * @throws Error listing every invalid field as `path: message`
 */
export function parseStageConfig(raw: unknown): StageConfig {
  const result = stageConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`invalid stage config: ${problems.join('; ')}`);
  }
  return result.data;
}
