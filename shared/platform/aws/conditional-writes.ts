import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from './pagination';

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
  try {
    await documents.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: ITEM_ABSENT }));
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}
