import { createDocumentClient, createSecretsManagerClient, createSnsClient, createSqsClient } from '../../shared/aws/clients';
import { createQueueSender } from '../../shared/aws/queue';
import { createBillingStore } from '../../shared/billing/billing-store';
import { createStripeSubscriptionSource } from '../../shared/billing/subscription-source';
import { loadBillingConsumerConfig } from '../../shared/config';
import { createObservability } from '../../shared/observability';
import { createAlertSink } from '../../shared/ops/alerts';
import { createSecretList } from '../../shared/secrets';
import { QUEUES } from '../../shared/topology';
import { createBillingConsumer } from './billing-consumer';

const config = loadBillingConsumerConfig();
const observability = createObservability('billing-consumer');
const documents = createDocumentClient();
const { stripeApiKey } = config;
const apiKeys = stripeApiKey && createSecretList({ location: stripeApiKey, client: createSecretsManagerClient });

export const handler = createBillingConsumer({
  store: createBillingStore(documents, config.billingTable),
  alerts: createAlertSink({
    documents,
    tableName: config.opsTable,
    retentionDays: config.alertRetentionDays,
    logger: observability.logger,
    metrics: observability.metrics,
    ...(config.opsTopicArn && { sns: { client: createSnsClient(), topicArn: config.opsTopicArn } }),
  }),
  ...(apiKeys && {
    subscriptions: createStripeSubscriptionSource({
      apiKey: async () => (await apiKeys.current())[0] as string,
      ...(config.stripeApiBaseUrl && { baseUrl: config.stripeApiBaseUrl }),
    }),
  }),
  events: createQueueSender(createSqsClient(), config.eventsQueueUrl),
  now: () => new Date(),
  observability,
  maxReceiveCount: QUEUES.billing.maxReceiveCount,
});
