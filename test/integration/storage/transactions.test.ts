// Failure paths DynamoDB Local cannot produce on demand: transaction conflicts and throttling (aws-sdk-client-mock).
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DomainError } from '../../../shared/kernel/errors.js';
import { DynamoUserRepository } from '../../../shared/features/users/index.js';
import { aUser } from './fixtures.js';

const canceled = (...codes: string[]) =>
  new TransactionCanceledException({
    $metadata: {},
    message: 'Transaction cancelled',
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('transactWrite failure paths', () => {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const mock = mockClient(doc);
  const users = new DynamoUserRepository(doc, 'mocked');

  beforeEach(() => {
    mock.reset();
  });

  it('retries a TransactionConflict and succeeds', async () => {
    mock
      .on(TransactWriteCommand)
      .rejectsOnce(canceled('None', 'TransactionConflict', 'None'))
      .resolves({});

    await users.create(aUser());

    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('maps a conflict that outlives the retries to database_error with the cause kept', async () => {
    const error = canceled('TransactionConflict', 'None', 'None');
    mock.on(TransactWriteCommand).rejects(error);

    const failure = await users.create(aUser()).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(DomainError);
    expect(failure).toMatchObject({ code: 'database_error', message: 'Database error', cause: error });
    expect(mock.commandCalls(TransactWriteCommand).length).toBeGreaterThan(1);
  });

  it('retries throttling, then reports the condition that failed', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    mock
      .on(TransactWriteCommand)
      .rejectsOnce(throttled)
      .rejects(canceled('None', 'ConditionalCheckFailed', 'ConditionalCheckFailed'));

    await expect(users.create(aUser())).rejects.toMatchObject({
      name: 'ConflictError',
      code: 'username_taken',
    });
  });
});
