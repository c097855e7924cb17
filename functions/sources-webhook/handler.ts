import { createDocumentClient, createKmsClient, createSqsClient } from '../../shared/aws/clients';
import { createQueueSender } from '../../shared/aws/queue';
import { loadSourcesIngestConfig } from '../../shared/config';
import { createConnectionsStore } from '../../shared/connections/connections-store';
import { createSecretCipher } from '../../shared/crypto/secret-cipher';
import { createObservability } from '../../shared/observability';
import { createSourcesWebhookHandler } from './sources-webhook';

const config = loadSourcesIngestConfig();

export const handler = createSourcesWebhookHandler({
  connections: createConnectionsStore(createDocumentClient(), config.connectionsTable),
  cipher: createSecretCipher(config.endpointSecretsKey, createKmsClient),
  queue: createQueueSender(createSqsClient(), config.inboundSourcesQueueUrl),
  maxBodyBytes: config.maxBodyBytes,
  sourceEventRetentionDays: config.sourceEventRetentionDays,
  now: () => new Date(),
  observability: createObservability('sources-webhook'),
});
