// TOTP state per user over DynamoDB (docs/protocol/extensions.md §10): `USER#<id>` / `TOTP` with the secret, hashed recovery codes and the last accepted step.
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Uuid } from '../../kernel/types.js';
import type { Key } from '../../storage/keys.js';
import { isConditionalCheckFailed } from '../../storage/transactions.js';

/** A user's stored TOTP state. */
export interface TotpRecord {
  /** Base32 secret awaiting `enable` (set by setup). */
  pendingSecret?: string;
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
  /** Turns the pending secret on with its recovery hashes and first used step. @returns false when the pending secret changed */
  enable(userId: Uuid, secret: string, recoveryHashes: string[], step: number): Promise<boolean>;
  /** Remembers `step` as used. @returns false when it (or a later one) was used already */
  consumeStep(userId: Uuid, step: number): Promise<boolean>;
  /** Removes one recovery hash. @returns false when it was used already */
  consumeRecovery(userId: Uuid, hash: string): Promise<boolean>;
  /** Removes the TOTP state (disable). */
  delete(userId: Uuid): Promise<void>;
}

/** Key of a user's TOTP item (the user's partition, docs/design.md §3). */
export const totpKeys = {
  totp: (userId: Uuid): Key => ({ PK: `USER#${userId}`, SK: 'TOTP' }),
} as const;

/** `entity` tag of the TOTP item. */
export const TOTP_ENTITY = { totp: 'totp' } as const;

/** {@link TotpRepository} over the single table; recovery hashes are a String Set. */
export class DynamoTotpRepository implements TotpRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(userId: Uuid): Promise<TotpRecord | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: totpKeys.totp(userId), ConsistentRead: true }),
    );
    const item = out.Item;
    if (item === undefined) return null;
    return {
      ...(typeof item.pending_secret === 'string' ? { pendingSecret: item.pending_secret } : {}),
      ...(typeof item.secret === 'string' ? { secret: item.secret } : {}),
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
      ExpressionAttributeValues: { ':s': secret, ':e': TOTP_ENTITY.totp, ':f': false },
    });
  }

  enable(userId: Uuid, secret: string, recoveryHashes: string[], step: number): Promise<boolean> {
    return this.conditional({
      TableName: this.tableName,
      Key: totpKeys.totp(userId),
      UpdateExpression:
        'SET secret = :s, enabled = :t, recovery = :r, last_step = :step REMOVE pending_secret',
      ConditionExpression: 'pending_secret = :s',
      ExpressionAttributeValues: { ':s': secret, ':t': true, ':r': new Set(recoveryHashes), ':step': step },
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
}
