import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import type { Observability } from '../../shared/platform/observability';
import { createSqsConsumer } from '../../shared/platform/aws/sqs-batch';
import { deliver, type DeliveryDependencies, type DeliveryOutcome } from '../../shared/outbound/deliver';
import { deliveryTaskSchema } from '../../shared/outbound/delivery-task';
import { startDeliveryBatch } from '../../shared/outbound/delivery-batch';
import type { StatsStore } from '../../shared/outbound/stats-store';
import type { TableContext } from '../../shared/platform/aws/table';

/**
 * Delivery queue → signed POSTs. The records of a batch are delivered side by side, so an endpoint
 * that takes the whole timeout to fail does not hold back the others in its batch. They share their
 * DynamoDB round trips (delivery-batch.ts): one read for the batch, one write request for the attempt
 * results and delivery states, and health counters summed and written once per endpoint-hour when the
 * batch ends.
 */

export interface DeliveryConsumerDependencies extends Omit<DeliveryDependencies, 'stats'> {
  readonly observability: Observability;
  /** Where each batch's summed counters go; absent, nothing is counted. */
  readonly stats?: Pick<StatsStore, 'add'>;
  /** The webhooks table, for the batch's shared reads and writes; absent, each delivery does its own. */
  readonly table?: TableContext;
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

  async function processRecord(record: SQSRecord, delivery: DeliveryDependencies): Promise<void> {
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
      const outcome = await deliver(task, delivery);
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

  return createSqsConsumer({
    observability: deps.observability,
    inParallel: true,
    handler: {
      // Stats are summed over the batch and written once per endpoint-hour when it ends.
      startBatch: () => {
        const { stats, table, observability: _observability, ...rest } = deps;
        const batch = startDeliveryBatch(rest, { ...(stats && { stats }), ...(table && { table }) });
        return {
          processRecord: (record: SQSRecord) => batch.run(() => processRecord(record, batch.deps)),
          finish: async () => {
            await batch
              .finish()
              .catch((error: unknown) => logger.warn("Could not write the batch's endpoint stats", { error }));
          },
        };
      },
    },
  });
}
