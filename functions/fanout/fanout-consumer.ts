import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { parsePlatformEvent } from '../../shared/events/event-catalog';
import { InvalidEventError } from '../../shared/events/errors';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import type { Observability } from '../../shared/platform/observability';
import { createSqsConsumer } from '../../shared/platform/aws/sqs-batch';
import { fanOut, type FanoutDependencies } from '../../shared/outbound/fanout';

/** Events queue → stored messages and delivery tasks, one event at a time, failures per message. */

export interface FanoutConsumerDependencies extends FanoutDependencies {
  readonly observability: Observability;
}

const METRIC = METRIC_NAMES.fanout;

export function createFanoutConsumer(deps: FanoutConsumerDependencies) {
  const { logger, metrics } = deps.observability;

  async function processRecord(record: SQSRecord): Promise<void> {
    // Events published over HTTP carry the request's id; events sent straight to the queue get the SQS message id.
    const correlationId = record.messageAttributes.correlationId?.stringValue ?? record.messageId;
    try {
      const event = parsePlatformEvent(JSON.parse(record.body));
      const outcome = await fanOut(event, correlationId, deps);
      metrics.addMetric(outcome.duplicate ? METRIC.duplicateEvent : METRIC.messageCreated, MetricUnit.Count, 1);
      metrics.addMetric(METRIC.tasksCreated, MetricUnit.Count, outcome.tasks);
      if (outcome.skipped > 0) metrics.addMetric(METRIC.skipped, MetricUnit.Count, outcome.skipped);
      if (outcome.delayed > 0) metrics.addMetric(METRIC.delayedAtFanout, MetricUnit.Count, outcome.delayed);
      logger.info('Event fanned out', {
        correlationId,
        eventId: event.id,
        eventType: event.type,
        orgId: event.orgId,
        ...(event.merchantId !== undefined && { merchantId: event.merchantId }),
        ...outcome,
      });
    } catch (error) {
      if (error instanceof InvalidEventError || error instanceof SyntaxError)
        metrics.addMetric(METRIC.invalidEvent, MetricUnit.Count, 1);
      logger.error('Fan-out failed; the event will be retried, then kept in the dead-letter queue', {
        correlationId,
        messageId: record.messageId,
        error,
      });
      throw error;
    }
  }

  return createSqsConsumer({ observability: deps.observability, handler: { processRecord }, inParallel: true });
}
