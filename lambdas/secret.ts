// Reads the JWT secret from AWS Secrets Manager at cold start (LAIR_JWT_SECRET_ARN, set by infra/stacks/api-stack.ts).
import { createHash, createHmac } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';

/** SHA-256 / HMAC-SHA256 over node:crypto in the shape SignatureV4 expects. */
type Digester = ReturnType<typeof createHash> | ReturnType<typeof createHmac>;

class NodeSha256 implements Checksum {
  private hash: Digester;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Digester {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(this.secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

function toBuffer(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/**
 * Fetches a secret's `SecretString` with a SigV4-signed `secretsmanager.GetSecretValue` call, reusing
 * the DynamoDB client's region and credential chain (no extra SDK client needed in the bundle).
 * @param arn - secret ARN (the whole string value is the secret, as data-stack.ts generates it)
 * @throws Error when the call fails or the secret has no string value
 */
export async function fetchSecretString(client: DynamoDBClient, arn: string): Promise<string> {
  const region = await client.config.region();
  const hostname = `secretsmanager.${region}.amazonaws.com`;
  const body = JSON.stringify({ SecretId: arn });
  const signer = new SignatureV4({
    service: 'secretsmanager',
    region,
    credentials: client.config.credentials,
    sha256: NodeSha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'https:',
    hostname,
    path: '/',
    headers: {
      host: hostname,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'secretsmanager.GetSecretValue',
    },
    body,
  });
  const { host: _host, ...headers } = signed.headers; // fetch sets Host itself (same value)
  const res = await fetch(`https://${hostname}/`, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`GetSecretValue failed with ${res.status}: ${text.slice(0, 200)}`);
  const value = (JSON.parse(text) as { SecretString?: unknown }).SecretString;
  if (typeof value !== 'string' || value === '') throw new Error('GetSecretValue returned no SecretString');
  return value;
}
