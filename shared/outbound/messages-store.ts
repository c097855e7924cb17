import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ITEM_ABSENT, putIfAbsent as putItemIfAbsent } from '../platform/aws/conditional-writes';
import { decodeCursor, encodeCursor, isConditionalCheckFailed } from '../platform/aws/pagination';

/**
 * Messages, their per-endpoint delivery state and every attempt, all under the message
 * (`MSG#<id>`): one query shows a message's whole story. The `byEndpoint` index gives each endpoint
 * its own views (`EP#<id>#ATTEMPTS`, `EP#<id>#DELIVERIES`), newest first.
 */

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'skipped';

export interface StoredMessage {
  readonly messageId: string;
  readonly orgId: string;
  /** Set when a merchant (federation) owns it; see owner.ts. */
  readonly merchantId?: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly occurredAt: string;
  /** The exact JSON body every endpoint receives; kept once per message. */
  readonly body: string;
  readonly correlationId: string;
  readonly createdAt: string;
  readonly fanout: 'pending' | 'complete';
  readonly expiresAt: number;
}

export interface Delivery {
  readonly messageId: string;
  readonly endpointId: string;
  readonly orgId: string;
  /** Set when a merchant (federation) owns it; see owner.ts. */
  readonly merchantId?: string;
  readonly eventType: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastAttemptAt: string | null;
  readonly nextAttemptAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly expiresAt: number;
}

export interface Attempt {
  readonly messageId: string;
  readonly endpointId: string;
  readonly orgId: string;
  /** Set when a merchant (federation) owns it; see owner.ts. */
  readonly merchantId?: string;
  readonly eventType: string;
  readonly attempt: number;
  readonly trigger: 'scheduled' | 'manual';
  /**
   * Set on manual attempts (resends, recoveries): their own claim key, so they never take a number
   * that a scheduled retry will claim, and repeating the same manual task still posts once.
   */
  readonly manualId?: string;
  readonly state: 'in_progress' | 'completed';
  readonly at: string;
  readonly url: string;
  readonly status: 'succeeded' | 'failed' | null;
  readonly statusCode: number | null;
  readonly errorKind: string | null;
  readonly errorMessage: string | null;
  readonly durationMs: number | null;
  readonly responseExcerpt: string | null;
  readonly nextAttemptAt: string | null;
  readonly expiresAt: number;
}

export type AttemptResult = Pick<
  Attempt,
  'status' | 'statusCode' | 'errorKind' | 'errorMessage' | 'durationMs' | 'responseExcerpt' | 'nextAttemptAt'
>;

export interface MessagesStore {
  /** Stores the message unless it exists; returns what is stored. */
  putMessage(message: StoredMessage): Promise<{ created: boolean; message: StoredMessage }>;
  getMessage(messageId: string): Promise<StoredMessage | undefined>;
  markFanoutComplete(messageId: string): Promise<void>;
  putDeliveryIfAbsent(delivery: Delivery): Promise<boolean>;
  getDelivery(messageId: string, endpointId: string): Promise<Delivery | undefined>;
  updateDelivery(
    messageId: string,
    endpointId: string,
    changes: Partial<Pick<Delivery, 'status' | 'attempts' | 'lastAttemptAt' | 'nextAttemptAt'>>,
    at: string,
  ): Promise<void>;
  /**
   * Takes attempt number N for one (message, endpoint): the first caller wins; a claim left
   * in progress since before `staleBefore` (a crashed delivery) may be taken over. Otherwise the
   * existing attempt is returned, so a redelivered task neither posts twice nor loses what follows.
   */
  claimAttempt(claim: Attempt, staleBefore: string): Promise<{ claimed: true } | { claimed: false; existing: Attempt }>;
  completeAttempt(attempt: Attempt, result: AttemptResult): Promise<void>;
  messageHistory(
    messageId: string,
  ): Promise<{ message: StoredMessage | undefined; deliveries: Delivery[]; attempts: Attempt[] }>;
  attemptsOfEndpoint(
    endpointId: string,
    options: { limit: number; cursor?: string; status?: string; eventType?: string },
  ): Promise<{ items: Attempt[]; nextCursor: string | null }>;
}

const messageKey = (messageId: string) => `MSG#${messageId}`;
const deliveryKey = (messageId: string, endpointId: string) => ({
  pk: messageKey(messageId),
  sk: `DELIVERY#${endpointId}`,
});
const attemptKey = (messageId: string, endpointId: string, attempt: number, manualId?: string) => ({
  pk: messageKey(messageId),
  sk: `ATTEMPT#${endpointId}#${manualId ? `M#${manualId}` : String(attempt).padStart(4, '0')}`,
});
const attemptsIndexKey = (endpointId: string) => `EP#${endpointId}#ATTEMPTS`;

