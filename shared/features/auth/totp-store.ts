// TOTP state per user over DynamoDB (docs/protocol/extensions.md §10): `USER#<id>` / `TOTP` with the encrypted secret (docs/adr/021), hashed recovery codes and the last accepted step.
import {
  DeleteCommand,
  GetCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Uuid } from '../../kernel/types.js';
import type { Key } from '../../storage/keys.js';
import { isConditionalCheckFailed } from '../../storage/transactions.js';
import { isSealed, type SecretBox } from './secret-box.js';

/** A user's stored TOTP state. */
export interface TotpRecord {
  /** Base32 secret awaiting `enable` (set by setup). */
  pendingSecret?: string;
  /** The pending secret as stored (sealed, opaque): `enable` is conditional on it. */
  pendingStored?: string;
  /** Base32 secret in force once enabled. */
  secret?: string;
  enabled: boolean;
  /** Argon2id PHC strings of the unused recovery codes. */
  recoveryHashes: string[];
  /** Highest accepted 30 s step (epoch ms / 30000); codes of this step or earlier are refused. */
  lastStep: number;
}

/** TOTP state (port). Every write is one conditional UpdateItem. */
export interface TotpRepository {
  get(userId: Uuid): Promise<TotpRecord | null>;
  /** Stores a pending secret. @returns false when 2FA is already enabled */
  setPending(userId: Uuid, secret: string): Promise<boolean>;
  /**
   * Turns the pending secret on with its recovery hashes and first used step.
   * @param pending - `{secret, stored}` of the record read (`pendingSecret`, `pendingStored`)
   * @returns false when the pending secret changed since that read
   */
  enable(
    userId: Uuid,
    pending: { secret: string; stored: string },
    recoveryHashes: string[],
    step: number,
  ): Promise<boolean>;
  /** Remembers `step` as used. @returns false when it (or a later one) was used already */
  consumeStep(userId: Uuid, step: number): Promise<boolean>;
  /** Removes one recovery hash. @returns false when it was used already */
  consumeRecovery(userId: Uuid, hash: string): Promise<boolean>;
  /** Removes the TOTP state (disable). */
  delete(userId: Uuid): Promise<void>;
  /**
   * Migration (docs/adr/021): seals every secret still stored in plaintext (items written before
   * encryption at rest). Scans the table for `entity = totp`; each rewrite is conditional on the
   * plaintext value, so it is safe next to running servers and idempotent.
   * @returns how many attribute values were sealed
   */
  sealPlaintext(): Promise<number>;
}

/** The two attributes that hold a secret. */
type SecretAttr = 'secret' | 'pending_secret';

/** Key of a user's TOTP item (the user's partition, docs/design.md §3). */
export const totpKeys = {
  totp: (userId: Uuid): Key => ({ PK: `USER#${userId}`, SK: 'TOTP' }),
} as const;

/** `entity` tag of the TOTP item. */
export const TOTP_ENTITY = { totp: 'totp' } as const;

/**
 * {@link TotpRepository} over the single table; recovery hashes are a String Set. Secrets are
 * stored sealed by `box` (AES-256-GCM, associated data = key + attribute name) and opened on read;
 * a legacy plaintext value is returned as is and re-sealed in the background of that read.
 */
