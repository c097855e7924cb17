import { createDocumentClient, createSqsClient } from '../../shared/platform/aws/clients';
import { inboundLogStoreFor } from '../../shared/inbound/log/inbound-logging';
import { INBOUND_REPLAY_JOB_KIND, inboundReplayStep } from '../../shared/inbound/log/replay-job';
import { replayQueuesFor } from '../../shared/inbound/log/replay-queues';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { loadInboundLogConfig, loadJobsConfig } from '../../shared/platform/config';
import { createJobsStore } from '../../shared/platform/jobs/jobs-store';
import type { JobStep } from '../../shared/platform/jobs/job-runner';
import { createObservability } from '../../shared/platform/observability';
import { createJobWorker } from './job-worker';

const config = loadJobsConfig();
const documents = createDocumentClient();
const sqs = createSqsClient();

/** Each job kind's step function, by kind. A kind's step is built here from its own clients and stores. */
const steps: Record<string, JobStep> = {
  [INBOUND_REPLAY_JOB_KIND]: inboundReplayStep({
    store: inboundLogStoreFor(documents, loadInboundLogConfig()),
    queues: replayQueuesFor(sqs),
  }),
};

export const handler = createJobWorker({
  jobs: createJobsStore(documents, config.jobsTable),
  queue: createQueueSender(sqs, config.jobsQueueUrl),
  steps,
  now: () => new Date(),
  observability: createObservability('job-worker'),
});
