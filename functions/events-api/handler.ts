import { createSqsClient } from '../../shared/aws/clients';
import { createQueueSender } from '../../shared/aws/queue';
import { loadEventsApiConfig } from '../../shared/config';
import { createObservability } from '../../shared/observability';
import { createEventsApiHandler } from './events-api';

const config = loadEventsApiConfig();

export const handler = createEventsApiHandler({
  queue: createQueueSender(createSqsClient(), config.eventsQueueUrl),
  observability: createObservability('events-api'),
});
