// TransactWriteItems with retry on conflicts/throttling, and CancellationReasons (by index) -> DomainError mapping.
import {
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../kernel/errors.js';
import { MAX_ATTEMPTS, backoff } from './operations.js';

/** One element of `TransactItems` (document-client shapes). */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** One entry of `CancellationReasons`; `Item` is raw (marshalled) and only present with ALL_OLD. */
export interface CancellationReasonLike {
  Code?: string;
  Message?: string;
  Item?: Record<string, unknown>;
}

/** Reason codes that mean "try again", not "refused" (AWS TransactWriteItems docs). */
const RETRYABLE_CODES = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);
/** Top-level error names worth a retry of the whole transaction. */
const RETRYABLE_ERRORS = new Set([
  'TransactionConflictException',
  'TransactionInProgressException',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
]);

/**
 * Internal signal from an `onConditionFailed` mapper: the state read before the transaction moved
 * (concurrent writer), so the caller should re-read and try again. Never escapes a repository.
 */
export class StaleReadError extends Error {
  override readonly name = 'StaleReadError';
}

/** The per-item outcome of a cancelled transaction, indexed like the `TransactItems` sent. */
export class Cancellation {
  constructor(readonly reasons: CancellationReasonLike[]) {}

  /** True when item `index` failed its ConditionExpression. */
  failed(index: number): boolean {
    return this.reasons[index]?.Code === 'ConditionalCheckFailed';
  }

  /** True when any item failed its ConditionExpression. */
  get anyConditionFailed(): boolean {
    return this.reasons.some((r) => r.Code === 'ConditionalCheckFailed');
  }

  /** True when a retryable code (e.g. `TransactionConflict`) is among the reasons. */
  get retryable(): boolean {
    return this.reasons.some((r) => RETRYABLE_CODES.has(r.Code ?? ''));
  }
}

/** The cancellation carried by a `TransactionCanceledException`, or `null` for any other error. */
export function cancellationOf(e: unknown): Cancellation | null {
  if (!(e instanceof Error) || e.name !== 'TransactionCanceledException') return null;
  return new Cancellation(
    (e as { CancellationReasons?: CancellationReasonLike[] }).CancellationReasons ?? [],
  );
}

/** True for a single-item write refused by its ConditionExpression. */
export function isConditionalCheckFailed(e: unknown): boolean {
  return e instanceof Error && e.name === 'ConditionalCheckFailedException';
}

/**
 * Runs TransactWriteItems. Conflicts and throttling (`TransactionConflict` reasons,
 * `TransactionConflictException`, `ThrottlingException` …) are retried with jittered backoff up to
 * {@link MAX_ATTEMPTS} times; a retry re-evaluates every condition, so racing writers end up with
 * one winner and clean ConflictErrors for the rest (docs/design.md §3 "Map TransactionCanceledException
 * reasons to DomainErrors").
 * @param onConditionFailed - called when at least one condition failed; returns the error to throw
 *   (it may read the table to tell e.g. `room_not_found` from `room_full`)
 * @throws whatever `onConditionFailed` returns; DomainError `database_error` (with `cause`) when
 *   retries are exhausted or the transaction fails for another reason
 */
export async function transactWrite(
  doc: DynamoDBDocumentClient,
  items: TransactItem[],
  onConditionFailed: (c: Cancellation) => Error | Promise<Error>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await doc.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (e) {
      const c = cancellationOf(e);
      const retryable = c ? c.retryable : e instanceof Error && RETRYABLE_ERRORS.has(e.name);
      if (retryable && attempt < MAX_ATTEMPTS) {
        await backoff(attempt);
        continue;
      }
      if (c?.anyConditionFailed) throw await onConditionFailed(c);
      throw new DomainError('database_error', undefined, { cause: e });
    }
  }
}
