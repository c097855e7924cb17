import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createKmsClient } from '../../shared/platform/aws/kms-client';
import { loadConnectionsApiConfig } from '../../shared/platform/config';
import { createConnectionsStore } from '../../shared/inbound/connections/connections-store';
import { createSecretCipher } from '../../shared/platform/crypto/kms-secret-cipher';
import { createObservability } from '../../shared/platform/observability';
import { createConnectionsApiHandler } from './connections-api';

const config = loadConnectionsApiConfig();

export const handler = createConnectionsApiHandler({
  connections: createConnectionsStore(createDocumentClient(), config.connectionsTable),
  cipher: createSecretCipher(config.endpointSecretsKey, createKmsClient),
  settings: config,
  now: () => new Date(),
  observability: createObservability('connections-api'),
});
