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
  /** When a scheduled attempt last gave up on it (or it was skipped): a recovery after this may re-send it. */
  readonly failedAt?: string;
  /** The recovery that last re-sent it, and when (see markRecovered). */
  readonly recoveredBy?: string;
  readonly recoveredAt?: string;
}

/** A pending delivery the sweeper found overdue (from the `byDue` index). */
export interface DueDelivery {
  readonly messageId: string;
  readonly endpointId: string;
  readonly orgId: string;
  readonly merchantId?: string;
  readonly attempts: number;
  readonly dueAt: string;
  readonly correlationId?: string;
}

export type DeliveryChanges = Partial<
  Pick<Delivery, 'status' | 'attempts' | 'lastAttemptAt' | 'nextAttemptAt' | 'failedAt'>
>;

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
  /**
   * Applies the changes. A change of status also keeps the `byDue` index: a pending delivery is listed
   * under its next attempt's time, any other status leaves it.
   */
  updateDelivery(messageId: string, endpointId: string, changes: DeliveryChanges, at: string): Promise<void>;
  /**
   * Marks the delivery as re-sent by `recoveryId`, unless an earlier recovery re-sent it and no scheduled
   * attempt has failed since (then false: it must not be sent again). The same recovery may mark it
   * again (a page re-run after a crash).
   */
  markRecovered(messageId: string, endpointId: string, recoveryId: string, at: string): Promise<boolean>;
  /** Pending deliveries of one `byDue` shard whose next attempt was due before `before`, oldest first. */
  overdue(shard: number, before: string, limit: number): Promise<DueDelivery[]>;
  /**
   * Moves an overdue delivery's due time to `nextDueAt` if it is still due at `dueAt`: true for the one
   * sweeper that re-queues it, false when it moved on (attempted, or swept by another).
   */
  bumpDue(delivery: DueDelivery, nextDueAt: string): Promise<boolean>;
  /**
   * Takes attempt number N for one (message, endpoint): the first caller wins; a claim left
   * in progress since before `staleBefore` (a crashed delivery) may be taken over. Otherwise the
   * existing attempt is returned, so a redelivered task neither posts twice nor loses what follows.
   */
  claimAttempt(claim: Attempt, staleBefore: string): Promise<{ claimed: true } | { claimed: false; existing: Attempt }>;
  completeAttempt(attempt: Attempt, result: AttemptResult): Promise<void>;
  /** Scheduled attempt N of one delivery, if it was ever claimed. */
  getAttempt(messageId: string, endpointId: string, attempt: number): Promise<Attempt | undefined>;
  messageHistory(
    messageId: string,
  ): Promise<{ message: StoredMessage | undefined; deliveries: Delivery[]; attempts: Attempt[] }>;
  attemptsOfEndpoint(
    endpointId: string,
    options: { limit: number; cursor?: string; status?: string; eventType?: string },
  ): Promise<{ items: Attempt[]; nextCursor: string | null }>;
}

export const messageKey = (messageId: string) => `MSG#${messageId}`;
/**
 * The `byDue` index spreads pending deliveries over DUE_SHARDS partitions (a hash of message and
 * endpoint), so the index never concentrates every delivery's writes on one partition, and the sweeper
 * reads each shard with one Query of what is overdue — never a scan.
 */
export const DUE_SHARDS = 8;
export function dueShardOf(messageId: string, endpointId: string): number {
  let hash = 0;
  for (const char of `${messageId}#${endpointId}`) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % DUE_SHARDS;
}
const dueKeys = (messageId: string, endpointId: string, dueAt: string) => ({
  duePk: `DUE#${dueShardOf(messageId, endpointId)}`,
  dueSk: `${dueAt}#${messageId}#${endpointId}`,
});
const deliveryKey = (messageId: string, endpointId: string) => ({
  pk: messageKey(messageId),
  sk: `DELIVERY#${endpointId}`,
});
const attemptKey = (messageId: string, endpointId: string, attempt: number, manualId?: string) => ({
  pk: messageKey(messageId),
  sk: `ATTEMPT#${endpointId}#${manualId ? `M#${manualId}` : String(attempt).padStart(4, '0')}`,
});
const attemptsIndexKey = (endpointId: string) => `EP#${endpointId}#ATTEMPTS`;

