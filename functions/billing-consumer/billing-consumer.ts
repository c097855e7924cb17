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
import {
  processLogged,
  failureReason,
  type InboundLogging,
  type Processed,
} from '../../shared/inbound/log/logged-processing';
import { receivedEventOf } from '../../shared/inbound/log/received-event';
import type { BillingEvent } from '../../shared/billing/stripe-events';

/**
 * SQS → billing. Each message is processed on its own; failures are reported per message
 * (`ReportBatchItemFailures`), so one bad message is retried (and after `maxReceiveCount` moved to
 * the DLQ) without holding back the rest of its batch.
 */

export interface BillingConsumerDependencies extends BillingDependencies {
  readonly observability: Observability;
  /** Receives before SQS moves a message to the DLQ; used to say so in the log. */
  readonly maxReceiveCount: number;
  /** The inbound event log: deduplication on Stripe's event id, outcomes, replays. */
  readonly inboundLog: InboundLogging;
}

/** The Stripe customer an event is about, for the log's `account`; null when the body does not parse. */
function stripeCustomer(body: Buffer): string | null {
  try {
    const event: BillingEvent = parseStripeEvent(body);
    return (event.kind === 'subscription' ? event.subscription.customer : event.invoice.customer) ?? null;
  } catch {
    return null;
  }
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
      const body = decodeQueuedBody(message);
      const received = receivedEventOf(message, body);
      const run = async (): Promise<Processed> => {
        const event = parseStripeEvent(body);
        const outcome = await processBillingEvent(event, deps);
        metrics.addMetric(METRIC[outcome.outcome], MetricUnit.Count, 1);
        if (outcome.published) metrics.addMetric(METRIC.eventPublished, MetricUnit.Count, 1);
        logger.info('Billing event processed', {
          orgId: outcome.orgId,
          outcome: outcome.outcome,
          plan: outcome.record?.plan,
          status: outcome.record?.status,
        });
        return {
          status: outcome.outcome === 'applied' ? 'applied' : 'ignored',
          changed: outcome.outcome === 'applied',
          orgId: outcome.orgId,
          ...(outcome.reason !== undefined && { reason: outcome.reason }),
          effects: {
            auditEntryId: outcome.eventId,
            ...(outcome.published && { publishedEventIds: [`subscription.updated:${outcome.eventId}`] }),
          },
        };
      };
      const failureOf = (error: unknown) =>
        error instanceof OrgNotResolvedError ? { ...failureReason(error), orgId: null } : failureReason(error);
      if (
        (await processLogged(deps.inboundLog, { ...received, account: stripeCustomer(body) }, run, failureOf)) ===
        'duplicate'
      ) {
        metrics.addMetric(METRIC.duplicateReceipt, MetricUnit.Count, 1);
        logger.info('Stripe event received again: counted, not applied again');
      }
    },
  });
}
