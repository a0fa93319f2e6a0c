// Reads the JWT secret from AWS Secrets Manager at cold start (LAIR_JWT_SECRET_ARN, set by infra/stacks/api-stack.ts).
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Budget of the Secrets Manager call, ms. */
const FETCH_TIMEOUT_MS = 5000;

/**
 * Fetches a secret's `SecretString` (the whole string value is the secret, as data-stack.ts
 * generates it). Called once per cold start by lambdas/deps.ts.
 * @param arn - secret ARN (or name)
 * @param region - AWS region of the secret (the function's `AWS_REGION`)
 * @throws the SDK error when the call fails; Error when the secret has no string value
 */
export async function fetchSecretString(arn: string, region: string): Promise<string> {
  const client = new SecretsManagerClient({ region });
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn }), {
      abortSignal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (out.SecretString === undefined || out.SecretString === '') {
      throw new Error(`secret ${arn} has no SecretString`);
    }
    return out.SecretString;
  } finally {
    client.destroy();
  }
}
