import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseJobMessage, runJobStep, type JobRunnerDependencies } from '../../shared/platform/jobs/job-runner';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import type { Observability } from '../../shared/platform/observability';

/** Jobs queue → one checkpointed step of a durable job per message. */

export interface JobWorkerDependencies extends Omit<JobRunnerDependencies, 'events'> {
  readonly observability: Observability;
}

const METRIC = METRIC_NAMES.jobWorker;

export function createJobWorker(deps: JobWorkerDependencies) {
  const { logger, metrics } = deps.observability;
  const runner: JobRunnerDependencies = {
    ...deps,
    events: {
      stepCompleted: (job) => {
        metrics.addMetric(METRIC.stepCompleted, MetricUnit.Count, 1);
        logger.info('Job step completed', {
          jobId: job.jobId,
          kind: job.kind,
          steps: job.steps,
          progress: job.progress,
        });
      },
      stepFailed: (job, error) => {
        metrics.addMetric(METRIC.stepFailed, MetricUnit.Count, 1);
        logger.warn('Job step failed', { jobId: job.jobId, kind: job.kind, failures: job.failures, error });
      },
      finished: (job) => {
        metrics.addMetric(job.status === 'completed' ? METRIC.completed : METRIC.failed, MetricUnit.Count, 1);
        const log = job.status === 'completed' ? logger.info.bind(logger) : logger.error.bind(logger);
        log(`Job ${job.status}`, { jobId: job.jobId, kind: job.kind, steps: job.steps, progress: job.progress });
      },
    },
  };

  async function processRecord(record: SQSRecord): Promise<void> {
    const ref = parseJobMessage(record.body);
    const outcome = await runJobStep(ref, runner);
    if (outcome === 'superseded') logger.info('Another worker advanced the job first', { ...ref });
  }

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    try {
      return await processPartialResponse(event, processRecord, new BatchProcessor(EventType.SQS), {
        context,
        throwOnFullBatchFailure: false,
      });
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
