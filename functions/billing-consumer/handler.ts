import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { sdkSecretReader } from '../../shared/platform/aws/secrets-manager-client';
import { createSqsClient } from '../../shared/platform/aws/sqs-client';
import { inboundLoggingFor } from '../../shared/inbound/log/inbound-logging';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { createBillingStore } from '../../shared/billing/billing-store';
import { createStripeSubscriptionSource } from '../../shared/billing/subscription-source';
import { loadBillingConsumerConfig, loadInboundLogConfig } from '../../shared/platform/config';
import { createObservability } from '../../shared/platform/observability';
import { alertSinkFor } from '../../shared/platform/alerts';
import { providerEndpoint } from '../../shared/platform/provider-endpoints';
import { createSecretList, firstSecret } from '../../shared/platform/secrets';
import { QUEUES } from '../../shared/platform/topology';
import { createBillingConsumer } from './billing-consumer';

const config = loadBillingConsumerConfig();
const observability = createObservability('billing-consumer');
const documents = createDocumentClient();
const { stripeApiKey } = config;
const apiKeys = stripeApiKey && createSecretList({ location: stripeApiKey, read: sdkSecretReader() });

export const handler = createBillingConsumer({
  store: createBillingStore(documents, config.billingTable),
  alerts: alertSinkFor(config, documents, observability),
  ...(apiKeys && {
    subscriptions: createStripeSubscriptionSource({
      apiKey: firstSecret(apiKeys),
      baseUrl: providerEndpoint('stripe'),
    }),
  }),
  events: createQueueSender(createSqsClient(), config.eventsQueueUrl),
  now: () => new Date(),
  observability,
  maxReceiveCount: QUEUES.billing.maxReceiveCount,
  inboundLog: inboundLoggingFor(documents, loadInboundLogConfig()),
});