export class DynamoTotpRepository implements TotpRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly box: SecretBox,
  ) {}

  private aad(key: Key, attr: SecretAttr): string {
    return `${key.PK}/${key.SK}/${attr}`;
  }

  private seal(userId: Uuid, attr: SecretAttr, plain: string): string {
    return this.box.seal(plain, this.aad(totpKeys.totp(userId), attr));
  }

  /**
   * The plaintext of a stored value and what is stored after this call: a legacy plaintext value
   * is re-sealed (conditional on it).
   */
  private async open(key: Key, attr: SecretAttr, stored: string): Promise<{ plain: string; stored: string }> {
    if (isSealed(stored)) return { plain: this.box.open(stored, this.aad(key, attr)), stored };
    const sealed = await this.reseal(key, attr, stored);
    return { plain: stored, stored: sealed ?? stored };
  }

  /** Replaces plaintext `plain` of `attr` by its sealed form. @returns the sealed value, or null when the value changed meanwhile */
  private async reseal(key: Key, attr: SecretAttr, plain: string): Promise<string | null> {
    const sealed = this.box.seal(plain, this.aad(key, attr));
    const done = await this.conditional({
      TableName: this.tableName,
      Key: key,
      UpdateExpression: 'SET #a = :sealed',
      ConditionExpression: '#a = :plain',
      ExpressionAttributeNames: { '#a': attr },
      ExpressionAttributeValues: { ':sealed': sealed, ':plain': plain },
    });
    return done ? sealed : null;
  }

  async get(userId: Uuid): Promise<TotpRecord | null> {
    const key = totpKeys.totp(userId);
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    const item = out.Item;
    if (item === undefined) return null;
    const pending =
      typeof item.pending_secret === 'string'
        ? await this.open(key, 'pending_secret', item.pending_secret)
        : undefined;
    const secret = typeof item.secret === 'string' ? await this.open(key, 'secret', item.secret) : undefined;
    return {
      ...(pending !== undefined ? { pendingSecret: pending.plain, pendingStored: pending.stored } : {}),
      ...(secret !== undefined ? { secret: secret.plain } : {}),
      enabled: item.enabled === true,
      recoveryHashes: item.recovery instanceof Set ? [...(item.recovery as Set<string>)] : [],
      lastStep: typeof item.last_step === 'number' ? item.last_step : 0,
    };
  }

  private async conditional(input: ConstructorParameters<typeof UpdateCommand>[0]): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand(input));
      return true;
    } catch (e) {
      if (isConditionalCheckFailed(e)) return false;
      throw e;
    }
  }

  setPending(userId: Uuid, secret: string): Promise<boolean> {
    return this.conditional({
      TableName: this.tableName,
      Key: totpKeys.totp(userId),
      UpdateExpression: 'SET pending_secret = :s, entity = :e',
      ConditionExpression: 'attribute_not_exists(enabled) OR enabled = :f',
      ExpressionAttributeValues: {
        ':s': this.seal(userId, 'pending_secret', secret),
        ':e': TOTP_ENTITY.totp,
        ':f': false,
      },
    });
  }

  enable(
    userId: Uuid,
    pending: { secret: string; stored: string },
    recoveryHashes: string[],
    step: number,
  ): Promise<boolean> {
    return this.conditional({
      TableName: this.tableName,
      Key: totpKeys.totp(userId),
      UpdateExpression:
        'SET secret = :s, enabled = :t, recovery = :r, last_step = :step REMOVE pending_secret',
      ConditionExpression: 'pending_secret = :p',
      ExpressionAttributeValues: {
        ':s': this.seal(userId, 'secret', pending.secret),
        ':p': pending.stored,
        ':t': true,
        ':r': new Set(recoveryHashes),
        ':step': step,
      },
    });
  }

  consumeStep(userId: Uuid, step: number): Promise<boolean> {
    return this.conditional({
      TableName: this.tableName,
      Key: totpKeys.totp(userId),
      UpdateExpression: 'SET last_step = :step',
      ConditionExpression: 'enabled = :t AND last_step < :step',
      ExpressionAttributeValues: { ':step': step, ':t': true },
    });
  }

  consumeRecovery(userId: Uuid, hash: string): Promise<boolean> {
    return this.conditional({
      TableName: this.tableName,
      Key: totpKeys.totp(userId),
      UpdateExpression: 'DELETE recovery :h',
      ConditionExpression: 'contains(recovery, :hs)',
      ExpressionAttributeValues: { ':h': new Set([hash]), ':hs': hash },
    });
  }

  async delete(userId: Uuid): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: totpKeys.totp(userId) }));
  }

  async sealPlaintext(): Promise<number> {
    let sealed = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'entity = :e',
          ExpressionAttributeValues: { ':e': TOTP_ENTITY.totp },
          ProjectionExpression: 'PK, SK, #s, pending_secret',
          ExpressionAttributeNames: { '#s': 'secret' },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const key: Key = { PK: String(item.PK), SK: String(item.SK) };
        for (const attr of ['secret', 'pending_secret'] as const) {
          const value: unknown = item[attr];
          if (
            typeof value === 'string' &&
            !isSealed(value) &&
            (await this.reseal(key, attr, value)) !== null
          ) {
            sealed += 1;
          }
        }
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return sealed;
  }
}
