// Names of the environment variables that carry the JWT secret's and the TOTP key's ARNs to the Lambdas (set by infra/stacks/api-stack.ts, read by lambdas/deps.ts).

/** `LAIR_JWT_SECRET_ARN`: ARN of the Secrets Manager secret whose value is `LAIR_JWT_SECRET` (ADR 002). */
export const JWT_SECRET_ARN_ENV = 'LAIR_JWT_SECRET_ARN';

/** `LAIR_TOTP_SECRET_KEY_ARN`: ARN of the Secrets Manager secret whose value is `LAIR_TOTP_SECRET_KEY` (docs/adr/021). */
export const TOTP_SECRET_KEY_ARN_ENV = 'LAIR_TOTP_SECRET_KEY_ARN';
