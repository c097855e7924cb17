import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createSqsClient } from '../../shared/platform/aws/sqs-client';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { inboundLogStoreFor } from '../../shared/inbound/log/inbound-logging';
import { replayQueuesFor } from '../../shared/inbound/log/replay-queues';
import { loadInboundLogConfig, loadJobsConfig } from '../../shared/platform/config';
import { createJobsStore } from '../../shared/platform/jobs/jobs-store';
import { createObservability } from '../../shared/platform/observability';
import { createInboundApiHandler } from './inbound-api';

const config = loadInboundLogConfig();
const jobsConfig = loadJobsConfig();
const documents = createDocumentClient();
const sqs = createSqsClient();

export const handler = createInboundApiHandler({
  store: inboundLogStoreFor(documents, config),
  queues: replayQueuesFor(sqs),
  jobs: createJobsStore(documents, jobsConfig.jobsTable),
  jobsQueue: createQueueSender(sqs, jobsConfig.jobsQueueUrl),
  jobRetentionDays: jobsConfig.jobRetentionDays,
  now: () => new Date(),
  observability: createObservability('inbound-api'),
});
