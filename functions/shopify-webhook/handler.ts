import { createSecretsManagerClient, createSqsClient } from '../../shared/aws/clients';
import { createQueueSender } from '../../shared/aws/queue';
import { loadShopifyIngestConfig } from '../../shared/config';
import { createObservability } from '../../shared/observability';
import { createSecretList } from '../../shared/secrets';
import { createShopifyWebhookHandler } from './shopify-webhook';

const config = loadShopifyIngestConfig();

export const handler = createShopifyWebhookHandler({
  secrets: createSecretList({ location: config.apiSecret, client: createSecretsManagerClient }),
  queue: createQueueSender(createSqsClient(), config.catalogQueueUrl),
  maxBodyBytes: config.maxBodyBytes,
  now: () => new Date(),
  observability: createObservability('shopify-webhook'),
});
