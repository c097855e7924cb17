import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getItem, putItemIfAbsent, putItemIfVersion, queryPage, type TableContext } from '../platform/aws/table';
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

const customerKey = (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: 'ORG' });

export function createBillingStore(documents: DynamoDBDocumentClient, tableName: string): BillingStore {
  const table: TableContext = { documents, tableName };

  async function getCustomerOrg(customerId: string): Promise<string | undefined> {
    const mapping = await getItem<{ orgId?: unknown }>(table, customerKey(customerId));
    return typeof mapping?.orgId === 'string' ? mapping.orgId : undefined;
  }

  return {
    getCustomerOrg,
    getRecord: (orgId) => getItem<BillingRecord>(table, { pk: orgKey(orgId), sk: RECORD_SORT_KEY }),
    async putRecord(record, expectedRevision) {
      const item = { pk: orgKey(record.orgId), sk: RECORD_SORT_KEY, ...record };
      // Revision 0 is "no record yet".
      const written = await putItemIfVersion(
        table,
        item,
        'revision',
        expectedRevision === 0 ? undefined : expectedRevision,
      );
      return written ? 'written' : 'conflict';
    },
    async mapCustomerToOrg(customerId, orgId) {
      if (await putItemIfAbsent(table, { ...customerKey(customerId), customerId, orgId })) return orgId;
      return (await getCustomerOrg(customerId)) ?? orgId;
    },
    async putAuditEntry(entry) {
      const sk = `${AUDIT_PREFIX}${entry.at}#${entry.eventId}`;
      return (await putItemIfAbsent(table, { pk: orgKey(entry.orgId), sk, ...entry })) ? 'written' : 'exists';
    },
    listAudit(orgId, { limit, cursor }) {
      const pk = orgKey(orgId);
      // Stored as `{ pk, sk, ...entry }`: without its keys, an item is the entry.
      return queryPage<AuditEntry>(
        table,
        {
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
          ExpressionAttributeValues: { ':pk': pk, ':audit': AUDIT_PREFIX },
          ScanIndexForward: false,
        },
        { limit, cursor, partitionKey: pk },
      );
    },
  };
}
