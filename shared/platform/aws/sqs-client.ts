import { SQSClient } from '@aws-sdk/client-sqs';
import { clientOptions } from './client-options';

export function createSqsClient(env?: NodeJS.ProcessEnv): SQSClient {
  return new SQSClient(clientOptions('SQS', env));
}
