import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from '../platform/aws/pagination';
import type { Delivery } from './messages-store';
import { ownerOf, ownerPartition, type Owner } from '../events/owner';
import { ITEM_PRESENT } from '../platform/aws/conditional-writes';

/**
 * Recoveries: re-delivering an endpoint's failed and skipped messages of a time window. Each one is
 * kept under its organisation (`ORG#<org>` / `RECOVERY#<id>`), so another organisation cannot read it,
 * with how many deliveries it queued and how many of those have been attempted since (counted by the
 * delivery path as each manual attempt completes).
 */

export interface Recovery {
  readonly recoveryId: string;
  readonly orgId: string;
  /** Set on a merchant's recovery; see owner.ts. */
  readonly merchantId?: string;
  readonly endpointId: string;
  readonly since: string;
  readonly until: string;
  readonly createdAt: string;
  /** Deliveries queued by this call. */
  readonly queued: number;
  /** Set when the window held more than one call may queue: pass it to the next call. */
  readonly continuation: string | null;
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  readonly expiresAt: number;
}

export interface RecoveriesStore {
  put(recovery: Recovery): Promise<void>;
  get(owner: Owner, recoveryId: string): Promise<Recovery | undefined>;
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
    async put(recovery) {
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keyOf(ownerOf(recovery), recovery.recoveryId), ...recovery },
        }),
      );
    },

    async get(owner, recoveryId) {
      const result = await documents.send(
        new GetCommand({ TableName: tableName, Key: keyOf(owner, recoveryId), ConsistentRead: true }),
      );
      if (!result.Item) return undefined;
      const { pk: _pk, sk: _sk, ...recovery } = result.Item;
      return recovery as Recovery;
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
          const { pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, ...delivery } = item;
          items.push(delivery as Delivery);
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey && items.length < limit);
      return { items, continuation: startKey ? encodeCursor(startKey as Record<string, string>) : null };
    },
  };
}
