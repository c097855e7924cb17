import { createDocumentClient, createSqsClient } from '../../shared/platform/aws/clients';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { loadJobWorkerConfig } from '../../shared/platform/config';
import { createJobsStore } from '../../shared/platform/jobs/jobs-store';
import type { JobStep } from '../../shared/platform/jobs/job-runner';
import { createObservability } from '../../shared/platform/observability';
import { createMessagesStore } from '../../shared/outbound/messages-store';
import { createRecoveriesStore } from '../../shared/outbound/recoveries-store';
import { createRecoveryStep, RECOVERY_JOB_KIND } from '../../shared/outbound/recovery-job';
import { createJobWorker } from './job-worker';

const config = loadJobWorkerConfig();
const documents = createDocumentClient();
const sqs = createSqsClient();
const now = () => new Date();

/** Each job kind's step function, by kind. A kind's step is built here from its own clients and stores. */
const steps: Record<string, JobStep> = {
  [RECOVERY_JOB_KIND]: createRecoveryStep({
    recoveries: createRecoveriesStore(documents, config.webhooksTable),
    messages: createMessagesStore(documents, config.webhooksTable),
    deliveryQueue: createQueueSender(sqs, config.deliveryQueueUrl),
    pageSize: config.recoveryPageSize,
    now,
  }),
};

export const handler = createJobWorker({
  jobs: createJobsStore(documents, config.jobsTable),
  queue: createQueueSender(sqs, config.jobsQueueUrl),
  steps,
  now,
  observability: createObservability('job-worker'),
});
