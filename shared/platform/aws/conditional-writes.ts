import { PutCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from './pagination';

/** Writes an item only if `condition` holds for what is stored; false when it does not. */
export async function putWhen(
  documents: DynamoDBDocumentClient,
  tableName: string,
  item: Record<string, unknown>,
  condition: {
    readonly expression: string;
    readonly values?: Record<string, unknown>;
    readonly names?: Record<string, string>;
  },
): Promise<boolean> {
  try {
    await documents.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: condition.expression,
        ...(condition.values && { ExpressionAttributeValues: condition.values }),
        ...(condition.names && { ExpressionAttributeNames: condition.names }),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** Every item a query matches, page after page (for partitions known to stay small). */
export async function queryAllItems(
  documents: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * The condition clauses the stores write with, named once. Every table keys on `pk` (plus `sk`), so
 * "an item with this key exists" is a test of `pk`.
 */

/** No item has this key yet: the write creates it (with deterministic keys, the idempotency check). */
export const ITEM_ABSENT = 'attribute_not_exists(pk)';
/** An item has this key: an update or delete never creates a half item in its place. */
export const ITEM_PRESENT = 'attribute_exists(pk)';

/**
 * Writes an item only if no item has its key. Deterministic keys make this the idempotency check:
 * a redelivered event finds its audit entry, delivery or attempt already there.
 */
export async function putIfAbsent(
  documents: DynamoDBDocumentClient,
  tableName: string,
  item: Record<string, unknown>,
): Promise<boolean> {
  return putWhen(documents, tableName, item, { expression: ITEM_ABSENT });
}
