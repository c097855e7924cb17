import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createKmsClient } from '../../shared/platform/aws/kms-client';
import { createLeanQueueSender } from '../../shared/platform/aws/lean-queue-sender';
import { loadSourcesIngestConfig } from '../../shared/platform/config';
import { createConnectionsStore } from '../../shared/inbound/connections/connections-store';
import { createSecretCipher } from '../../shared/platform/crypto/secret-cipher';
import { createObservability } from '../../shared/platform/observability';
import { createSourcesWebhookHandler } from './sources-webhook';

const config = loadSourcesIngestConfig();

export const handler = createSourcesWebhookHandler({
  connections: createConnectionsStore(createDocumentClient(), config.connectionsTable),
  cipher: createSecretCipher(config.endpointSecretsKey, createKmsClient),
  queue: createLeanQueueSender(config.inboundSourcesQueueUrl),
  maxBodyBytes: config.maxBodyBytes,
  sourceEventRetentionDays: config.sourceEventRetentionDays,
  now: () => new Date(),
  observability: createObservability('sources-webhook'),
});
