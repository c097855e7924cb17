import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseStripeEvent, processBillingEvent, type BillingDependencies } from '../../shared/billing/process-billing-event';
import { OrgNotResolvedError } from '../../shared/errors';
import { METRIC_NAMES } from '../../shared/metric-names';
import type { Observability } from '../../shared/observability';
import { decodeQueuedBody, queuedWebhookSchema } from '../../shared/queue-message';

/**
 * SQS → billing. Each message is processed on its own; failures are reported per message
 * (`ReportBatchItemFailures`), so one bad message is retried (and after `maxReceiveCount` moved to
 * the DLQ) without holding back the rest of its batch.
 */

export interface BillingConsumerDependencies extends BillingDependencies {
  readonly observability: Observability;
  /** Receives before SQS moves a message to the DLQ; used to say so in the log. */
  readonly maxReceiveCount: number;
}

const METRIC = METRIC_NAMES.billingConsumer;

export function createBillingConsumer(deps: BillingConsumerDependencies) {
  const { logger, metrics } = deps.observability;

  async function processRecord(record: SQSRecord): Promise<void> {
    const receiveCount = Number(record.attributes.ApproximateReceiveCount);
    logger.appendKeys({ messageId: record.messageId, receiveCount });
    try {
      const message = queuedWebhookSchema.parse(JSON.parse(record.body));
      logger.appendKeys({ correlationId: message.correlationId, eventId: message.eventId, eventType: message.eventType });
      const outcome = await processBillingEvent(parseStripeEvent(decodeQueuedBody(message)), deps);
      metrics.addMetric(METRIC[outcome.outcome], MetricUnit.Count, 1);
      if (outcome.published) metrics.addMetric(METRIC.eventPublished, MetricUnit.Count, 1);
      logger.info('Billing event processed', { orgId: outcome.orgId, outcome: outcome.outcome, plan: outcome.record?.plan, status: outcome.record?.status });
    } catch (error) {
      if (error instanceof OrgNotResolvedError) metrics.addMetric(METRIC.orgUnresolved, MetricUnit.Count, 1);
      metrics.addMetric(METRIC.failed, MetricUnit.Count, 1);
      const lastAttempt = receiveCount >= deps.maxReceiveCount;
      logger.error(lastAttempt ? 'Billing event failed for the last time; SQS moves it to the dead-letter queue' : 'Billing event failed; it will be retried', { error });
      throw error;
    } finally {
      logger.resetKeys();
    }
  }

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    try {
      return await processPartialResponse(event, processRecord, new BatchProcessor(EventType.SQS), {
        context,
        throwOnFullBatchFailure: false,
        processInParallel: false,
      });
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
