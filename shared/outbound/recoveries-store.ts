import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor, isConditionalCheckFailed } from '../platform/aws/pagination';
import type { Delivery } from './messages-store';
import { ownerPartition, type Owner } from '../events/owner';
import { ITEM_ABSENT, ITEM_PRESENT } from '../platform/aws/conditional-writes';

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

export function createRecoveriesStore(documents: DynamoDBDocumentClient, tableName: string): RecoveriesStore {
  return {
    async createCounts(owner, recoveryId, expiresAt) {
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keyOf(owner, recoveryId), succeeded: 0, failed: 0, skipped: 0, expiresAt },
            ConditionExpression: ITEM_ABSENT,
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    },

    async counts(owner, recoveryId) {
      const result = await documents.send(
        new GetCommand({ TableName: tableName, Key: keyOf(owner, recoveryId), ConsistentRead: true }),
      );
      const count = (field: string) => Number(result.Item?.[field] ?? 0);
      return { succeeded: count('succeeded'), failed: count('failed'), skipped: count('skipped') };
    },

    async recordAttempt(owner, recoveryId, status) {
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(owner, recoveryId),
          UpdateExpression: 'ADD #count :one',
          ConditionExpression: ITEM_PRESENT,
          ExpressionAttributeNames: { '#count': status },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
    },

    async recoverable(endpointId, { since, until, limit, continuation }) {
      const gsiPk = deliveriesIndexKey(endpointId);
      const items: Delivery[] = [];
      let startKey: Record<string, unknown> | undefined = decodeCursor(continuation, gsiPk, 'gsi1pk');
      // The index's sort key is `<createdAt>#<messageId>`: '~' sorts after every id character.
      do {
        const page = await documents.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'byEndpoint',
            KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :since AND :until',
            FilterExpression: '#status IN (:failed, :skipped)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':pk': gsiPk,
              ':since': since,
              ':until': `${until}#~`,
              ':failed': 'failed',
              ':skipped': 'skipped',
            },
            ScanIndexForward: true,
            Limit: Math.min(1_000, Math.max(limit - items.length, 1) * 4),
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          if (items.length === limit) {
            // Stopped inside a page: resume right after the last item taken.
            const last = items[items.length - 1]!;
            return {
              items,
              continuation: encodeCursor({
                pk: `MSG#${last.messageId}`,
                sk: `DELIVERY#${endpointId}`,
                gsi1pk: gsiPk,
                gsi1sk: `${last.createdAt}#${last.messageId}`,
              }),
            };
          }
          const {
            pk: _pk,
            sk: _sk,
            gsi1pk: _gsi1pk,
            gsi1sk: _gsi1sk,
            duePk: _duePk,
            dueSk: _dueSk,
            ...delivery
          } = item;
          items.push(delivery as Delivery);
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey && items.length < limit);
      return { items, continuation: startKey ? encodeCursor(startKey as Record<string, string>) : null };
    },
  };
}
