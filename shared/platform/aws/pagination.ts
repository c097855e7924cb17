import { InvalidPayloadError } from '../errors';

/**
 * Opaque pagination cursors: DynamoDB's LastEvaluatedKey, base64url-encoded. The caller's partition
 * key is checked on the way back in, so a cursor minted for one organisation cannot read another's.
 */
export type DynamoKey = Record<string, string>;

export function encodeCursor(key: DynamoKey | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

/** `keyAttribute` names the partition key the cursor must carry (`gsi1pk` for an index query). */
export function decodeCursor(
  cursor: string | undefined,
  expectedPartitionKey: string,
  keyAttribute = 'pk',
): DynamoKey | undefined {
  if (!cursor) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidPayloadError('cursor is not valid', ['cursor']);
  }
  const isKey =
    typeof parsed === 'object' &&
    parsed !== null &&
    Object.values(parsed).every((value) => typeof value === 'string') &&
    (parsed as DynamoKey)[keyAttribute] === expectedPartitionKey;
  if (!isKey) throw new InvalidPayloadError('cursor is not valid', ['cursor']);
  return parsed as DynamoKey;
}

/** The SDK names its errors by code; the lean client (lean-dynamodb.ts) carries the code in `code`. */
export function isConditionalCheckFailed(error: unknown): boolean {
  const CODE = 'ConditionalCheckFailedException';
  return error instanceof Error && (error.name === CODE || (error as { code?: unknown }).code === CODE);
}
