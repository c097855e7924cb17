import { SNSClient } from '@aws-sdk/client-sns';
import { clientOptions } from './client-options';

export function createSnsClient(env?: NodeJS.ProcessEnv): SNSClient {
  return new SNSClient(clientOptions('SNS', env));
}
