import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createSqsClient } from '../../shared/platform/aws/sqs-client';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { loadSweeperConfig } from '../../shared/platform/config';
import { createObservability } from '../../shared/platform/observability';
import { createMessagesStore } from '../../shared/outbound/messages-store';
import { createSweeper } from './sweeper';

const config = loadSweeperConfig();
const documents = createDocumentClient();

export const handler = createSweeper({
  messages: createMessagesStore(documents, config.webhooksTable),
  deliveryQueue: createQueueSender(createSqsClient(), config.deliveryQueueUrl),
  now: () => new Date(),
  // The same window after which deliver() lets a new worker take over an in-progress claim.
  staleAfterMs: config.timeoutMs * 4,
  observability: createObservability('sweeper'),
});
