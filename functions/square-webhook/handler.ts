import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createLeanQueueSender } from '../../shared/platform/aws/lean-queue-sender';
import { leanSecretReader } from '../../shared/platform/aws/lean-secret-reader';
import { loadSquareIngestConfig } from '../../shared/platform/config';
import { createConnectionsStore } from '../../shared/inbound/connections/connections-store';
import { createObservability } from '../../shared/platform/observability';
import { createSecretList } from '../../shared/platform/secrets';
import { createSquareWebhookHandler } from './square-webhook';

const config = loadSquareIngestConfig();

export const handler = createSquareWebhookHandler({
  keys: createSecretList({ location: config.signatureKey, read: leanSecretReader() }),
  notificationUrl: config.notificationUrl,
  connections: createConnectionsStore(createDocumentClient(), config.connectionsTable),
  queue: createLeanQueueSender(config.catalogQueueUrl),
  maxBodyBytes: config.maxBodyBytes,
  now: () => new Date(),
  observability: createObservability('square-webhook'),
});
