import {
  createDocumentClient,
  createKmsClient,
  createS3Client,
  createSqsClient,
} from '../../shared/platform/aws/clients';
import { inboundLogStoreFor } from '../../shared/inbound/log/inbound-log-store';
import { createQueueSender } from '../../shared/platform/aws/queue';
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
  queue: createQueueSender(createSqsClient(), config.inboundSourcesQueueUrl),
  maxBodyBytes: config.maxBodyBytes,
  sourceEventRetentionDays: config.sourceEventRetentionDays,
  now: () => new Date(),
  observability: createObservability('sources-webhook'),
  inboundLog: {
    store: inboundLogStoreFor(documents, createS3Client(), logConfig),
    retentionDays: logConfig.retentionDays,
    now: () => new Date(),
  },
});
