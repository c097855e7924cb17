import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ITEM_ABSENT, putWhen, queryAllItems } from './conditional-writes';
import { InvalidPayloadError } from '../errors';
import { decodeCursor, encodeCursor, isConditionalCheckFailed, type DynamoKey } from './pagination';

/**
 * The item operations every store performs, over one table. A store keeps its own key layout and
 * item shapes; these helpers own the command plumbing: consistent reads (one item or a batch of keys),
 * conditional writes that answer false instead of throwing, cursor pages whose cursors cannot leave
 * their partition.
 */

/** The table a store works on. */
export interface TableContext {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** An item's primary key (`{ pk, sk }` on every table here). */
export type ItemKey = Record<string, string>;

/** A condition or update expression with the placeholders it uses. */
export interface Expression {
  readonly expression: string;
  readonly names?: Record<string, string>;
  readonly values?: Record<string, unknown>;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** A query without the parts the page helpers set themselves. */
export type TableQuery = Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>;

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string | undefined;
  /** The partition the query reads: a cursor minted for any other partition is refused. */
  readonly partitionKey: string;
  /** The attribute holding that partition key (`gsi1pk` for an index query); `pk` by default. */
  readonly keyAttribute?: string;
  /** Refuses a cursor whose `sk` lies outside this sort-key range (a `begins_with` query). */
  readonly sortKeyPrefix?: string;
  /** Queries to fill one page when a filter drops items; 1 by default. */
  readonly maxQueries?: number;
}

/** An item's or key's identity as one string, `pk|sk`: how batch reads and writes match items to keys. */
export const itemKeyId = (item: Record<string, unknown>): string => `${String(item.pk)}|${String(item.sk)}`;

/** BatchGetItem may hand back keys it did not get to under load; they are asked for again, a few times. */
const MAX_GET_ROUNDS = 5;
/** BatchGetItem's limit on keys per request. */
const KEYS_PER_REQUEST = 100;

/** Reads every key (duplicates once), strongly consistent, by BatchGetItem; items by `pk|sk`. */
export async function batchGetItems(
  table: TableContext,
  keys: readonly ItemKey[],
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  const unique = [...new Map(keys.map((key) => [itemKeyId(key), key])).values()];
  for (let start = 0; start < unique.length; start += KEYS_PER_REQUEST) {
    let wanted: Record<string, unknown>[] = unique.slice(start, start + KEYS_PER_REQUEST);
    for (let round = 0; wanted.length > 0; round++) {
      if (round === MAX_GET_ROUNDS) throw new Error('DynamoDB left keys unprocessed; the task will be retried');
      const result = await table.documents.send(
        new BatchGetCommand({ RequestItems: { [table.tableName]: { Keys: wanted, ConsistentRead: true } } }),
      );
      for (const item of result.Responses?.[table.tableName] ?? []) found.set(itemKeyId(item), item);
      wanted = result.UnprocessedKeys?.[table.tableName]?.Keys ?? [];
    }
  }
  return found;
}

/** The item as the store's type: its `pk` and `sk` left out. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
}

/** True when the write went through, false when its condition did not hold; other failures throw. */
export async function conditionHeld(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** Reads one item, consistently unless told otherwise (stores decide on what they just wrote). */
export async function getItem<T>(
  table: TableContext,
  key: ItemKey,
  options: { readonly consistent?: boolean } = {},
): Promise<T | undefined> {
  const result = await table.documents.send(
    new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: options.consistent ?? true }),
  );
  return result.Item ? withoutKeys<T>(result.Item) : undefined;
}

/** Writes the item; with a condition, only if it holds for what is stored (false when it does not). */
export async function putItem(
  table: TableContext,
  item: Record<string, unknown>,
  condition?: Expression,
): Promise<boolean> {
  if (condition) return putWhen(table.documents, table.tableName, item, condition);
  await table.documents.send(new PutCommand({ TableName: table.tableName, Item: item }));
  return true;
}

/** Writes the item only if nothing has its key: with deterministic keys, the idempotency check. */
export function putItemIfAbsent(table: TableContext, item: Record<string, unknown>): Promise<boolean> {
  return putWhen(table.documents, table.tableName, item, { expression: ITEM_ABSENT });
}

