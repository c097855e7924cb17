import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createSqsClient } from '../../shared/platform/aws/sqs-client';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { loadFanoutConfig } from '../../shared/platform/config';
import { createObservability } from '../../shared/platform/observability';
import { createAdmissionStore } from '../../shared/outbound/admission/admission-store';
import { createEndpointsStore } from '../../shared/outbound/endpoints-store';
import { createMessagesStore } from '../../shared/outbound/messages-store';
import { createStatsStore } from '../../shared/outbound/stats-store';
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
  admission: createAdmissionStore(documents, config.webhooksTable),
});
