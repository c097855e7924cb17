import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ITEM_ABSENT } from '../platform/aws/conditional-writes';
import { decodeCursor, encodeCursor } from '../platform/aws/pagination';
import {
  getItem,
  putItem,
  putItemIfAbsent,
  queryAll,
  setFields,
  updateItem,
  type ItemKey,
  type TableContext,
} from '../platform/aws/table';
import { setAndRemove } from './item-updates';

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
export const deliveryKey = (messageId: string, endpointId: string) => ({
  pk: messageKey(messageId),
  sk: `DELIVERY#${endpointId}`,
});
const messageItemKey = (messageId: string) => ({ pk: messageKey(messageId), sk: 'MESSAGE' });
const attemptKey = (messageId: string, endpointId: string, attempt: number, manualId?: string) => ({
  pk: messageKey(messageId),
  sk: `ATTEMPT#${endpointId}#${manualId ? `M#${manualId}` : String(attempt).padStart(4, '0')}`,
});
const attemptsIndexKey = (endpointId: string) => `EP#${endpointId}#ATTEMPTS`;

export function strip<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, duePk: _duePk, dueSk: _dueSk, ...rest } = item;
  return rest as T;
}

/** The stored item of an attempt (its claim, or with its result the completed attempt), index keys included. */
export function attemptItem(attempt: Attempt): Record<string, unknown> {
  return {
    ...attemptKey(attempt.messageId, attempt.endpointId, attempt.attempt, attempt.manualId),
    gsi1pk: attemptsIndexKey(attempt.endpointId),
    gsi1sk: `${attempt.at}#${attempt.messageId}#${attempt.manualId ?? attempt.attempt}`,
    ...attempt,
  };
}

/**
 * What a change of a delivery sets and removes: a change of status also keeps the `byDue` index (a
 * pending delivery is listed under its next attempt's time, any other status leaves it).
 */
export function deliveryChangeFields(
  messageId: string,
  endpointId: string,
  changes: DeliveryChanges,
  at: string,
): { readonly set: Record<string, unknown>; readonly remove: readonly string[] } {
  const set: Record<string, unknown> = { ...changes, updatedAt: at };
  const due = changes.status === 'pending' ? (changes.nextAttemptAt ?? at) : undefined;
  if (due !== undefined) Object.assign(set, dueKeys(messageId, endpointId, due));
  const leavesDue = changes.status !== undefined && due === undefined;
  return { set, remove: leavesDue ? ['duePk', 'dueSk'] : [] };
}

/** A stored delivery item with the changes applied (pure): what a whole-item write of it stores. */
export function changedDeliveryItem(
  item: Record<string, unknown>,
  changes: DeliveryChanges,
  at: string,
): Record<string, unknown> {
  const { set, remove } = deliveryChangeFields(String(item.messageId), String(item.endpointId), changes, at);
  const changed: Record<string, unknown> = { ...item };
  for (const [field, value] of Object.entries(set)) if (value !== undefined) changed[field] = value;
  for (const field of remove) delete changed[field];
  return changed;
}

async function putMessage(table: TableContext, message: StoredMessage) {
  if (await putItemIfAbsent(table, { ...messageItemKey(message.messageId), ...message }))
    return { created: true, message };
  const existing = await getMessage(table, message.messageId);
  return { created: false, message: existing ?? message };
}

async function getMessage(table: TableContext, messageId: string): Promise<StoredMessage | undefined> {
  const item = await getItem<Record<string, unknown>>(table, messageItemKey(messageId));
  return item && strip<StoredMessage>(item);
}

async function markFanoutComplete(table: TableContext, messageId: string): Promise<void> {
  await updateItem(table, messageItemKey(messageId), setFields({ fanout: 'complete' }));
}

function putDeliveryIfAbsent(table: TableContext, delivery: Delivery): Promise<boolean> {
  return putItemIfAbsent(table, {
    ...deliveryKey(delivery.messageId, delivery.endpointId),
    gsi1pk: `EP#${delivery.endpointId}#DELIVERIES`,
    gsi1sk: `${delivery.createdAt}#${delivery.messageId}`,
    ...(delivery.status === 'pending' &&
      dueKeys(delivery.messageId, delivery.endpointId, delivery.nextAttemptAt ?? delivery.createdAt)),
    ...delivery,
  });
}

async function getDelivery(table: TableContext, messageId: string, endpointId: string) {
  const item = await getItem<Record<string, unknown>>(table, deliveryKey(messageId, endpointId));
  return item && strip<Delivery>(item);
}

async function updateDelivery(
  table: TableContext,
  messageId: string,
  endpointId: string,
  changes: DeliveryChanges,
  at: string,
): Promise<void> {
  const { set, remove } = deliveryChangeFields(messageId, endpointId, changes, at);
  await updateItem(table, deliveryKey(messageId, endpointId), setAndRemove(set, remove));
}

