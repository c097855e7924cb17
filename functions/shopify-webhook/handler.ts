import { createSecretsManagerClient, createSqsClient } from '../../shared/platform/aws/clients';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { loadShopifyIngestConfig } from '../../shared/platform/config';
import { createObservability } from '../../shared/platform/observability';
import { createSecretList } from '../../shared/platform/secrets';
import { createShopifyWebhookHandler } from './shopify-webhook';

const config = loadShopifyIngestConfig();

export const handler = createShopifyWebhookHandler({
  secrets: createSecretList({ location: config.apiSecret, client: createSecretsManagerClient }),
  queue: createQueueSender(createSqsClient(), config.catalogQueueUrl),
  maxBodyBytes: config.maxBodyBytes,
  now: () => new Date(),
  observability: createObservability('shopify-webhook'),
});
