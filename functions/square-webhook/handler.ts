import { createLeanDocuments } from '../../shared/platform/aws/lean-dynamodb';
import { loadSquareIngestConfig } from '../../shared/platform/config';
import { createIngestConnections } from '../../shared/inbound/ingest-records';
import { leanReceiverDependencies, leanSecretList } from '../../shared/inbound/lean-receiver-wiring';
import { createSquareWebhookHandler } from './square-webhook';

const config = loadSquareIngestConfig();

export const handler = createSquareWebhookHandler({
  ...leanReceiverDependencies('square-webhook', config.catalogQueueUrl, config.maxBodyBytes),
  keys: leanSecretList(config.signatureKey),
  notificationUrl: config.notificationUrl,
  // The merchant lookup over the lean DynamoDB client: no AWS SDK in this bundle (README, Performance).
  connections: createIngestConnections(createLeanDocuments(), config.connectionsTable),
});
