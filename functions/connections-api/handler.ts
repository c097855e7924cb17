import { createDocumentClient, createKmsClient, createSqsClient } from '../../shared/aws/clients';
import { createQueueSender } from '../../shared/aws/queue';
import { loadConnectionsApiConfig } from '../../shared/config';
import { createConnectionsStore } from '../../shared/connections/connections-store';
import { createSecretCipher } from '../../shared/crypto/secret-cipher';
import { createObservability } from '../../shared/observability';
import { createConnectionsApiHandler } from './connections-api';

const config = loadConnectionsApiConfig();

export const handler = createConnectionsApiHandler({
  connections: createConnectionsStore(createDocumentClient(), config.connectionsTable),
  catalogQueue: createQueueSender(createSqsClient(), config.catalogQueueUrl),
  cipher: createSecretCipher(config.endpointSecretsKey, createKmsClient),
  settings: config,
  now: () => new Date(),
  observability: createObservability('connections-api'),
});
