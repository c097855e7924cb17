import { createSecretsManagerClient, createSqsClient } from '../../shared/platform/aws/clients';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { loadStripeIngestConfig } from '../../shared/platform/config';
import { createObservability } from '../../shared/platform/observability';
import { createSecretList } from '../../shared/platform/secrets';
import { createStripeWebhookHandler } from './stripe-webhook';

const config = loadStripeIngestConfig();

export const handler = createStripeWebhookHandler({
  secrets: createSecretList({ location: config.webhookSecret, client: createSecretsManagerClient }),
  queue: createQueueSender(createSqsClient(), config.billingQueueUrl),
  maxBodyBytes: config.maxBodyBytes,
  now: () => new Date(),
  observability: createObservability('stripe-webhook'),
});
