import { createDocumentClient, createSecretsManagerClient, createSqsClient } from '../../shared/aws/clients';
import { createQueueSender } from '../../shared/aws/queue';
import { loadSquareIngestConfig } from '../../shared/config';
import { createConnectionsStore } from '../../shared/connections/connections-store';
import { createObservability } from '../../shared/observability';
import { createSecretList } from '../../shared/secrets';
import { createSquareWebhookHandler } from './square-webhook';

const config = loadSquareIngestConfig();

export const handler = createSquareWebhookHandler({
  keys: createSecretList({ location: config.signatureKey, client: createSecretsManagerClient }),
  notificationUrl: config.notificationUrl,
  connections: createConnectionsStore(createDocumentClient(), config.connectionsTable),
  queue: createQueueSender(createSqsClient(), config.catalogQueueUrl),
  maxBodyBytes: config.maxBodyBytes,
  now: () => new Date(),
  observability: createObservability('square-webhook'),
});
