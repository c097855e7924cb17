import { createSecretsManagerClient, createSqsClient } from '../../shared/aws/clients';
import { createQueueSender } from '../../shared/aws/queue';
import { loadStripeIngestConfig } from '../../shared/config';
import { createObservability } from '../../shared/observability';
import { createSecretList } from '../../shared/secrets';
import { createStripeWebhookHandler } from './stripe-webhook';

const config = loadStripeIngestConfig();

export const handler = createStripeWebhookHandler({
  secrets: createSecretList({ location: config.webhookSecret, client: createSecretsManagerClient }),
  queue: createQueueSender(createSqsClient(), config.billingQueueUrl),
  maxBodyBytes: config.maxBodyBytes,
  now: () => new Date(),
  observability: createObservability('stripe-webhook'),
});
