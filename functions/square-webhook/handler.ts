import { createLeanDocuments } from '../../shared/platform/aws/lean-dynamodb';
import { createLeanQueueSender } from '../../shared/platform/aws/lean-queue-sender';
import { leanSecretReader } from '../../shared/platform/aws/lean-secret-reader';
import { loadSquareIngestConfig } from '../../shared/platform/config';
import { createIngestConnections } from '../../shared/inbound/ingest-records';
import { createObservability } from '../../shared/platform/observability';
import { createSecretList } from '../../shared/platform/secrets';
import { createSquareWebhookHandler } from './square-webhook';

const config = loadSquareIngestConfig();

export const handler = createSquareWebhookHandler({
  keys: createSecretList({ location: config.signatureKey, read: leanSecretReader() }),
  notificationUrl: config.notificationUrl,
  // The merchant lookup over the lean DynamoDB client: no AWS SDK in this bundle (README, Performance).
  connections: createIngestConnections(createLeanDocuments(), config.connectionsTable),
  queue: createLeanQueueSender(config.catalogQueueUrl),
  maxBodyBytes: config.maxBodyBytes,
  now: () => new Date(),
  observability: createObservability('square-webhook'),
});
