import type { GetCommandInput, PutCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { fromAttributeMap, toAttributeMap, type AttributeMap } from './dynamodb-json';
import { createJsonProtocolClient, type JsonProtocolClient, type JsonProtocolOptions } from './json-protocol';

/**
 * `GetItem`, `PutItem` and `UpdateItem` without the SDK, for the ingest functions (the SDK's
 * DynamoDB client and document client are ≈ 300 KB of a bundle that reads one item per event). The
 * inputs and results are the document client's (plain values, `GetCommand`'s `Item`), converted by
 * dynamodb-json.ts and sent by the lean JSON-protocol client, which retries as the SDK does. A
 * failed condition throws an AwsServiceError with code `ConditionalCheckFailedException`, which
 * `isConditionalCheckFailed` recognises as it does the SDK's. Cross-tested against the SDK on the
 * DynamoDB emulator (test/integration/lean-dynamodb.test.ts).
 */

export const DYNAMODB_JSON_PROTOCOL = {
  signingName: 'dynamodb',
  targetPrefix: 'DynamoDB_20120810',
  jsonVersion: '1.0',
  endpointService: 'DYNAMODB',
} as const;

export type LeanGetInput = Pick<
  GetCommandInput,
  'TableName' | 'Key' | 'ConsistentRead' | 'ProjectionExpression' | 'ExpressionAttributeNames'
>;
export type LeanPutInput = Pick<
  PutCommandInput,
  'TableName' | 'Item' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
>;
export type LeanUpdateInput = Pick<
  UpdateCommandInput,
  | 'TableName'
  | 'Key'
  | 'UpdateExpression'
  | 'ConditionExpression'
  | 'ExpressionAttributeNames'
  | 'ExpressionAttributeValues'
>;

export interface LeanDocuments {
  get(input: LeanGetInput): Promise<{ Item?: Record<string, unknown> }>;
  put(input: LeanPutInput): Promise<void>;
  update(input: LeanUpdateInput): Promise<void>;
}

/** The request as DynamoDB reads it: names kept, values and items in typed JSON, nothing undefined. */
function request(input: Record<string, unknown>): string {
  const wire: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const typed = name === 'Key' || name === 'Item' || name === 'ExpressionAttributeValues';
    wire[name] = typed ? toAttributeMap(value as Record<string, unknown>) : value;
  }
  return JSON.stringify(wire);
}

export function createLeanDocuments(client: JsonProtocolClient | JsonProtocolOptions = {}): LeanDocuments {
  const dynamodb = 'call' in client ? client : createJsonProtocolClient(DYNAMODB_JSON_PROTOCOL, client);
  return {
    async get(input) {
      const answer = await dynamodb.call<{ Item?: AttributeMap }>('GetItem', request(input));
      return answer.Item ? { Item: fromAttributeMap(answer.Item) } : {};
    },
    async put(input) {
      await dynamodb.call('PutItem', request(input));
    },
    async update(input) {
      await dynamodb.call('UpdateItem', request(input));
    },
  };
}
