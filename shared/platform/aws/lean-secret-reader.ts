import type { SecretReader } from '../secrets';
import { createJsonProtocolClient, type JsonProtocolOptions } from './json-protocol';

/**
 * GetSecretValue without the SDK, for the ingest functions (the SDK's Secrets Manager client is
 * ≈ 300 KB of their bundle for one call per cold start and rotation). Cross-tested against the SDK
 * client in test/integration/secrets-manager.test.ts.
 */
export function leanSecretReader(options: JsonProtocolOptions = {}): SecretReader {
  const client = createJsonProtocolClient(
    {
      signingName: 'secretsmanager',
      targetPrefix: 'secretsmanager',
      jsonVersion: '1.1',
      endpointService: 'SECRETS_MANAGER',
    },
    options,
  );
  return async (secretId) => {
    const answer = await client.call<{ SecretString?: unknown }>(
      'GetSecretValue',
      JSON.stringify({ SecretId: secretId }),
    );
    return typeof answer.SecretString === 'string' ? answer.SecretString : undefined;
  };
}
