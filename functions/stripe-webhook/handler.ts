import { createLeanQueueSender } from '../../shared/platform/aws/lean-queue-sender';
import { leanSecretReader } from '../../shared/platform/aws/lean-secret-reader';
import { loadStripeIngestConfig } from '../../shared/platform/config';
import { createObservability } from '../../shared/platform/observability';
import { createSecretList } from '../../shared/platform/secrets';
import { createStripeWebhookHandler } from './stripe-webhook';

const config = loadStripeIngestConfig();

export const handler = createStripeWebhookHandler({
  secrets: createSecretList({ location: config.webhookSecret, read: leanSecretReader() }),
  queue: createLeanQueueSender(config.billingQueueUrl),
  maxBodyBytes: config.maxBodyBytes,
  now: () => new Date(),
  observability: createObservability('stripe-webhook'),
});
