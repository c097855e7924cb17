import { createLeanQueueSender } from '../../shared/platform/aws/lean-queue-sender';
import { createSecretsManagerClient } from '../../shared/platform/aws/secrets-manager-client';
import { loadStripeIngestConfig } from '../../shared/platform/config';
import { createObservability } from '../../shared/platform/observability';
import { createSecretList } from '../../shared/platform/secrets';
import { createStripeWebhookHandler } from './stripe-webhook';

const config = loadStripeIngestConfig();

export const handler = createStripeWebhookHandler({
  secrets: createSecretList({ location: config.webhookSecret, client: createSecretsManagerClient }),
  queue: createLeanQueueSender(config.billingQueueUrl),
  maxBodyBytes: config.maxBodyBytes,
  now: () => new Date(),
  observability: createObservability('stripe-webhook'),
});