function markRecovered(table: TableContext, messageId: string, endpointId: string, recoveryId: string, at: string) {
  return updateItem(
    table,
    deliveryKey(messageId, endpointId),
    { expression: 'SET recoveredBy = :recovery, recoveredAt = :at', values: { ':recovery': recoveryId, ':at': at } },
    {
      expression:
        'attribute_exists(pk) AND ' +
        '(attribute_not_exists(recoveredAt) OR recoveredBy = :recovery OR failedAt > recoveredAt)',
    },
  );
}

async function overdue(table: TableContext, shard: number, before: string, limit: number): Promise<DueDelivery[]> {
  const result = await table.documents.send(
    new QueryCommand({
      TableName: table.tableName,
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
}

function bumpDue(table: TableContext, delivery: DueDelivery, nextDueAt: string): Promise<boolean> {
  return updateItem(
    table,
    deliveryKey(delivery.messageId, delivery.endpointId),
    {
      expression: 'SET dueSk = :next',
      values: { ':next': dueKeys(delivery.messageId, delivery.endpointId, nextDueAt).dueSk },
    },
    {
      expression: 'dueSk = :current AND #status = :pending',
      names: { '#status': 'status' },
      values: {
        ':current': dueKeys(delivery.messageId, delivery.endpointId, delivery.dueAt).dueSk,
        ':pending': 'pending',
      },
    },
  );
}

async function claimAttempt(
  table: TableContext,
  claim: Attempt,
  staleBefore: string,
): Promise<{ claimed: true } | { claimed: false; existing: Attempt }> {
  const claimed = await putItem(table, attemptItem(claim), {
    expression: `${ITEM_ABSENT} OR (#state = :inProgress AND #at < :staleBefore)`,
    names: { '#state': 'state', '#at': 'at' },
    values: { ':inProgress': 'in_progress', ':staleBefore': staleBefore },
  });
  if (claimed) return { claimed: true };
  const existing = await getAttemptItem(
    table,
    attemptKey(claim.messageId, claim.endpointId, claim.attempt, claim.manualId),
  );
  if (!existing) throw new Error(`Attempt ${claim.attempt} of ${claim.messageId} was claimed and is gone`);
  return { claimed: false, existing };
}

async function getAttemptItem(table: TableContext, key: ItemKey): Promise<Attempt | undefined> {
  const item = await getItem<Record<string, unknown>>(table, key);
  return item && strip<Attempt>(item);
}

async function completeAttempt(table: TableContext, attempt: Attempt, result: AttemptResult): Promise<void> {
  const key = attemptKey(attempt.messageId, attempt.endpointId, attempt.attempt, attempt.manualId);
  await updateItem(table, key, setFields({ ...result, state: 'completed' }));
}

async function messageHistory(table: TableContext, messageId: string) {
  const items = await queryAll(table, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': messageKey(messageId) },
  });
  const ofKind = (prefix: string) => items.filter((item) => String(item.sk).startsWith(prefix));
  const [message] = ofKind('MESSAGE').map((item) => strip<StoredMessage>(item));
  return {
    message,
    deliveries: ofKind('DELIVERY#').map((item) => strip<Delivery>(item)),
    attempts: ofKind('ATTEMPT#').map((item) => strip<Attempt>(item)),
  };
}

type AttemptsQuery = Parameters<MessagesStore['attemptsOfEndpoint']>[1];

async function attemptsOfEndpoint(table: TableContext, endpointId: string, query: AttemptsQuery) {
  const { limit, cursor, status, eventType } = query;
  const gsiPk = attemptsIndexKey(endpointId);
  const filters = [status && '#status = :status', eventType && 'eventType = :eventType'].filter(Boolean);
  const result = await table.documents.send(
    new QueryCommand({
      TableName: table.tableName,
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
}

export function createMessagesStore(documents: TableContext['documents'], tableName: string): MessagesStore {
  const table: TableContext = { documents, tableName };
  return {
    putMessage: (message) => putMessage(table, message),
    getMessage: (messageId) => getMessage(table, messageId),
    markFanoutComplete: (messageId) => markFanoutComplete(table, messageId),
    putDeliveryIfAbsent: (delivery) => putDeliveryIfAbsent(table, delivery),
    getDelivery: (messageId, endpointId) => getDelivery(table, messageId, endpointId),
    updateDelivery: (messageId, endpointId, changes, at) => updateDelivery(table, messageId, endpointId, changes, at),
    markRecovered: (messageId, endpointId, recoveryId, at) =>
      markRecovered(table, messageId, endpointId, recoveryId, at),
    overdue: (shard, before, limit) => overdue(table, shard, before, limit),
    bumpDue: (delivery, nextDueAt) => bumpDue(table, delivery, nextDueAt),
    claimAttempt: (claim, staleBefore) => claimAttempt(table, claim, staleBefore),
    completeAttempt: (attempt, result) => completeAttempt(table, attempt, result),
    getAttempt: (messageId, endpointId, attempt) => getAttemptItem(table, attemptKey(messageId, endpointId, attempt)),
    messageHistory: (messageId) => messageHistory(table, messageId),
    attemptsOfEndpoint: (endpointId, query) => attemptsOfEndpoint(table, endpointId, query),
  };
}
