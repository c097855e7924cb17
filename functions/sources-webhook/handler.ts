import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createKmsClient } from '../../shared/platform/aws/kms-client';
import { createLeanQueueSender } from '../../shared/platform/aws/lean-queue-sender';
import { createInboundLogStore } from '../../shared/inbound/log/inbound-log-store';
import { loadInboundLogConfig, loadSourcesIngestConfig } from '../../shared/platform/config';
import { createConnectionsStore } from '../../shared/inbound/connections/connections-store';
import { createSecretCipher } from '../../shared/platform/crypto/secret-cipher';
import { createObservability } from '../../shared/platform/observability';
import { createSourcesWebhookHandler } from './sources-webhook';

const config = loadSourcesIngestConfig();
const logConfig = loadInboundLogConfig();
const documents = createDocumentClient();

export const handler = createSourcesWebhookHandler({
  connections: createConnectionsStore(documents, config.connectionsTable),
  cipher: createSecretCipher(config.endpointSecretsKey, createKmsClient),
  queue: createLeanQueueSender(config.inboundSourcesQueueUrl),
  maxBodyBytes: config.maxBodyBytes,
  sourceEventRetentionDays: config.sourceEventRetentionDays,
  now: () => new Date(),
  observability: createObservability('sources-webhook'),
  // Source bodies (at most 350 KiB) always fit their log item: no bucket, no S3 client in this bundle.
  inboundLog: {
    store: createInboundLogStore(documents, logConfig.inboundTable),
    retentionDays: logConfig.retentionDays,
    now: () => new Date(),
  },
});
