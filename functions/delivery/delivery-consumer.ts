import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import type { Observability } from '../../shared/platform/observability';
import { deliver, type DeliveryDependencies, type DeliveryOutcome } from '../../shared/outbound/deliver';
import { deliveryTaskSchema } from '../../shared/outbound/delivery-task';

/**
 * Delivery queue → signed POSTs. The records of a batch are delivered side by side, so an endpoint
 * that takes the whole timeout to fail does not hold back the others in its batch.
 */

export interface DeliveryConsumerDependencies extends DeliveryDependencies {
  readonly observability: Observability;
}

const METRIC = METRIC_NAMES.delivery;

export function createDeliveryConsumer(deps: DeliveryConsumerDependencies) {
  const { logger, metrics } = deps.observability;

  function count(outcome: DeliveryOutcome): void {
    if (outcome.kind !== 'attempted') {
      metrics.addMetric(
        outcome.kind === 'skipped' ? METRIC.skipped : outcome.kind === 'deferred' ? METRIC.deferred : METRIC.duplicate,
        MetricUnit.Count,
        1,
      );
      return;
    }
    const { step } = outcome;
    metrics.addMetric(
      step.kind === 'succeeded' ? METRIC.delivered : step.kind === 'retry' ? METRIC.retried : METRIC.failed,
      MetricUnit.Count,
      1,
    );
    metrics.addMetric(METRIC.latency, MetricUnit.Milliseconds, outcome.durationMs);
    if (outcome.endpointDisabled) metrics.addMetric(METRIC.endpointDisabled, MetricUnit.Count, 1);
    if (outcome.circuitOpened) metrics.addMetric(METRIC.circuitOpened, MetricUnit.Count, 1);
  }

  async function processRecord(record: SQSRecord): Promise<void> {
    const task = deliveryTaskSchema.parse(JSON.parse(record.body));
    // Records run concurrently, so context goes on each line rather than into shared logger keys.
    const context = {
      correlationId: task.correlationId,
      messageId: task.messageId,
      endpointId: task.endpointId,
      orgId: task.orgId,
      ...(task.merchantId !== undefined && { merchantId: task.merchantId }),
      attempt: task.attempt,
    };
    try {
      const outcome = await deliver(task, deps);
      count(outcome);
      if (outcome.kind === 'attempted') {
        logger.info('Delivery attempt', {
          ...context,
          step: outcome.step,
          statusCode: outcome.statusCode,
          durationMs: outcome.durationMs,
          endpointDisabled: outcome.endpointDisabled,
        });
        if (outcome.circuitOpened)
          logger.warn('Circuit opened: deliveries to this endpoint are deferred, one probe a minute', context);
        // Deferrals (rate limit, concurrency cap, open circuit) are routine: counted, not logged.
      } else if (outcome.kind !== 'deferred') {
        logger.info('Delivery not attempted', { ...context, outcome });
      }
    } catch (error) {
      logger.error('Delivery failed unexpectedly; SQS will redeliver the task', { ...context, error });
      throw error;
    }
  }

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    try {
      return await processPartialResponse(event, processRecord, new BatchProcessor(EventType.SQS), {
        context,
        throwOnFullBatchFailure: false,
        processInParallel: true,
      });
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
