import { leanReceiverDependencies, leanSecretList } from '../../shared/inbound/lean-receiver-wiring';
import { loadStripeIngestConfig } from '../../shared/platform/config';
import { createStripeWebhookHandler } from './stripe-webhook';

const config = loadStripeIngestConfig();

export const handler = createStripeWebhookHandler({
  ...leanReceiverDependencies('stripe-webhook', config.billingQueueUrl, config.maxBodyBytes),
  secrets: leanSecretList(config.webhookSecret),
});