function strip<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, ...rest } = item;
  return rest as T;
}

export function createMessagesStore(documents: DynamoDBDocumentClient, tableName: string): MessagesStore {
  const putIfAbsent = (item: Record<string, unknown>) => putItemIfAbsent(documents, tableName, item);

  async function get<T>(key: Record<string, string>): Promise<T | undefined> {
    const result = await documents.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    return result.Item ? strip<T>(result.Item) : undefined;
  }

  async function set(key: Record<string, string>, fields: Record<string, unknown>): Promise<void> {
    const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
    await documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: `SET ${entries.map((_, index) => `#f${index} = :v${index}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map(([field], index) => [`#f${index}`, field])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], index) => [`:v${index}`, value])),
      }),
    );
  }

  return {
    async putMessage(message) {
      if (await putIfAbsent({ pk: messageKey(message.messageId), sk: 'MESSAGE', ...message }))
        return { created: true, message };
      const existing = await get<StoredMessage>({ pk: messageKey(message.messageId), sk: 'MESSAGE' });
      return { created: false, message: existing ?? message };
    },

    getMessage: (messageId) => get<StoredMessage>({ pk: messageKey(messageId), sk: 'MESSAGE' }),

    markFanoutComplete: (messageId) => set({ pk: messageKey(messageId), sk: 'MESSAGE' }, { fanout: 'complete' }),

    putDeliveryIfAbsent: (delivery) =>
      putIfAbsent({
        ...deliveryKey(delivery.messageId, delivery.endpointId),
        gsi1pk: `EP#${delivery.endpointId}#DELIVERIES`,
        gsi1sk: `${delivery.createdAt}#${delivery.messageId}`,
        ...delivery,
      }),

    getDelivery: (messageId, endpointId) => get<Delivery>(deliveryKey(messageId, endpointId)),

    updateDelivery: (messageId, endpointId, changes, at) =>
      set(deliveryKey(messageId, endpointId), { ...changes, updatedAt: at }),

    async claimAttempt(claim, staleBefore) {
      const key = attemptKey(claim.messageId, claim.endpointId, claim.attempt, claim.manualId);
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...key,
              gsi1pk: attemptsIndexKey(claim.endpointId),
              gsi1sk: `${claim.at}#${claim.messageId}#${claim.manualId ?? claim.attempt}`,
              ...claim,
            },
            ConditionExpression: `${ITEM_ABSENT} OR (#state = :inProgress AND #at < :staleBefore)`,
            ExpressionAttributeNames: { '#state': 'state', '#at': 'at' },
            ExpressionAttributeValues: { ':inProgress': 'in_progress', ':staleBefore': staleBefore },
          }),
        );
        return { claimed: true };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        const existing = await get<Attempt>(key);
        if (!existing) throw error;
        return { claimed: false, existing };
      }
    },

    completeAttempt: (attempt, result) =>
      set(attemptKey(attempt.messageId, attempt.endpointId, attempt.attempt, attempt.manualId), {
        ...result,
        state: 'completed',
      }),

    async messageHistory(messageId) {
      const items: Record<string, unknown>[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': messageKey(messageId) },
            ExclusiveStartKey: startKey,
          }),
        );
        items.push(...(page.Items ?? []));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      const ofKind = (prefix: string) => items.filter((item) => String(item.sk).startsWith(prefix));
      const [message] = ofKind('MESSAGE').map((item) => strip<StoredMessage>(item));
      return {
        message,
        deliveries: ofKind('DELIVERY#').map((item) => strip<Delivery>(item)),
        attempts: ofKind('ATTEMPT#').map((item) => strip<Attempt>(item)),
      };
    },

    async attemptsOfEndpoint(endpointId, { limit, cursor, status, eventType }) {
      const gsiPk = attemptsIndexKey(endpointId);
      const filters = [status && '#status = :status', eventType && 'eventType = :eventType'].filter(Boolean);
      const result = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'byEndpoint',
          KeyConditionExpression: 'gsi1pk = :pk',
          ...(filters.length > 0 && { FilterExpression: filters.join(' AND ') }),
          ...(status && { ExpressionAttributeNames: { '#status': 'status' } }),
          ExpressionAttributeValues: {
            ':pk': gsiPk,
            ...(status && { ':status': status }),
            ...(eventType && { ':eventType': eventType }),
          },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: decodeCursor(cursor, gsiPk, 'gsi1pk'),
        }),
      );
      return {
        items: (result.Items ?? []).map((item) => strip<Attempt>(item)),
        nextCursor: encodeCursor(result.LastEvaluatedKey as Record<string, string> | undefined),
      };
    },
  };
}
