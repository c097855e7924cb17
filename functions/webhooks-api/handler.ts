import { createDocumentClient, createKmsClient } from '../../shared/aws/clients';
import { loadWebhooksApiConfig } from '../../shared/config';
import { createSecretCipher } from '../../shared/crypto/secret-cipher';
import { createObservability } from '../../shared/observability';
import { createEndpointsStore } from '../../shared/webhooks/endpoints-store';
import { createMessagesStore } from '../../shared/webhooks/messages-store';
import { createWebhooksApiHandler } from './webhooks-api';

const config = loadWebhooksApiConfig();
const documents = createDocumentClient();

export const handler = createWebhooksApiHandler({
  endpoints: createEndpointsStore(documents, config.webhooksTable),
  messages: createMessagesStore(documents, config.webhooksTable),
  cipher: createSecretCipher(config.endpointSecretsKey, createKmsClient),
  settings: config,
  now: () => new Date(),
  observability: createObservability('webhooks-api'),
});
