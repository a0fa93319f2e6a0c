// Name of the environment variable that carries the JWT secret's ARN to the Lambdas (set by infra/stacks/api-stack.ts, read by lambdas/deps.ts).

/** `LAIR_JWT_SECRET_ARN`: ARN of the Secrets Manager secret whose value is `LAIR_JWT_SECRET` (ADR 002). */
export const JWT_SECRET_ARN_ENV = 'LAIR_JWT_SECRET_ARN';
