// Table grants for Lair Chat compute: the table and its named GSIs only (no `index/*` wildcard), read or read/write.
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { tableDefinition } from '../../shared/storage/table.js';

/**
 * Item reads the code issues (GetCommand, BatchGetCommand, QueryCommand; ConditionCheckItem for the
 * condition checks of TransactWriteCommand) plus DescribeTable (`/ready`, lambdas/deps.ts). No Scan.
 */
export const TABLE_READ_ACTIONS: readonly string[] = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];

/** Item writes the code issues (Put/Update/Delete/BatchWrite; TransactWriteItems is authorized per item action). */
export const TABLE_WRITE_ACTIONS: readonly string[] = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/** Names of the table's GSIs, from the one table definition (shared/storage/table.ts). */
export const TABLE_INDEX_NAMES: readonly string[] = (
  tableDefinition('any').GlobalSecondaryIndexes ?? []
).flatMap((g) => (g.IndexName === undefined ? [] : [g.IndexName]));

/** ARNs a grant covers: the table and each of its GSIs by name. */
function tableResources(table: ITable): string[] {
  return [table.tableArn, ...TABLE_INDEX_NAMES.map((name) => `${table.tableArn}/index/${name}`)];
}

/**
 * Adds one statement to `grantee`'s policy: {@link TABLE_READ_ACTIONS} (and {@link TABLE_WRITE_ACTIONS}
 * when `access` is `readWrite`) on the table and its named GSIs. Used instead of
 * `Table.grantReadData`/`grantReadWriteData`, whose `index/*` resource and Scan are wider than needed.
 */
export function grantTableAccess(grantee: IGrantable, table: ITable, access: 'read' | 'readWrite'): void {
  const actions = access === 'read' ? TABLE_READ_ACTIONS : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS];
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      sid: access === 'read' ? 'TableRead' : 'TableReadWrite',
      actions: [...actions],
      resources: tableResources(table),
    }),
  );
}
