import { KMSClient } from '@aws-sdk/client-kms';
import { clientOptions } from './client-options';

export function createKmsClient(env?: NodeJS.ProcessEnv): KMSClient {
  return new KMSClient(clientOptions('KMS', env));
}
