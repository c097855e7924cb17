import { MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  parseStripeEvent,
  processBillingEvent,
  type BillingDependencies,
} from '../../shared/billing/process-billing-event';
import { OrgNotResolvedError } from '../../shared/platform/errors';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import type { Observability } from '../../shared/platform/observability';
import { decodeQueuedBody } from '../../shared/inbound/queued-webhook';
import { createQueuedWebhookConsumer } from '../../shared/inbound/queued-webhook-consumer';

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

  return createQueuedWebhookConsumer({
    label: 'Billing',
    observability: deps.observability,
    maxReceiveCount: deps.maxReceiveCount,
    failedMetric: METRIC.failed,
    onFailure: (error) => {
      if (error instanceof OrgNotResolvedError) metrics.addMetric(METRIC.orgUnresolved, MetricUnit.Count, 1);
    },
    handle: async (message) => {
      const outcome = await processBillingEvent(parseStripeEvent(decodeQueuedBody(message)), deps);
      metrics.addMetric(METRIC[outcome.outcome], MetricUnit.Count, 1);
      if (outcome.published) metrics.addMetric(METRIC.eventPublished, MetricUnit.Count, 1);
      logger.info('Billing event processed', {
        orgId: outcome.orgId,
        outcome: outcome.outcome,
        plan: outcome.record?.plan,
        status: outcome.record?.status,
      });
    },
  });
}
