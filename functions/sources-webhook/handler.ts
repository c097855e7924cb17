import { createDocumentClient, createKmsClient, createSqsClient } from '../../shared/platform/aws/clients';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { loadSourcesIngestConfig } from '../../shared/platform/config';
import { createConnectionsStore } from '../../shared/inbound/connections/connections-store';
import { createSecretCipher } from '../../shared/platform/crypto/secret-cipher';
import { createObservability } from '../../shared/platform/observability';
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
