import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../platform/aws/pagination';
import { ownerPartition, type Owner } from '../events/owner';

/**
 * How many endpoints an owner has, as one counter item (`<owner>` / `ENDPOINTCOUNT`) taken with a
 * conditional update: eighty concurrent creates against a cap of fifty create exactly fifty, where a
 * count-then-put would let every one of them see 49. An owner whose endpoints predate the counter gets
 * it seeded from a count of its endpoint items the first time.
 */
export interface EndpointSlots {
  /** Takes a slot if fewer than `limit` are taken; false at the limit. */
  take(owner: Owner, limit: number): Promise<boolean>;
  /** Gives a slot back (an endpoint deleted, or a create that failed after taking one). */
  release(owner: Owner): Promise<void>;
}

export function createEndpointSlots(
  documents: DynamoDBDocumentClient,
  tableName: string,
  countExisting: (owner: Owner) => Promise<number>,
): EndpointSlots {
  const key = (owner: Owner) => ({ pk: ownerPartition(owner), sk: 'ENDPOINTCOUNT' });

  async function increment(owner: Owner, limit: number): Promise<boolean> {
    try {
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(owner),
          UpdateExpression: 'ADD #count :one',
          ConditionExpression: 'attribute_exists(#count) AND #count < :limit',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':limit': limit },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  return {
    async take(owner, limit) {
      if (await increment(owner, limit)) return true;
      const existing = await documents.send(
        new GetCommand({ TableName: tableName, Key: key(owner), ConsistentRead: true }),
      );
      if (existing.Item) return false;
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key(owner), count: await countExisting(owner) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error; // another create seeded it first
      }
      return increment(owner, limit);
    },

    async release(owner) {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(owner),
            UpdateExpression: 'ADD #count :minusOne',
            ConditionExpression: '#count > :zero',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error; // no counter yet: nothing to give back
      }
    },
  };
}
