import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretReader } from '../secrets';
import { clientOptions } from './client-options';

export function createSecretsManagerClient(env?: NodeJS.ProcessEnv): SecretsManagerClient {
  return new SecretsManagerClient(clientOptions('SECRETS_MANAGER', env));
}

/** GetSecretValue through the SDK; the client is built on the first read (most invocations hit the cache). */
export function sdkSecretReader(env?: NodeJS.ProcessEnv): SecretReader {
  let client: SecretsManagerClient | undefined;
  return async (secretId) => {
    const result = await (client ??= createSecretsManagerClient(env)).send(
      new GetSecretValueCommand({ SecretId: secretId }),
    );
    return result.SecretString;
  };
}
