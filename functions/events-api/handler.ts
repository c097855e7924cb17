import { parsePublisherAllowlist } from '../../shared/events/publishers';
import { createSqsClient } from '../../shared/platform/aws/sqs-client';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { loadEventsApiConfig } from '../../shared/platform/config';
import { ConfigurationError } from '../../shared/platform/errors';
import { createObservability } from '../../shared/platform/observability';
import { createEventsApiHandler } from './events-api';

const config = loadEventsApiConfig();

function publishers() {
  try {
    return parsePublisherAllowlist(config.eventPublishers);
  } catch (error) {
    throw new ConfigurationError(`EVENT_PUBLISHERS: ${(error as Error).message}`);
  }
}

export const handler = createEventsApiHandler({
  queue: createQueueSender(createSqsClient(), config.eventsQueueUrl),
  publishers: publishers(),
  observability: createObservability('events-api'),
});
