import { createLeanDocuments } from '../../shared/platform/aws/lean-dynamodb';
import { leanKmsDecrypt } from '../../shared/platform/aws/lean-kms';
import { loadIngestInboundLogConfig, loadSourcesIngestConfig } from '../../shared/platform/config';
import { createIngestConnections, createIngestInboundLog } from '../../shared/inbound/ingest-records';
import { leanReceiverDependencies } from '../../shared/inbound/lean-receiver-wiring';
import { createSecretDecipher } from '../../shared/platform/crypto/secret-cipher';
import { createSourcesWebhookHandler } from './sources-webhook';

const config = loadSourcesIngestConfig();
const logConfig = loadIngestInboundLogConfig();
// The lean clients (no AWS SDK in this bundle: README, Performance); the KMS one is made on first use.
const documents = createLeanDocuments();

export const handler = createSourcesWebhookHandler({
  ...leanReceiverDependencies('sources-webhook', config.inboundSourcesQueueUrl, config.maxBodyBytes),
  connections: createIngestConnections(documents, config.connectionsTable),
  cipher: createSecretDecipher(config.endpointSecretsKey, () => leanKmsDecrypt()),
  sourceEventRetentionDays: config.sourceEventRetentionDays,
  // Source bodies (at most 350 KiB) always fit their log item: no bucket, no S3 client in this bundle.
  inboundLog: {
    store: createIngestInboundLog(documents, logConfig.inboundTable),
    retentionDays: logConfig.retentionDays,
    now: () => new Date(),
  },
});
