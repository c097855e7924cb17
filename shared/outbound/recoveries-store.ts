import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from '../platform/aws/pagination';
import { getItem, putItemIfAbsent, updateItem, type TableContext } from '../platform/aws/table';
import { deliveryKey, strip, type Delivery } from './messages-store';
import { ownerPartition, type Owner } from '../events/owner';
import { ITEM_PRESENT } from '../platform/aws/conditional-writes';

/**
 * What recoveries need from the webhooks table. A recovery itself is a durable job (recovery-job.ts,
 * in the jobs table); here are its attempt counters (`<owner>` / `RECOVERY#<id>`, kept under the
 * owner so another one cannot read them), which the delivery path adds to as each re-sent delivery's
 * manual attempt finishes, and the query of an endpoint's recoverable deliveries.
 */

export interface RecoveryCounts {
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
}

export interface RecoveriesStore {
  /** Creates the recovery's counters at zero (before anything is queued, so every attempt finds them). */
  createCounts(owner: Owner, recoveryId: string, expiresAt: number): Promise<void>;
  counts(owner: Owner, recoveryId: string): Promise<RecoveryCounts>;
  /** Counts one finished manual attempt of a recovery. */
  recordAttempt(owner: Owner, recoveryId: string, status: 'succeeded' | 'failed' | 'skipped'): Promise<void>;
  /**
   * The endpoint's deliveries created in [since, until] whose state is failed or skipped, oldest
   * first, at most `limit`; `continuation` resumes where an earlier call stopped.
   */
  recoverable(
    endpointId: string,
    window: { since: string; until: string; limit: number; continuation?: string },
  ): Promise<{ items: Delivery[]; continuation: string | null }>;
}

const keyOf = (owner: Owner, recoveryId: string) => ({ pk: ownerPartition(owner), sk: `RECOVERY#${recoveryId}` });
const deliveriesIndexKey = (endpointId: string) => `EP#${endpointId}#DELIVERIES`;

type RecoveryWindow = Parameters<RecoveriesStore['recoverable']>[1];

/** One query page of the endpoint's failed or skipped deliveries in the window, oldest first. */
function recoverablePage(
  table: TableContext,
  endpointId: string,
  window: RecoveryWindow,
  want: number,
  startKey?: object,
) {
  const gsiPk = deliveriesIndexKey(endpointId);
  return table.documents.send(
    new QueryCommand({
      TableName: table.tableName,
      IndexName: 'byEndpoint',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :since AND :until',
      FilterExpression: '#status IN (:failed, :skipped)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':pk': gsiPk,
        ':since': window.since,
        // The index's sort key is `<createdAt>#<messageId>`: '~' sorts after every id character.
        ':until': `${window.until}#~`,
        ':failed': 'failed',
        ':skipped': 'skipped',
      },
      ScanIndexForward: true,
      Limit: Math.min(1_000, Math.max(want, 1) * 4),
      ExclusiveStartKey: startKey as Record<string, unknown> | undefined,
    }),
  );
}

/** Where to resume after the last delivery taken, when a page held more than the limit. */
function continuationAfter(endpointId: string, last: Delivery): string | null {
  return encodeCursor({
    ...deliveryKey(last.messageId, endpointId),
    gsi1pk: deliveriesIndexKey(endpointId),
    gsi1sk: `${last.createdAt}#${last.messageId}`,
  });
}

async function recoverable(table: TableContext, endpointId: string, window: RecoveryWindow) {
  const items: Delivery[] = [];
  let startKey = decodeCursor(window.continuation, deliveriesIndexKey(endpointId), 'gsi1pk');
  do {
    const page = await recoverablePage(table, endpointId, window, window.limit - items.length, startKey);
    for (const item of page.Items ?? []) {
      if (items.length === window.limit) return { items, continuation: continuationAfter(endpointId, items.at(-1)!) };
      items.push(strip<Delivery>(item));
    }
    startKey = page.LastEvaluatedKey as Record<string, string> | undefined;
  } while (startKey && items.length < window.limit);
  return { items, continuation: startKey ? encodeCursor(startKey) : null };
}

async function counts(table: TableContext, owner: Owner, recoveryId: string): Promise<RecoveryCounts> {
  const item = await getItem<Record<string, unknown>>(table, keyOf(owner, recoveryId));
  const count = (field: string) => Number(item?.[field] ?? 0);
  return { succeeded: count('succeeded'), failed: count('failed'), skipped: count('skipped') };
}

export function createRecoveriesStore(documents: TableContext['documents'], tableName: string): RecoveriesStore {
  const table: TableContext = { documents, tableName };
  return {
    // Already there: a re-run of the job's first step.
    createCounts: async (owner, recoveryId, expiresAt) =>
      void (await putItemIfAbsent(table, {
        ...keyOf(owner, recoveryId),
        succeeded: 0,
        failed: 0,
        skipped: 0,
        expiresAt,
      })),
    counts: (owner, recoveryId) => counts(table, owner, recoveryId),
    async recordAttempt(owner, recoveryId, status) {
      const add = { expression: 'ADD #count :one', names: { '#count': status }, values: { ':one': 1 } };
      if (!(await updateItem(table, keyOf(owner, recoveryId), add, { expression: ITEM_PRESENT })))
        throw new Error(`Recovery ${recoveryId} has no counters`);
    },
    recoverable: (endpointId, window) => recoverable(table, endpointId, window),
  };
}
