import { createLeanQueueSender } from '../../shared/platform/aws/lean-queue-sender';
import { leanSecretReader } from '../../shared/platform/aws/lean-secret-reader';
import { loadShopifyIngestConfig } from '../../shared/platform/config';
import { createObservability } from '../../shared/platform/observability';
import { createSecretList } from '../../shared/platform/secrets';
import { createShopifyWebhookHandler } from './shopify-webhook';

const config = loadShopifyIngestConfig();

export const handler = createShopifyWebhookHandler({
  secrets: createSecretList({ location: config.apiSecret, read: leanSecretReader() }),
  queue: createLeanQueueSender(config.catalogQueueUrl),
  maxBodyBytes: config.maxBodyBytes,
  now: () => new Date(),
  observability: createObservability('shopify-webhook'),
});
