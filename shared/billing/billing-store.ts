import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ITEM_ABSENT, putIfAbsent as putItemIfAbsent } from '../platform/aws/conditional-writes';
import { decodeCursor, encodeCursor, isConditionalCheckFailed } from '../platform/aws/pagination';
import type { AuditEntry } from './audit';
import type { BillingRecord } from './billing-record';

/**
 * DynamoDB persistence for billing. Every write is a single-item conditional write, so a retry after
 * a crash converges without transactions:
 * - the billing record is written only if its revision is still the one the decision was made on;
 * - audit entries and customer→org mappings are written only if absent (their keys are
 *   deterministic, so a duplicate event finds its entry already there).
 *
 * Layout (table `billing`): `ORG#<org>`/`BILLING` the record, `ORG#<org>`/`AUDIT#<at>#<event>` the
 * audit log (newest first by sort key), `CUSTOMER#<cus>`/`ORG` the customer→org mapping.
 */

export interface BillingStore {
  getRecord(orgId: string): Promise<BillingRecord | undefined>;
  /** Writes `record` if the stored revision is still `expectedRevision` (0: no record yet). */
  putRecord(record: BillingRecord, expectedRevision: number): Promise<'written' | 'conflict'>;
  getCustomerOrg(customerId: string): Promise<string | undefined>;
  /** Maps a customer to an org; a customer keeps the first org it was mapped to, which is returned. */
  mapCustomerToOrg(customerId: string, orgId: string): Promise<string>;
  putAuditEntry(entry: AuditEntry): Promise<'written' | 'exists'>;
  listAudit(
    orgId: string,
    options: { limit: number; cursor?: string },
  ): Promise<{ items: AuditEntry[]; nextCursor: string | null }>;
}

const orgKey = (orgId: string): string => `ORG#${orgId}`;
const RECORD_SORT_KEY = 'BILLING';
const AUDIT_PREFIX = 'AUDIT#';

export function createBillingStore(documents: DynamoDBDocumentClient, tableName: string): BillingStore {
  const putIfAbsent = (item: Record<string, unknown>) => putItemIfAbsent(documents, tableName, item);

  async function getCustomerOrg(customerId: string): Promise<string | undefined> {
    const result = await documents.send(
      new GetCommand({ TableName: tableName, Key: { pk: `CUSTOMER#${customerId}`, sk: 'ORG' }, ConsistentRead: true }),
    );
    return typeof result.Item?.orgId === 'string' ? result.Item.orgId : undefined;
  }

  return {
    getCustomerOrg,

    async getRecord(orgId) {
      const result = await documents.send(
        new GetCommand({ TableName: tableName, Key: { pk: orgKey(orgId), sk: RECORD_SORT_KEY }, ConsistentRead: true }),
      );
      if (!result.Item) return undefined;
      const { pk: _pk, sk: _sk, ...record } = result.Item;
      return record as BillingRecord;
    },

    async putRecord(record, expectedRevision) {
      const firstWrite = expectedRevision === 0;
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: { pk: orgKey(record.orgId), sk: RECORD_SORT_KEY, ...record },
            ConditionExpression: firstWrite ? ITEM_ABSENT : 'revision = :expected',
            ExpressionAttributeValues: firstWrite ? undefined : { ':expected': expectedRevision },
          }),
        );
        return 'written';
      } catch (error) {
        if (isConditionalCheckFailed(error)) return 'conflict';
        throw error;
      }
    },

    async mapCustomerToOrg(customerId, orgId) {
      if (await putIfAbsent({ pk: `CUSTOMER#${customerId}`, sk: 'ORG', customerId, orgId })) return orgId;
      return (await getCustomerOrg(customerId)) ?? orgId;
    },

    async putAuditEntry(entry) {
      const written = await putIfAbsent({
        pk: orgKey(entry.orgId),
        sk: `${AUDIT_PREFIX}${entry.at}#${entry.eventId}`,
        ...entry,
      });
      return written ? 'written' : 'exists';
    },

    async listAudit(orgId, { limit, cursor }) {
      const pk = orgKey(orgId);
      const result = await documents.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
          ExpressionAttributeValues: { ':pk': pk, ':audit': AUDIT_PREFIX },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: decodeCursor(cursor, pk),
        }),
      );
      const items = (result.Items ?? []).map(
        ({ id, type, at, source, eventId, summary, orgId: entryOrg }) =>
          ({ id, orgId: entryOrg, type, at, source, eventId, summary }) as AuditEntry,
      );
      return { items, nextCursor: encodeCursor(result.LastEvaluatedKey as Record<string, string> | undefined) };
    },
  };
}