/**
 * Optimistic concurrency: writes the item only if the stored `attribute` still equals `expected`, or,
 * when `expected` is undefined, only if nothing is stored yet. False means "read again and decide again".
 */
export function putItemIfVersion(
  table: TableContext,
  item: Record<string, unknown>,
  attribute: string,
  expected: unknown,
): Promise<boolean> {
  return putWhen(
    table.documents,
    table.tableName,
    item,
    expected === undefined
      ? { expression: ITEM_ABSENT }
      : { expression: '#version = :expected', names: { '#version': attribute }, values: { ':expected': expected } },
  );
}

/** The `SET` expression writing each defined field (undefined ones are left as stored). */
export function setFields(fields: Record<string, unknown>): Expression {
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
  return {
    expression: `SET ${entries.map((_, index) => `#f${index} = :f${index}`).join(', ')}`,
    names: Object.fromEntries(entries.map(([name], index) => [`#f${index}`, name])),
    values: Object.fromEntries(entries.map(([, value], index) => [`:f${index}`, value])),
  };
}

/** Applies an update; with a condition, only if it holds (false when it does not). */
export function updateItem(
  table: TableContext,
  key: ItemKey,
  update: Expression,
  condition?: Expression,
): Promise<boolean> {
  const names = { ...update.names, ...condition?.names };
  const values = { ...update.values, ...condition?.values };
  return conditionHeld(
    table.documents.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: key,
        UpdateExpression: update.expression,
        ...(condition && { ConditionExpression: condition.expression }),
        ...(Object.keys(names).length > 0 && { ExpressionAttributeNames: names }),
        ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }),
      }),
    ),
  );
}

/** Deletes the item; with a condition, only if it holds (false when it does not). */
export function deleteItem(table: TableContext, key: ItemKey, condition?: Expression): Promise<boolean> {
  return conditionHeld(
    table.documents.send(
      new DeleteCommand({
        TableName: table.tableName,
        Key: key,
        ...(condition && { ConditionExpression: condition.expression }),
        ...(condition?.names && { ExpressionAttributeNames: condition.names }),
        ...(condition?.values && { ExpressionAttributeValues: condition.values }),
      }),
    ),
  );
}

/** Deletes the item and answers what was stored (undefined when nothing was). */
export async function deleteItemReturningOld<T>(table: TableContext, key: ItemKey): Promise<T | undefined> {
  const result = await table.documents.send(
    new DeleteCommand({ TableName: table.tableName, Key: key, ReturnValues: 'ALL_OLD' }),
  );
  return result.Attributes ? withoutKeys<T>(result.Attributes) : undefined;
}

/** Every item the query matches, keys included, page after page (for partitions known to stay small). */
export function queryAll(table: TableContext, query: TableQuery): Promise<Record<string, unknown>[]> {
  return queryAllItems(table.documents, { ...query, TableName: table.tableName });
}

/** One page of a query, resumed from an opaque cursor, its items without `pk` and `sk`. */
export async function queryPage<T>(table: TableContext, query: TableQuery, page: PageRequest): Promise<Page<T>> {
  const items: T[] = [];
  let startKey = pageStart(page);
  for (let queries = 0; queries < (page.maxQueries ?? 1); queries++) {
    const result = await table.documents.send(
      new QueryCommand({
        ...query,
        TableName: table.tableName,
        Limit: page.limit - items.length,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(result.Items ?? []).map((item) => withoutKeys<T>(item)));
    startKey = result.LastEvaluatedKey as DynamoKey | undefined;
    if (!startKey || items.length >= page.limit) break;
  }
  return { items, nextCursor: encodeCursor(startKey) };
}

/** Only a cursor this very query produced: same partition and, when given, same sort-key range. */
function pageStart(page: PageRequest): DynamoKey | undefined {
  const key = decodeCursor(page.cursor, page.partitionKey, page.keyAttribute);
  if (key && page.sortKeyPrefix !== undefined) {
    const inRange = Object.keys(key).length === 2 && key.sk?.startsWith(page.sortKeyPrefix) === true;
    if (!inRange) throw new InvalidPayloadError('cursor is not valid', ['cursor']);
  }
  return key;
}
