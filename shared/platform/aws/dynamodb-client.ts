import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientOptions } from './client-options';

export function createDocumentClient(env?: NodeJS.ProcessEnv): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(clientOptions('DYNAMODB', env)), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
