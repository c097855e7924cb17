import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createSqsClient } from '../../shared/platform/aws/sqs-client';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { loadJobsConfig } from '../../shared/platform/config';
import { createJobsStore } from '../../shared/platform/jobs/jobs-store';
import type { JobStep } from '../../shared/platform/jobs/job-runner';
import { createObservability } from '../../shared/platform/observability';
import { createJobWorker } from './job-worker';

const config = loadJobsConfig();
const documents = createDocumentClient();

/** Each job kind's step function, by kind. A kind's step is built here from its own clients and stores. */
const steps: Record<string, JobStep> = {};

export const handler = createJobWorker({
  jobs: createJobsStore(documents, config.jobsTable),
  queue: createQueueSender(createSqsClient(), config.jobsQueueUrl),
  steps,
  now: () => new Date(),
  observability: createObservability('job-worker'),
});
