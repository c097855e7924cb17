import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clientOptions } from './client-options';

export function createSecretsManagerClient(env?: NodeJS.ProcessEnv): SecretsManagerClient {
  return new SecretsManagerClient(clientOptions('SECRETS_MANAGER', env));
}
