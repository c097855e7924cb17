import { leanReceiverDependencies, leanSecretList } from '../../shared/inbound/lean-receiver-wiring';
import { loadShopifyIngestConfig } from '../../shared/platform/config';
import { createShopifyWebhookHandler } from './shopify-webhook';

const config = loadShopifyIngestConfig();

export const handler = createShopifyWebhookHandler({
  ...leanReceiverDependencies('shopify-webhook', config.catalogQueueUrl, config.maxBodyBytes),
  secrets: leanSecretList(config.apiSecret),
});
