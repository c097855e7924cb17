import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ItemGrant, TableSpec } from '../../shared/platform/topology';

/**
 * Turns a function's item-scoped grants on one table (topology `access.tables`) into IAM statements:
 * exactly the listed actions, on the table (or the one index named), and only on items whose partition
 * key starts with a listed prefix (`ForAllValues:StringLike` on `dynamodb:LeadingKeys`).
 *
 * `ForAllValues` holds vacuously for a request that carries no leading key, which is what Scan sends:
 * so a prefix condition cannot scope a Scan, and a grant may not mix Scan with keyed actions.
 */
export function itemGrantStatements(table: ITable, spec: TableSpec, grants: readonly ItemGrant[]): PolicyStatement[] {
  return grants.map((grant) => {
    checkGrant(spec, grant);
    const resource = grant.index ? `${table.tableArn}/index/${grant.index}` : table.tableArn;
    const scansOnly = grant.actions.every((action) => action === 'Scan');
    return new PolicyStatement({
      actions: grant.actions.map((action) => `dynamodb:${action}`),
      resources: [resource],
      ...(scansOnly
        ? {}
        : {
            conditions: {
              'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': grant.keyPrefixes.map((prefix) => `${prefix}*`) },
            },
          }),
    });
  });
}

function checkGrant(spec: TableSpec, grant: ItemGrant): void {
  const where = `${spec.id}${grant.index ? ` index ${grant.index}` : ''}`;
  if (grant.actions.length === 0) throw new Error(`${where}: a grant needs at least one action`);
  const scans = grant.actions.includes('Scan');
  if (scans && grant.actions.length > 1) {
    throw new Error(`${where}: Scan carries no partition key, so it cannot share a key-scoped grant; give it its own`);
  }
  if (!scans && grant.keyPrefixes.length === 0) {
    throw new Error(`${where}: list the partition-key prefixes the function touches (keyPrefixes)`);
  }
  if (grant.keyPrefixes.some((prefix) => prefix.length === 0 || /[*?]/.test(prefix))) {
    throw new Error(`${where}: key prefixes are literal, non-empty strings (no * or ?)`);
  }
  if (grant.index && !spec.indexes?.some((index) => index.name === grant.index)) {
    throw new Error(`${where}: the table has no such index`);
  }
  if (grant.index && grant.actions.some((action) => action !== 'Query' && action !== 'Scan')) {
    throw new Error(`${where}: an index is only queried or scanned`);
  }
}
