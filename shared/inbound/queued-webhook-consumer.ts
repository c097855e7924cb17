import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import type { Observability } from '../platform/observability';
import { createSqsConsumer } from '../platform/aws/sqs-batch';
import { parseQueuedWebhook, type QueuedWebhook } from './queued-webhook';

/**
 * The SQS side of every inbound-webhook consumer: one verified webhook per message, processed one
 * at a time (so log keys stay per message), failures reported per message (ReportBatchItemFailures)
 * and logged with whether SQS will retry or dead-letter them. The consumer supplies only `handle`.
 */
export interface QueuedWebhookConsumerOptions {
  /** How the log names the events, e.g. `Billing`. */
  readonly label: string;
  readonly observability: Observability;
  /** Receives before SQS moves a message to the DLQ; used to say so in the log. */
  readonly maxReceiveCount: number;
  readonly failedMetric: string;
  readonly handle: (message: QueuedWebhook) => Promise<void>;
  /** Counts a failure by kind before it is logged and rethrown. */
  readonly onFailure?: (error: unknown) => void;
}

export function createQueuedWebhookConsumer(options: QueuedWebhookConsumerOptions) {
  const { logger, metrics } = options.observability;

  async function processRecord(record: SQSRecord): Promise<void> {
    const receiveCount = Number(record.attributes.ApproximateReceiveCount);
    logger.appendKeys({ messageId: record.messageId, receiveCount });
    try {
      const message = parseQueuedWebhook(record.body);
      logger.appendKeys({
        correlationId: message.correlationId,
        source: message.source,
        eventId: message.eventId,
        eventType: message.eventType,
      });
      await options.handle(message);
    } catch (error) {
      options.onFailure?.(error);
      metrics.addMetric(options.failedMetric, MetricUnit.Count, 1);
      const lastAttempt = receiveCount >= options.maxReceiveCount;
      logger.error(
        lastAttempt
          ? `${options.label} event failed for the last time; SQS moves it to the dead-letter queue`
          : `${options.label} event failed; it will be retried`,
        { error },
      );
      throw error;
    } finally {
      logger.resetKeys();
    }
  }

  return createSqsConsumer({ observability: options.observability, handler: { processRecord }, inParallel: false });
}
