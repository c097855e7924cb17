import { App, Stack } from 'aws-cdk-lib';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { describe, expect, it } from 'vitest';
import { itemGrantStatements } from '../../infra/access/item-grants';
import { TABLES } from '../../shared/platform/topology';

/** The rules topology grants must follow before they become IAM statements. */

const stack = new Stack(new App(), 'GrantsTest');
const table = new Table(stack, 'Webhooks', {
  partitionKey: { name: 'pk', type: AttributeType.STRING },
  sortKey: { name: 'sk', type: AttributeType.STRING },
});
const resolve = (value: unknown) => stack.resolve(value) as Record<string, unknown>;

describe('itemGrantStatements', () => {
  it('scopes keyed actions with ForAllValues:StringLike on dynamodb:LeadingKeys', () => {
    const [statement] = itemGrantStatements(table, TABLES.webhooks, [
      { actions: ['GetItem', 'PutItem'], keyPrefixes: ['ORG#', 'MSG#'] },
    ]);
    expect(resolve(statement?.toStatementJson())).toMatchObject({
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ORG#*', 'MSG#*'] } },
    });
  });

  it('puts an index grant on that index only', () => {
    const [statement] = itemGrantStatements(table, TABLES.webhooks, [
      { actions: ['Query'], keyPrefixes: ['EP#'], index: 'byEndpoint' },
    ]);
    expect(JSON.stringify(resolve(statement?.toStatementJson()).Resource)).toContain('/index/byEndpoint');
  });

  it('refuses grants IAM could not scope or that name what does not exist', () => {
    const grant = (g: Parameters<typeof itemGrantStatements>[2][number]) => () =>
      itemGrantStatements(table, TABLES.webhooks, [g]);
    expect(grant({ actions: ['Scan', 'GetItem'], keyPrefixes: ['ORG#'] })).toThrow(/Scan carries no partition key/);
    expect(grant({ actions: ['GetItem'], keyPrefixes: [] })).toThrow(/keyPrefixes/);
    expect(grant({ actions: ['GetItem'], keyPrefixes: ['ORG#*'] })).toThrow(/literal/);
    expect(grant({ actions: [], keyPrefixes: ['ORG#'] })).toThrow(/at least one action/);
    expect(grant({ actions: ['Query'], keyPrefixes: ['EP#'], index: 'nope' })).toThrow(/no such index/);
    expect(grant({ actions: ['PutItem'], keyPrefixes: ['EP#'], index: 'byEndpoint' })).toThrow(/only queried/);
  });

  it('leaves a Scan-only grant unconditioned, since LeadingKeys cannot scope it', () => {
    const [statement] = itemGrantStatements(table, TABLES.webhooks, [{ actions: ['Scan'], keyPrefixes: [] }]);
    expect(resolve(statement?.toStatementJson()).Condition).toBeUndefined();
  });
});
