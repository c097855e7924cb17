import { createSqsClient } from '../../shared/platform/aws/sqs-client';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { loadEventsApiConfig } from '../../shared/platform/config';
import { createObservability } from '../../shared/platform/observability';
import { createEventsApiHandler } from './events-api';

const config = loadEventsApiConfig();

export const handler = createEventsApiHandler({
  queue: createQueueSender(createSqsClient(), config.eventsQueueUrl),
  observability: createObservability('events-api'),
});
