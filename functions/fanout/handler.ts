import { createDocumentClient, createSqsClient } from '../../shared/aws/clients';
import { createQueueSender } from '../../shared/aws/queue';
import { loadFanoutConfig } from '../../shared/config';
import { createObservability } from '../../shared/observability';
import { createEndpointsStore } from '../../shared/webhooks/endpoints-store';
import { createMessagesStore } from '../../shared/webhooks/messages-store';
import { createStatsStore } from '../../shared/webhooks/stats-store';
import { createFanoutConsumer } from './fanout-consumer';

const config = loadFanoutConfig();
const documents = createDocumentClient();

export const handler = createFanoutConsumer({
  endpoints: createEndpointsStore(documents, config.webhooksTable),
  messages: createMessagesStore(documents, config.webhooksTable),
  deliveryQueue: createQueueSender(createSqsClient(), config.deliveryQueueUrl),
  messageRetentionDays: config.messageRetentionDays,
  now: () => new Date(),
  observability: createObservability('fanout'),
  stats: createStatsStore(documents, config.webhooksTable),
});
