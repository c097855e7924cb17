import type * as SecretsManager from '@aws-sdk/client-secrets-manager';
import type { SecretReader } from '../secrets';
import { clientOptions } from './client-options';

type SecretsManagerSdk = typeof SecretsManager;

/**
 * GetSecretValue through the SDK. The client module is imported on the first read, not at cold start:
 * the functions that take a reader use it only when an optional secret is configured, and then most
 * invocations hit the secret cache (with the SDK taken from the Lambda runtime, an import not made is
 * a client package not loaded).
 */
export function sdkSecretReader(env?: NodeJS.ProcessEnv): SecretReader {
  let loaded: Promise<{ sdk: SecretsManagerSdk; client: SecretsManager.SecretsManagerClient }> | undefined;
  const load = () =>
    (loaded ??= import('@aws-sdk/client-secrets-manager').then((sdk) => ({
      sdk,
      client: new sdk.SecretsManagerClient(clientOptions('SECRETS_MANAGER', env)),
    })));
  return async (secretId) => {
    const { sdk, client } = await load();
    const result = await client.send(new sdk.GetSecretValueCommand({ SecretId: secretId }));
    return result.SecretString;
  };
}
