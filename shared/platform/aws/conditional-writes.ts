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

export { ITEM_ABSENT, ITEM_PRESENT } from './condition-clauses';