export function strip<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, duePk: _duePk, dueSk: _dueSk, ...rest } = item;
  return rest as T;
}

export function createMessagesStore(documents: DynamoDBDocumentClient, tableName: string): MessagesStore {
  const putIfAbsent = (item: Record<string, unknown>) => putItemIfAbsent(documents, tableName, item);

  async function get<T>(key: Record<string, string>): Promise<T | undefined> {
    const result = await documents.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    return result.Item ? strip<T>(result.Item) : undefined;
  }

  async function update(key: Record<string, string>, fields: Record<string, unknown>, remove: string[] = []) {
    const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
    const removals = remove.map((_, index) => `#r${index}`);
    await documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression:
          `SET ${entries.map((_, index) => `#f${index} = :v${index}`).join(', ')}` +
          (removals.length ? ` REMOVE ${removals.join(', ')}` : ''),
        ExpressionAttributeNames: {
          ...Object.fromEntries(entries.map(([field], index) => [`#f${index}`, field])),
          ...Object.fromEntries(remove.map((field, index) => [`#r${index}`, field])),
        },
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], index) => [`:v${index}`, value])),
      }),
    );
  }
  const set = (key: Record<string, string>, fields: Record<string, unknown>) => update(key, fields);

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
        ...(delivery.status === 'pending' &&
          dueKeys(delivery.messageId, delivery.endpointId, delivery.nextAttemptAt ?? delivery.createdAt)),
        ...delivery,
      }),

    getDelivery: (messageId, endpointId) => get<Delivery>(deliveryKey(messageId, endpointId)),

    async updateDelivery(messageId, endpointId, changes, at) {
      const fields: Record<string, unknown> = { ...changes, updatedAt: at };
      const due = changes.status === 'pending' ? (changes.nextAttemptAt ?? at) : undefined;
      if (due !== undefined) Object.assign(fields, dueKeys(messageId, endpointId, due));
      const leavesDue = changes.status !== undefined && due === undefined;
      await update(deliveryKey(messageId, endpointId), fields, leavesDue ? ['duePk', 'dueSk'] : []);
    },

    async markRecovered(messageId, endpointId, recoveryId, at) {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: deliveryKey(messageId, endpointId),
            UpdateExpression: 'SET recoveredBy = :recovery, recoveredAt = :at',
            ConditionExpression:
              'attribute_exists(pk) AND (attribute_not_exists(recoveredAt) OR recoveredBy = ' +
              ':recovery OR failedAt > recoveredAt)',
            ExpressionAttributeValues: { ':recovery': recoveryId, ':at': at },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async overdue(shard, before, limit) {
      const result = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'byDue',
          KeyConditionExpression: 'duePk = :pk AND dueSk < :before',
          ExpressionAttributeValues: { ':pk': `DUE#${shard}`, ':before': before },
          ScanIndexForward: true,
          Limit: limit,
        }),
      );
      return (result.Items ?? []).map((item) => ({
        messageId: item.messageId as string,
        endpointId: item.endpointId as string,
        orgId: item.orgId as string,
        ...(item.merchantId !== undefined && { merchantId: item.merchantId as string }),
        attempts: Number(item.attempts ?? 0),
        dueAt: String(item.dueSk).split('#')[0]!,
      }));
    },

    async bumpDue(delivery, nextDueAt) {
      const current = dueKeys(delivery.messageId, delivery.endpointId, delivery.dueAt);
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: deliveryKey(delivery.messageId, delivery.endpointId),
            UpdateExpression: 'SET dueSk = :next',
            ConditionExpression: 'dueSk = :current AND #status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':next': dueKeys(delivery.messageId, delivery.endpointId, nextDueAt).dueSk,
              ':current': current.dueSk,
              ':pending': 'pending',
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

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

    getAttempt: (messageId, endpointId, attempt) => get<Attempt>(attemptKey(messageId, endpointId, attempt)),

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
