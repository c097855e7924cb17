import { createLeanDocuments } from '../../shared/platform/aws/lean-dynamodb';
import { leanKmsDecrypt } from '../../shared/platform/aws/lean-kms';
import { createLeanQueueSender } from '../../shared/platform/aws/lean-queue-sender';
import { loadIngestInboundLogConfig, loadSourcesIngestConfig } from '../../shared/platform/config';
import { createIngestConnections, createIngestInboundLog } from '../../shared/inbound/ingest-records';
import { createSecretDecipher } from '../../shared/platform/crypto/secret-cipher';
import { createObservability } from '../../shared/platform/observability';
import { createSourcesWebhookHandler } from './sources-webhook';

const config = loadSourcesIngestConfig();
const logConfig = loadIngestInboundLogConfig();
// The lean clients (no AWS SDK in this bundle: README, Performance); the KMS one is made on first use.
const documents = createLeanDocuments();

export const handler = createSourcesWebhookHandler({
  connections: createIngestConnections(documents, config.connectionsTable),
  cipher: createSecretDecipher(config.endpointSecretsKey, () => leanKmsDecrypt()),
  queue: createLeanQueueSender(config.inboundSourcesQueueUrl),
  maxBodyBytes: config.maxBodyBytes,
  sourceEventRetentionDays: config.sourceEventRetentionDays,
  now: () => new Date(),
  observability: createObservability('sources-webhook'),
  // Source bodies (at most 350 KiB) always fit their log item: no bucket, no S3 client in this bundle.
  inboundLog: {
    store: createIngestInboundLog(documents, logConfig.inboundTable),
    retentionDays: logConfig.retentionDays,
    now: () => new Date(),
  },
});
