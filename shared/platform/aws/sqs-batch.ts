import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Observability } from '../observability';

/**
 * The shell of every SQS consumer (billing, catalog, fan-out, delivery): the Lambda context on the
 * logger, failures reported per message (`ReportBatchItemFailures`, so one bad message is retried
 * without holding back the rest of its batch) and the metrics flushed once per invocation, whatever
 * happened. The consumer supplies only what to do with one record.
 */
export interface SqsConsumerShell {
  readonly observability: Observability;
  readonly processRecord: (record: SQSRecord) => Promise<void>;
  /** Side by side (a slow record does not hold back the others) or one at a time (log keys per message). */
  readonly inParallel: boolean;
}

export function createSqsConsumer(shell: SqsConsumerShell) {
  const { logger, metrics } = shell.observability;
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    try {
      return await processPartialResponse(event, shell.processRecord, new BatchProcessor(EventType.SQS), {
        context,
        throwOnFullBatchFailure: false,
        processInParallel: shell.inParallel,
      });
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
